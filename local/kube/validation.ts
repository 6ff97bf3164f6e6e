import { celRuleProblems } from '../../src/schema/cel-rules.js';
import { applyDefaults } from '../../src/schema/defaults.js';
import { objectMetaProblems } from '../../src/schema/object-meta.js';
import { isPlainObject, type OpenApiSchema } from '../../src/schema/openapi.js';
import { type ObjectProblem, RULES_NOT_CHECKED, validateObject } from '../../src/schema/validate.js';
import { admitBuiltin } from './builtin-admission.js';
import type { StrategyContext } from './builtin-strategy.js';
import type { KubeObject } from './object-meta.js';
import { nameOf } from './object-meta.js';
import { pruneUnknownFields } from './prune.js';
import type { TypeRegistry } from './registry.js';
import type { ResourceType } from './resource-type.js';
import { badRequest, invalid, type StatusCause } from './status.js';

/**
 * Admission of a custom resource: prune unknown fields (Warning headers, or 400 under
 * fieldValidation=Strict), apply defaults, then validate with the Foundation validator
 * (src/schema/validate.ts) and turn its problems into the apiserver's 422 Invalid Status.
 */

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export interface Admitted {
  object: KubeObject;
  warnings: string[];
  /**
   * Built-in kinds: the object the field manager records, defaulted but before the kind's strategy
   * (allocated cluster IPs, a Job's generated selector are nobody's), and what it is compared with
   * on a create (the kind's Go zero value).
   */
  managedFieldsBasis?: { object: KubeObject; before: KubeObject | undefined };
}

export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '' || value === 'Warn') return 'Warn';
  if (value === 'Ignore' || value === 'Strict') return value;
  throw badRequest(
    `fieldValidation must be one of "Ignore", "Warn", or "Strict"; got ${JSON.stringify(value)}`,
  );
}

