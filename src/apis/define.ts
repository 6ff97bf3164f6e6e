/**
 * One declaration per custom resource: group, names, printer columns and the spec/status zod
 * schemas. Everything else is derived from it: the CRD (apiextensions.k8s.io/v1), the TypeScript
 * types and the runtime validation. See docs/adr/0002-one-schema-per-resource.md.
 */
import { z } from 'zod';
import type { JSONSchemaProps } from '../schema/json-schema-props.js';
import { toStructuralSchema } from '../schema/structural.js';
import { checkTransition } from '../schema/x-kubernetes.js';
import { objectName, CATEGORY as switchyardCategory } from './common.js';
import { describeIssues, type FieldIssue, formatPath, issueLines } from './issues.js';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  /** 0 shows in `kubectl get`; 1 only with `-o wide`. */
  priority?: number;
}

export const ageColumn: PrinterColumn = {
  name: 'Age',
  type: 'date',
  jsonPath: '.metadata.creationTimestamp',
};

export interface CustomResourceDeclaration<Spec extends z.ZodType, Status extends z.ZodType> {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  /** `kubectl get switchyard` lists every kind in the category. */
  categories?: string[];
  description: string;
  printerColumns?: PrinterColumn[];
  spec: Spec;
  status: Status;
}

const objectMeta = z
  .looseObject({
    name: objectName().optional(),
    generateName: z.string().max(253).optional(),
    namespace: objectName().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
  })
  .refine((meta) => meta.name !== undefined || meta.generateName !== undefined, {
    message: 'name or generateName is required',
    path: ['name'],
  });

export type ObjectMeta = z.output<typeof objectMeta>;

/** A custom resource object as it comes back from the apiserver (defaults applied). */
export interface ResourceOf<Spec extends z.ZodType, Status extends z.ZodType> {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec: z.output<Spec>;
  status?: z.output<Status>;
}

/** A custom resource object as people write it (defaulted fields optional). */
export interface ResourceInputOf<Spec extends z.ZodType, Status extends z.ZodType> {
  apiVersion: string;
  kind: string;
  metadata: z.input<typeof objectMeta>;
  spec: z.input<Spec>;
  status?: z.input<Status>;
}

export type ParseResult<T> = { success: true; data: T } | { success: false; issues: FieldIssue[] };

export class ResourceValidationError extends Error {
  constructor(
    readonly kind: string,
    readonly issues: FieldIssue[],
  ) {
    super(
      `invalid ${kind}:\n${issueLines(issues)
        .map((line) => `  ${line}`)
        .join('\n')}`,
    );
    this.name = 'ResourceValidationError';
  }
}

export interface CustomResource<Spec extends z.ZodType, Status extends z.ZodType> {
  readonly group: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly spec: Spec;
  readonly status: Status;
  /** The whole object: apiVersion/kind pinned, strict spec and status. */
  readonly schema: z.ZodType<ResourceOf<Spec, Status>, ResourceInputOf<Spec, Status>>;
  /** The apiextensions.k8s.io/v1 CustomResourceDefinition, as a plain object. */
  crd(): CustomResourceDefinition;
  parse(value: unknown): ResourceOf<Spec, Status>;
  safeParse(value: unknown): ParseResult<ResourceOf<Spec, Status>>;
  /**
   * Validates an update: the new object on its own, then the transition rules (`oldSelf`) on
   * spec and status, which the apiserver evaluates only on update.
   */
  safeParseUpdate(previous: unknown, next: unknown): ParseResult<ResourceOf<Spec, Status>>;
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns?: PrinterColumn[];
      schema: { openAPIV3Schema: JSONSchemaProps };
    }[];
  };
}

export function defineCustomResource<Spec extends z.ZodType, Status extends z.ZodType>(
  declaration: CustomResourceDeclaration<Spec, Status>,
): CustomResource<Spec, Status> {
  const apiVersion = `${declaration.group}/${declaration.version}`;
  const schema = z.strictObject({
    apiVersion: z.literal(apiVersion),
    kind: z.literal(declaration.kind),
    metadata: objectMeta,
    spec: declaration.spec,
    status: declaration.status.optional(),
  }) as unknown as CustomResource<Spec, Status>['schema']; // z.strictObject over generic members cannot be inferred structurally

  const safeParse = (value: unknown): ParseResult<ResourceOf<Spec, Status>> => {
    const result = schema.safeParse(value, { reportInput: true });
    return result.success
      ? { success: true, data: result.data }
      : { success: false, issues: describeIssues(result.error) };
  };

  let cachedCrd: CustomResourceDefinition | undefined;
  return {
    group: declaration.group,
    version: declaration.version,
    apiVersion,
    kind: declaration.kind,
    plural: declaration.plural,
    spec: declaration.spec,
    status: declaration.status,
    schema,
    crd() {
      cachedCrd ??= buildCrd(declaration);
      // Callers may mutate what they get (cdk8s does); hand out a copy.
      return structuredClone(cachedCrd);
    },
    parse(value) {
      const result = safeParse(value);
      if (!result.success) throw new ResourceValidationError(declaration.kind, result.issues);
      return result.data;
    },
    safeParse,
    safeParseUpdate(previous, next) {
      const nextResult = safeParse(next);
      if (!nextResult.success) return nextResult;
      const previousResult = safeParse(previous);
      if (!previousResult.success) return previousResult;
      const issues: FieldIssue[] = [];
      for (const part of ['spec', 'status'] as const) {
        const oldValue = previousResult.data[part];
        const newValue = nextResult.data[part];
        if (oldValue === undefined || newValue === undefined) continue; // as in CEL: no oldSelf, no rule
        for (const violation of checkTransition(declaration[part], newValue, oldValue)) {
          issues.push({ path: formatPath([part, ...violation.path]), message: violation.message });
        }
      }
      return issues.length ? { success: false, issues } : nextResult;
    },
  };
}

function buildCrd<Spec extends z.ZodType, Status extends z.ZodType>(
  declaration: CustomResourceDeclaration<Spec, Status>,
): CustomResourceDefinition {
  const singular = declaration.kind.toLowerCase();
  const names: CustomResourceDefinition['spec']['names'] = {
    kind: declaration.kind,
    listKind: `${declaration.kind}List`,
    plural: declaration.plural,
    singular,
  };
  if (declaration.shortNames?.length) names.shortNames = declaration.shortNames;
  names.categories = declaration.categories ?? [switchyardCategory];

  const version: CustomResourceDefinition['spec']['versions'][number] = {
    name: declaration.version,
    served: true,
    storage: true,
    subresources: { status: {} },
    schema: {
      openAPIV3Schema: {
        type: 'object',
        description: declaration.description,
        properties: {
          apiVersion: { type: 'string', description: 'APIVersion of this representation of the object.' },
          kind: { type: 'string', description: 'Kind of the REST resource this object represents.' },
          metadata: { type: 'object' },
          spec: toStructuralSchema(declaration.spec),
          status: toStructuralSchema(declaration.status),
        },
        required: ['spec'],
      },
    },
  };
  if (declaration.printerColumns?.length) version.additionalPrinterColumns = declaration.printerColumns;

  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${declaration.plural}.${declaration.group}`,
      labels: { 'app.kubernetes.io/part-of': 'switchyard' },
    },
    spec: { group: declaration.group, names, scope: 'Namespaced', versions: [version] },
  };
}
