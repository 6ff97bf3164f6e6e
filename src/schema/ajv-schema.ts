import type { OpenApiSchema } from './openapi.js';

/**
 * Turns ONE node of a Kubernetes structural schema (OpenAPI v3 + `x-kubernetes-*`) into the
 * JSON Schema ajv checks at that node, with Kubernetes meaning. Children are not included: the
 * validator walks the document and checks each present value against its own node, so a manifest
 * only pays for the parts of a (possibly 1 MB) schema it actually uses, and identical nodes (there
 * are ~700 distinct ones among 40,000 in the stored CRDs) share one compiled ajv function.
 *
 * - `nullable: true` → null is an allowed type (and enum value);
 * - `x-kubernetes-int-or-string` → integer or string (its anyOf only restates that);
 * - `format: quantity` (a built-in kind's resource.Quantity, builtin-schemas.ts) → a number, or a
 *   string in Kubernetes' quantity syntax;
 * - objects with `properties` (or nothing) are CLOSED unless `x-kubernetes-preserve-unknown-fields`:
 *   the apiserver would prune unknown fields silently, Switchyard refuses them;
 * - `x-kubernetes-embedded-resource` → apiVersion/kind required, metadata allowed;
 * - OpenAPI v3.0 boolean exclusiveMinimum/Maximum → draft-07 numbers;
 * - `default`, descriptions and other annotations are dropped (defaulting is done beforehand);
 * - formats the apiserver does not check are dropped (it ignores them too).
 */

export type JsonSchema = { [keyword: string]: unknown };

/** The format builtin-schemas.ts gives resource.Quantity; ajv-validator.ts says which strings match. */
export const QUANTITY_FORMAT = 'quantity';
/** The format builtin-schemas.ts gives metav1.MicroTime (micro-time.ts says which strings match). */
export const MICRO_TIME_FORMAT = 'micro-time';

/** Formats validated; the rest (e.g. `password`, free-form names in upstream CRDs) are annotations. */
const CHECKED_FORMATS = new Set([
  QUANTITY_FORMAT,
  MICRO_TIME_FORMAT,
  'int32',
  'int64',
  'float',
  'double',
  'byte',
  'date-time',
  'date',
  'uuid',
  'ipv4',
  'ipv6',
]);

/** Value-only keywords copied as is. */
export const VALUE_KEYWORDS = [
  'pattern',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'uniqueItems',
] as const;

/** Property names an embedded resource always allows, whatever its schema lists. */
export const EMBEDDED_RESOURCE_FIELDS = ['apiVersion', 'kind', 'metadata'] as const;

/**
 * The value checks of one node for ajv: type, enum, format, pattern, bounds, junctors. The
 * object-shape checks (required fields, unknown fields) are done by the validator's walk instead:
 * leaving them out makes the ~40,000 nodes of the stored CRDs collapse into ~100 distinct ajv
 * functions, which is what keeps compiling everything well under a second.
 */
export function shallowAjvSchema(schema: OpenApiSchema): JsonSchema {
  return valueChecks(schema, false);
}

/** Fields a node's object must have: `required`, plus apiVersion/kind for embedded resources. */
export function requiredFields(schema: OpenApiSchema): string[] {
  const required = schema.required ?? [];
  return schema['x-kubernetes-embedded-resource'] === true
    ? [...new Set([...required, 'apiVersion', 'kind'])]
    : required;
}

/**
 * The only fields a node's object may have, or undefined when any field is allowed
 * (preserve-unknown-fields, or a map with a schema for its values). A bare `type: object` allows
 * none: the apiserver prunes everything in it.
 */
export function allowedFields(schema: OpenApiSchema): Set<string> | undefined {
  if (schema.type !== 'object' || schema['x-kubernetes-preserve-unknown-fields'] === true) return undefined;
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return undefined;
  const names = Object.keys(schema.properties ?? {});
  if (schema['x-kubernetes-embedded-resource'] === true) names.push(...EMBEDDED_RESOURCE_FIELDS);
  return new Set(names);
}

/** Keywords about the node's own value (also all there is inside anyOf/oneOf/allOf/not). */
function valueChecks(schema: OpenApiSchema, inJunctor: boolean): JsonSchema {
  const out: JsonSchema = {};
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const nullable = schema.nullable === true;
  if (intOrString) out.type = nullable ? ['integer', 'string', 'null'] : ['integer', 'string'];
  // Go reads a JSON number as a quantity too (`cpu: 0.5`); the format applies to strings only.
  else if (schema.format === QUANTITY_FORMAT) out.type = ['number', 'string'];
  else if (schema.type) out.type = nullable ? [schema.type, 'null'] : schema.type;
  if (schema.enum) out.enum = nullable && !schema.enum.includes(null) ? [...schema.enum, null] : schema.enum;
  if (schema.format && CHECKED_FORMATS.has(schema.format)) out.format = schema.format;
  if (schema.minimum !== undefined)
    out[schema.exclusiveMinimum ? 'exclusiveMinimum' : 'minimum'] = schema.minimum;
  if (schema.maximum !== undefined)
    out[schema.exclusiveMaximum ? 'exclusiveMaximum' : 'maximum'] = schema.maximum;
  for (const keyword of VALUE_KEYWORDS) {
    if (schema[keyword] !== undefined) out[keyword] = schema[keyword];
  }
  if (inJunctor && schema.required?.length) out.required = schema.required;
  // Inside junctors a structural schema may restate properties/items, but only with value checks;
  // outside them, children are the walker's business.
  if (inJunctor && schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, child]) => [name, valueChecks(child, true)]),
    );
  }
  if (inJunctor && schema.items) out.items = valueChecks(schema.items, true);
  const branch = (child: OpenApiSchema) => valueChecks(child, true);
  if (schema.anyOf && !intOrString) out.anyOf = schema.anyOf.map(branch);
  if (schema.oneOf) out.oneOf = schema.oneOf.map(branch);
  if (schema.allOf) out.allOf = schema.allOf.map(branch);
  if (schema.not) out.not = branch(schema.not);
  return out;
}
