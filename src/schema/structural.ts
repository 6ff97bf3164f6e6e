/**
 * zod → Kubernetes structural OpenAPI v3 schema (JSONSchemaProps), for CRDs and Crossplane XRDs.
 *
 * zod's own `toJSONSchema` (OpenAPI 3.0 target, input side so defaulted fields are optional) does
 * the traversal, descriptions, defaults, enums, bounds and `.meta()` extensions. This module then
 * rewrites the few places where JSON Schema and Kubernetes disagree, and refuses (with the path)
 * what a structural schema cannot say, rather than emitting a CRD the apiserver would reject.
 * See docs/adr/0002-one-schema-per-resource.md.
 */
import { z } from 'zod';
import { type JSONSchemaProps, jsonSchemaPropsKeys } from './json-schema-props.js';
import { findStructuralProblems, findUnboundedValues, type SchemaProblem } from './structural-check.js';

export interface StructuralOptions {
  /**
   * Require maxLength/maxItems/maxProperties on every string/list/map (default true). The
   * apiserver estimates CEL cost from these bounds and rejects a CRD whose rules could exceed
   * the budget, so an unbounded field is a latent failure waiting for the first rule over it.
   */
  requireBounds?: boolean;
}

export class StructuralSchemaError extends Error {
  constructor(readonly problems: SchemaProblem[]) {
    super(`not a structural schema:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'StructuralSchemaError';
  }
}

type JsonObject = Record<string, unknown>;

const INT32 = { min: -2147483648, max: 2147483647 };

/** Formats the apiserver validates itself; zod's regex for them is dropped (it is RE2-hostile and redundant). */
const kubernetesStringFormats = new Set([
  'date-time',
  'date',
  'uri',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'cidr',
  'mac',
  'uuid',
  'byte',
  'password',
]);

export function toStructuralSchema(schema: z.ZodType, options: StructuralOptions = {}): JSONSchemaProps {
  const raw = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'throw',
    cycles: 'throw',
    reused: 'inline',
  }) as JsonObject;
  const problems: SchemaProblem[] = [];
  const result = normalize(raw, '', problems);
  problems.push(...findStructuralProblems(result));
  if (options.requireBounds ?? true) problems.push(...findUnboundedValues(result));
  if (problems.length) throw new StructuralSchemaError(problems);
  return result;
}

/**
 * zod spells integer widths as min/max bounds (±2^31 for `z.int32()`, ±2^53 for `z.int()`);
 * Kubernetes spells them as `format: int32|int64`, and the extreme bounds would only add noise to
 * `kubectl explain`. Done on the JSON (not in zod's `override`) because zod copies a node into its
 * `.optional()`/`.default()` wrappers before `override` runs.
 */
function normalizeInteger(node: JsonObject): void {
  const { minimum, maximum } = node;
  const fitsInt32 =
    typeof minimum === 'number' &&
    typeof maximum === 'number' &&
    minimum >= INT32.min &&
    maximum <= INT32.max;
  node.format ??= fitsInt32 ? 'int32' : 'int64';
  for (const extreme of [INT32.min, INT32.max, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]) {
    if (node.minimum === extreme) delete node.minimum;
    if (node.maximum === extreme) delete node.maximum;
  }
}

function normalize(input: JsonObject, path: string, problems: SchemaProblem[]): JSONSchemaProps {
  const report = (message: string) => problems.push({ path: path || '<root>', message });
  const node: JsonObject = { ...input };
  delete node.$schema;

  for (const key of ['$ref', '$defs', 'definitions', 'prefixItems', 'allOf', 'patternProperties']) {
    if (key in node) {
      report(`zod produced "${key}", which a structural schema cannot carry`);
      delete node[key];
    }
  }

  if ('const' in node) {
    node.enum = [node.const];
    delete node.const;
  }
  if (Array.isArray(node.examples)) {
    node.example = node.examples[0];
    delete node.examples;
  }
  // JSONSchemaProps has no `deprecated`; say it where kubectl explain shows it.
  if (node.deprecated === true) {
    node.description = `Deprecated. ${typeof node.description === 'string' ? node.description : ''}`.trim();
  }
  delete node.deprecated;

  collapseUnion(node, report);

  if (node.type === 'object') normalizeObject(node, path, problems, report);
  if (node.type === 'array') {
    if (Array.isArray(node.items) || node.items === undefined) report('array items must be one schema');
    else node.items = normalize(node.items as JsonObject, `${path}[*]`, problems);
  }
  if (node.type === 'string') normalizeString(node, report);
  if (node.type === 'integer') normalizeInteger(node);

  for (const key of Object.keys(node)) {
    if (!jsonSchemaPropsKeys.has(key)) {
      report(`"${key}" is not a JSONSchemaProps field (from zod or .meta())`);
      delete node[key];
    }
  }
  return node as JSONSchemaProps;
}

/**
 * A structural schema cannot say "one of these types". Unions of literals become one enum;
 * int-or-string (see intOrString()) keeps only the extension. Anything else is refused: model
 * variants the Kubernetes way, as optional members plus a CEL rule saying which one is set.
 */
function collapseUnion(node: JsonObject, report: (message: string) => void): void {
  const branches = (node.anyOf ?? node.oneOf) as JsonObject[] | undefined;
  if (!branches) return;
  delete node.anyOf;
  delete node.oneOf;
  if (node['x-kubernetes-int-or-string'] === true) return;
  const types = new Set(branches.map((branch) => branch.type));
  const allEnums = branches.every((branch) => Array.isArray(branch.enum) || 'const' in branch);
  const [onlyType] = types;
  if (allEnums && types.size === 1 && typeof onlyType === 'string') {
    node.type = onlyType;
    node.enum = branches.flatMap((branch) => (Array.isArray(branch.enum) ? branch.enum : [branch.const]));
    return;
  }
  report('union of different shapes; use optional members + a CEL one-of rule, or intOrString()');
}

function normalizeObject(
  node: JsonObject,
  path: string,
  problems: SchemaProblem[],
  report: (message: string) => void,
): void {
  const properties = node.properties as Record<string, JsonObject> | undefined;
  const additional = node.additionalProperties;

  if (node.propertyNames !== undefined) {
    const names = node.propertyNames as JsonObject;
    const plainString = names.type === 'string' && Object.keys(names).length === 1;
    if (!plainString) report('map keys are constrained; a structural schema cannot say so (use a list-map)');
    delete node.propertyNames;
  }

  // Strict objects: the apiserver prunes unknown fields anyway, and false is not structural.
  if (additional === false) delete node.additionalProperties;
  const isOpen =
    additional === true ||
    (typeof additional === 'object' && additional !== null && Object.keys(additional).length === 0);
  if (isOpen) {
    delete node.additionalProperties;
    node['x-kubernetes-preserve-unknown-fields'] = true;
  } else if (typeof additional === 'object' && additional !== null) {
    if (properties && Object.keys(properties).length) {
      report('object has both properties and typed additionalProperties');
    }
    delete node.properties;
    node.additionalProperties = normalize(additional as JsonObject, `${path}{*}`, problems);
  }

  if (properties && Object.keys(properties).length) {
    node.properties = Object.fromEntries(
      Object.entries(properties).map(([name, child]) => [
        name,
        normalize(child, path ? `${path}.${name}` : name, problems),
      ]),
    );
  } else {
    delete node.properties;
  }
  if (Array.isArray(node.required) && node.required.length === 0) delete node.required;
}

function normalizeString(node: JsonObject, report: (message: string) => void): void {
  const format = node.format;
  if (typeof format === 'string') {
    if (kubernetesStringFormats.has(format)) {
      delete node.pattern;
    } else {
      // e.g. zod's ISO-8601 "duration" differs from the apiserver's Go-style one; keep only the pattern.
      delete node.format;
    }
  }
  if (typeof node.pattern === 'string' && !isRe2Compatible(node.pattern)) {
    report(`pattern ${node.pattern} uses lookaround or backreferences, which the apiserver (RE2) rejects`);
  }
}

/** The apiserver compiles `pattern` with Go's RE2: no lookaround, no backreferences. */
export function isRe2Compatible(pattern: string): boolean {
  return !/\(\?<?[=!]|\\[1-9]|\\k</.test(pattern);
}