export function admit(
  registry: TypeRegistry,
  type: ResourceType,
  object: KubeObject,
  oldObject: KubeObject | undefined,
  fieldValidation: FieldValidation,
  strategy?: StrategyContext,
): Admitted {
  if (type.builtin && strategy) return admitBuiltin(type, object, oldObject, fieldValidation, strategy);
  const schemaVersion = type.schemaVersion;
  if (!schemaVersion) {
    const causes = objectMetaProblems((object.metadata ?? {}) as Record<string, unknown>).map(toCause);
    if (causes.length > 0) throw invalid(type.group, type.kind, nameOf(object), causes);
    return { object, warnings: [] };
  }
  const { object: pruned, unknownFields } = pruneUnknownFields(object, schemaVersion.schema);
  if (unknownFields.length > 0 && fieldValidation === 'Strict') {
    const list = unknownFields.map((field) => `unknown field "${field}"`).join(', ');
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${list}`,
    );
  }
  const warnings = fieldValidation === 'Warn' ? unknownFields.map((field) => `unknown field "${field}"`) : [];
  const defaulted = applyDefaults(pruned, schemaVersion.schema) as KubeObject;
  const problems = celAsTheApiserverReports(
    validateObject(registry.catalog, defaulted, oldObject === undefined ? {} : { oldObject }),
    defaulted,
    schemaVersion.schema,
    oldObject,
  );
  const causes: StatusCause[] = [];
  for (const problem of problems) {
    // The apiserver serves deprecated versions with a warning, it does not refuse them.
    if (problem.path === 'apiVersion' && problem.message.startsWith('deprecated apiVersion')) {
      warnings.push(
        schemaVersion.deprecationWarning ?? `${type.group}/${type.version} ${type.kind} is deprecated`,
      );
      continue;
    }
    causes.push(toCause(problem));
  }
  if (causes.length > 0)
    throw invalid(type.group, type.kind, nameOf(defaulted), orderLikeTheApiserver(causes));
  return { object: defaulted, warnings };
}

/**
 * What the apiserver does with CEL that the validator leaves to its caller: a rule failing on a
 * scalar shows the value (`Invalid value: "B": serial is immutable`).
 */
function celAsTheApiserverReports(
  problems: ObjectProblem[],
  object: KubeObject,
  schema: OpenApiSchema,
  oldObject: KubeObject | undefined,
): ObjectProblem[] {
  if (problems.length === 0 || problems.some((problem) => problem.message === RULES_NOT_CHECKED))
    return problems;
  const old = oldObject === undefined ? undefined : applyDefaults(oldObject, schema);
  const fromRules = celRuleProblems(object, schema, old);
  const isRule = (problem: ObjectProblem) =>
    fromRules.some((rule) => rule.path === problem.path && rule.message === problem.message);
  return problems.map((problem) => {
    if (!isRule(problem) || /^[A-Z][a-z]+ value:|^Forbidden:/.test(problem.message)) return problem;
    const value = valueAtPath(object, problem.path);
    // Only when the rule sits on this node: a parent's rule pointing here via fieldPath shows no value.
    const declaresRule = (schemaAtPath(schema, problem.path)?.['x-kubernetes-validations']?.length ?? 0) > 0;
    if (declaresRule && value !== undefined && (typeof value !== 'object' || value === null)) {
      return { ...problem, message: `Invalid value: ${JSON.stringify(value)}: ${problem.message}` };
    }
    return problem;
  });
}

function pathSegments(path: string): string[] {
  return [...path.matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)].map((match) => match[1] ?? match[2] ?? '');
}

function valueAtPath(object: unknown, path: string): unknown {
  let node = object;
  for (const segment of pathSegments(path)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isPlainObject(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

function schemaAtPath(schema: OpenApiSchema, path: string): OpenApiSchema | undefined {
  let node: OpenApiSchema | undefined = schema;
  for (const segment of pathSegments(path)) {
    if (!node) return undefined;
    const mapValues: OpenApiSchema | undefined =
      typeof node.additionalProperties === 'object' ? node.additionalProperties : undefined;
    node = node.properties?.[segment] ?? node.items ?? mapValues;
  }
  return node;
}

/**
 * kube-openapi's order: type errors, then the other value errors, then missing fields, each by
 * field path; the CEL note last.
 */
function orderLikeTheApiserver(causes: StatusCause[]): StatusCause[] {
  const rank = (cause: StatusCause) =>
    cause.field === '<nil>'
      ? 3
      : cause.reason === 'FieldValueTypeInvalid'
        ? 0
        : cause.reason === 'FieldValueRequired'
          ? 2
          : 1;
  return [...causes].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      ((a.field ?? '') < (b.field ?? '') ? -1 : (a.field ?? '') > (b.field ?? '') ? 1 : 0),
  );
}

/** The validator speaks the apiserver's field.Error language; these add the parts it leaves out. */
function toCause({ path, message }: { path: string; message: string }): StatusCause {
  const field = path === '' ? '<nil>' : path;
  if (message === RULES_NOT_CHECKED) {
    return { reason: 'FieldValueInvalid', message: `Invalid value: null: ${message}`, field };
  }
  const typeError = /^Invalid value: (.*): must be of type (.+)$/.exec(message);
  if (typeError) {
    const jsonType = jsonTypeName(typeError[1] ?? '');
    return {
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: "${jsonType}": ${field} in body must be of type ${typeError[2]}: "${jsonType}"`,
      field,
    };
  }
  const openApi = openApiMessage(message, field);
  if (openApi) return openApi;
  if (message.startsWith('Unsupported value:')) return { reason: 'FieldValueNotSupported', message, field };
  if (message.startsWith('Required value')) return { reason: 'FieldValueRequired', message, field };
  if (message.startsWith('Forbidden:')) return { reason: 'FieldValueForbidden', message, field };
  if (message.startsWith('Duplicate value:')) return { reason: 'FieldValueDuplicate', message, field };
  if (message.startsWith('Too long:')) return { reason: 'FieldValueTooLong', message, field };
  if (message.startsWith('Invalid value:'))
    return { reason: 'FieldValueInvalid', message: withRegexHint(message), field };
  // A CEL rule message without a reason prefix: the apiserver reports it as an invalid value.
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${message}`, field };
}

/** kube-openapi names the JSON type of the offending value, not the value itself. */
function jsonTypeName(shown: string): string {
  try {
    const value: unknown = JSON.parse(shown);
    if (value === null) return 'null';
    if (Array.isArray(value)) return 'array';
    if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
    return typeof value;
  } catch {
    return 'string';
  }
}

/** ajv's wording of the OpenAPI value checks → kube-openapi's (`<field> in body should …`). */
function openApiMessage(message: string, field: string): StatusCause | undefined {
  const match = /^Invalid value: (.*): (.*)$/.exec(message);
  if (!match) return undefined;
  const [, shown = '', detail = ''] = match;
  const rewrite = (text: string, reason = 'FieldValueInvalid'): StatusCause => ({
    reason,
    message: `Invalid value: ${shown}: ${field} in body ${text}`,
    field,
  });
  let m = /^should match '(.*)'$/.exec(detail);
  if (m) return rewrite(`should match '${m[1]}'`);
  m = /^must be <= (\S+)$/.exec(detail);
  if (m) return rewrite(`should be less than or equal to ${m[1]}`);
  m = /^must be >= (\S+)$/.exec(detail);
  if (m) return rewrite(`should be greater than or equal to ${m[1]}`);
  m = /^must be < (\S+)$/.exec(detail);
  if (m) return rewrite(`should be less than ${m[1]}`);
  m = /^must be > (\S+)$/.exec(detail);
  if (m) return rewrite(`should be greater than ${m[1]}`);
  m = /^must NOT have more than (\d+) characters$/.exec(detail);
  if (m)
    return { reason: 'FieldValueTooLong', message: `Too long: may not be more than ${m[1]} bytes`, field };
  m = /^must NOT have fewer than (\d+) characters$/.exec(detail);
  if (m) return rewrite(`should be at least ${m[1]} chars long`);
  m = /^must NOT have more than (\d+) items$/.exec(detail);
  if (m)
    return {
      reason: 'FieldValueTooMany',
      message: `Too many: ${jsonLength(shown)}: must have at most ${m[1]} items`,
      field,
    };
  m = /^must NOT have fewer than (\d+) items$/.exec(detail);
  if (m) return rewrite(`should have at least ${m[1]} items`);
  m = /^must be of format (.+)$/.exec(detail);
  if (m) return rewrite(`must be of type ${m[1]}: ${shown}`, 'FieldValueTypeInvalid');
  return undefined;
}

function jsonLength(shown: string): number {
  try {
    const value: unknown = JSON.parse(shown);
    return Array.isArray(value) ? value.length : 0;
  } catch {
    return 0;
  }
}

/** apimachinery appends an example and the regular expression to its name-format messages. */
const REGEX_HINTS: [string, string][] = [
  [
    'a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters',
    "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ],
  [
    'a lowercase RFC 1123 label must consist of lower case alphanumeric characters',
    "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ],
  [
    'name part must consist of alphanumeric characters',
    "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  ],
  [
    'a valid label must be an empty string or consist of alphanumeric characters',
    "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ],
];

export function withRegexHint(message: string): string {
  for (const [start, hint] of REGEX_HINTS)
    if (message.includes(start) && !message.includes('regex used')) return `${message} ${hint}`;
  return message;
}
