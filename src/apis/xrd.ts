/**
 * Crossplane v2 CompositeResourceDefinition from zod, through the same structural generator as
 * our CRDs, so the estate's XR APIs follow the same rules (typed, bounded, CEL + zod in step).
 */
import type { z } from 'zod';
import type { JSONSchemaProps } from '../schema/json-schema-props.js';
import { toStructuralSchema } from '../schema/structural.js';
import type { PrinterColumn } from './define.js';

export interface CompositeResourceDeclaration {
  group: string;
  /** Defaults to v1alpha1. */
  version?: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  description: string;
  printerColumns?: PrinterColumn[];
  /** The XR's own fields. Crossplane adds spec.crossplane (compositionRef, resourceRefs…) itself. */
  spec: z.ZodType;
  /** Status fields the composition writes back (ToCompositeFieldPath); undeclared ones are pruned. */
  status?: z.ZodType;
  /** Name of the Composition XRs use unless they select another. */
  defaultCompositionRef?: string;
}

export interface CompositeResourceDefinition {
  apiVersion: 'apiextensions.crossplane.io/v2';
  kind: 'CompositeResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; plural: string; shortNames?: string[]; categories?: string[] };
    scope: 'Namespaced';
    defaultCompositionRef?: { name: string };
    versions: {
      name: string;
      served: true;
      referenceable: true;
      additionalPrinterColumns?: PrinterColumn[];
      schema: { openAPIV3Schema: JSONSchemaProps };
    }[];
  };
}

/** Field names Crossplane injects into every v2 XR; declaring them would fight Crossplane. */
const crossplaneOwnedSpecFields = ['crossplane'];

export function compositeResourceDefinition(
  declaration: CompositeResourceDeclaration,
): CompositeResourceDefinition {
  const spec = toStructuralSchema(declaration.spec);
  for (const field of crossplaneOwnedSpecFields) {
    if (spec.properties?.[field]) {
      throw new Error(
        `${declaration.kind}: spec.${field} is injected by Crossplane and must not be declared`,
      );
    }
  }
  const properties: Record<string, JSONSchemaProps> = { spec };
  if (declaration.status) properties.status = toStructuralSchema(declaration.status);

  const names: CompositeResourceDefinition['spec']['names'] = {
    kind: declaration.kind,
    plural: declaration.plural,
  };
  if (declaration.shortNames?.length) names.shortNames = declaration.shortNames;
  if (declaration.categories?.length) names.categories = declaration.categories;

  const version: CompositeResourceDefinition['spec']['versions'][number] = {
    name: declaration.version ?? 'v1alpha1',
    served: true,
    referenceable: true,
    schema: {
      openAPIV3Schema: {
        type: 'object',
        description: declaration.description,
        properties,
        required: ['spec'],
      },
    },
  };
  if (declaration.printerColumns?.length) version.additionalPrinterColumns = declaration.printerColumns;

  const xrd: CompositeResourceDefinition = {
    apiVersion: 'apiextensions.crossplane.io/v2',
    kind: 'CompositeResourceDefinition',
    metadata: {
      name: `${declaration.plural}.${declaration.group}`,
      labels: { 'app.kubernetes.io/part-of': 'switchyard' },
    },
    spec: { group: declaration.group, names, scope: 'Namespaced', versions: [version] },
  };
  if (declaration.defaultCompositionRef)
    xrd.spec.defaultCompositionRef = { name: declaration.defaultCompositionRef };
  return xrd;
}
