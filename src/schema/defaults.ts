import { isPlainObject, type OpenApiSchema } from './openapi.js';

/**
 * What the apiserver does to a custom resource before validating it: drop `null` values of fields
 * that are not nullable, then fill in `default`s of absent fields (in objects that exist, at every
 * depth, including array items and map values). CEL rules rely on this: provider CRDs test
 * `'*' in self.managementPolicies`, which only works because managementPolicies defaults to ['*'].
 *
 * Returns a new value; the input is not modified.
 */
export function applyDefaults(value: unknown, schema: OpenApiSchema): unknown {
  if (Array.isArray(value)) {
    const itemSchema = schema.items;
    return itemSchema ? value.map((item) => applyDefaults(item, itemSchema)) : value;
  }
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  const properties = schema.properties ?? {};
  const valueSchema =
    typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    // Absent, as far as JSON is concerned (only programmatic callers can produce it).
    if (child === undefined) continue;
    const childSchema = properties[key] ?? valueSchema;
    if (child === null && childSchema && childSchema.nullable !== true) continue;
    result[key] = childSchema ? applyDefaults(child, childSchema) : child;
  }
  for (const [key, childSchema] of Object.entries(properties)) {
    if (result[key] === undefined && childSchema.default !== undefined) {
      result[key] = applyDefaults(structuredClone(childSchema.default), childSchema);
    }
  }
  return result;
}
