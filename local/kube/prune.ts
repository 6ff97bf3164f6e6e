import { isPlainObject, type OpenApiSchema } from '../../src/schema/openapi.js';

/**
 * Structural pruning, as the apiserver does it for custom resources before validation: fields a
 * structural schema does not declare are dropped (unless `x-kubernetes-preserve-unknown-fields`),
 * and each dropped field is reported by path for the `Warning: unknown field "…"` header (or the
 * strict-validation error).
 */

/** The ObjectMeta fields the apiserver decodes; anything else in metadata is unknown. */
const OBJECT_META_FIELDS = new Set([
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
]);

export interface Pruned {
  object: Record<string, unknown>;
  /** Paths of dropped fields, e.g. `spec.colour`, `spec.steps[0].colour`, sorted. */
  unknownFields: string[];
}

export function pruneUnknownFields(object: Record<string, unknown>, schema: OpenApiSchema): Pruned {
  const unknownFields: string[] = [];
  const pruned = pruneObject(object, schema, '', unknownFields, true);
  return { object: pruned, unknownFields: unknownFields.sort() };
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

function pruneValue(value: unknown, schema: OpenApiSchema, path: string, unknown: string[]): unknown {
  if (Array.isArray(value)) {
    const items = schema.items;
    return items ? value.map((item, index) => pruneValue(item, items, `${path}[${index}]`, unknown)) : value;
  }
  if (isPlainObject(value))
    return pruneObject(value, schema, path, unknown, schema['x-kubernetes-embedded-resource'] === true);
  return value;
}

function pruneObject(
  value: Record<string, unknown>,
  schema: OpenApiSchema,
  path: string,
  unknown: string[],
  isResource: boolean,
): Record<string, unknown> {
  const properties = schema.properties ?? {};
  const mapValues = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const keepUnknown =
    schema['x-kubernetes-preserve-unknown-fields'] === true || schema.additionalProperties === true;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = join(path, key);
    if (isResource && (key === 'apiVersion' || key === 'kind')) {
      result[key] = child;
    } else if (isResource && key === 'metadata' && isPlainObject(child)) {
      result[key] = pruneMetadata(child, childPath, unknown);
    } else if (properties[key]) {
      result[key] = pruneValue(child, properties[key], childPath, unknown);
    } else if (mapValues) {
      result[key] = pruneValue(child, mapValues, childPath, unknown);
    } else if (keepUnknown) {
      result[key] = child;
    } else {
      unknown.push(childPath);
    }
  }
  return result;
}

function pruneMetadata(
  metadata: Record<string, unknown>,
  path: string,
  unknown: string[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (OBJECT_META_FIELDS.has(key)) result[key] = value;
    else unknown.push(join(path, key));
  }
  return result;
}
