import { isPlainObject, type OpenApiSchema } from './openapi.js';

/**
 * Visits every value of a document together with its schema node, its field path
 * (`spec.forProvider.tags[env]`, `spec.rules[0].name`) and, when an old object is given, the
 * correlated old value the apiserver would use for transition rules: same property, same map key,
 * or the item of a `listType: map` list with the same key fields. Items of other lists have no old
 * value (Kubernetes cannot correlate them either).
 */
export type Visitor = (value: unknown, schema: OpenApiSchema, path: string, oldValue: unknown) => void;

export function walkSchema(
  value: unknown,
  oldValue: unknown,
  schema: OpenApiSchema,
  path: string,
  visit: Visitor,
): void {
  if (value === undefined || value === null) return;
  visit(value, schema, path, oldValue);
  if (Array.isArray(value)) {
    const itemSchema = schema.items;
    if (!itemSchema) return;
    const oldItems = correlatedListItems(value, oldValue, schema);
    value.forEach((item, index) => {
      walkSchema(item, oldItems[index], itemSchema, `${path}[${index}]`, visit);
    });
    return;
  }
  if (!isPlainObject(value)) return;
  const old = isPlainObject(oldValue) ? oldValue : undefined;
  const properties = schema.properties;
  const mapValues = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    const propertySchema = properties?.[key];
    if (propertySchema) walkSchema(child, old?.[key], propertySchema, joinField(path, key), visit);
    else if (mapValues) walkSchema(child, old?.[key], mapValues, `${path}[${key}]`, visit);
  }
}

/**
 * Calls `visit` once for every distinct node of a schema, whatever the document. Built-in kinds'
 * schemas share nodes and can be cyclic (JSONSchemaProps holds itself), so this keeps a visited set.
 */
export function forEachSchemaNode(schema: OpenApiSchema, visit: (node: OpenApiSchema) => void): void {
  const seen = new Set<OpenApiSchema>();
  const pending = [schema];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (seen.has(node)) continue;
    seen.add(node);
    visit(node);
    pending.push(...Object.values(node.properties ?? {}));
    if (node.items) pending.push(node.items);
    if (typeof node.additionalProperties === 'object') pending.push(node.additionalProperties);
  }
}

export function joinField(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

function correlatedListItems(items: unknown[], oldValue: unknown, schema: OpenApiSchema): unknown[] {
  const keys = schema['x-kubernetes-list-map-keys'];
  if (schema['x-kubernetes-list-type'] !== 'map' || !keys?.length || !Array.isArray(oldValue)) return [];
  const oldByKey = new Map(oldValue.map((item) => [listMapKey(item, keys), item]));
  return items.map((item) => oldByKey.get(listMapKey(item, keys)));
}

/** The identity of an item in a `listType: map` list. */
export function listMapKey(item: unknown, keys: string[]): string {
  return JSON.stringify(keys.map((key) => (isPlainObject(item) ? (item[key] ?? null) : null)));
}

/** Whether a value has the JSON type its schema node declares (rules only run on well-typed nodes). */
export function hasDeclaredType(value: unknown, schema: OpenApiSchema): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  switch (schema.type) {
    case 'object':
      return isPlainObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    default:
      return true;
  }
}
