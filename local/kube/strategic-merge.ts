import { isPlainObject } from '../../src/schema/openapi.js';
import { childOf, type KindSchema } from './builtin-schema.js';
import { badRequest } from './status.js';

/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) of built-in kinds, as
 * apimachinery's strategicpatch.StrategicMergePatch applies it, driven by the patch hints in
 * Kubernetes' OpenAPI documents (`x-kubernetes-patch-strategy`, `-patch-merge-key`): lists with
 * strategy `merge` merge by their merge key (or as sets of primitives) instead of being replaced,
 * and the directives kubectl and helm's three-way patches carry are honoured: `$patch`
 * (replace/merge/delete), `$retainKeys`, `$setElementOrder/<list>`,
 * `$deleteFromPrimitiveList/<list>`. A null deletes a field, as in a merge patch.
 */

type Json = Record<string, unknown>;

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ELEMENT_ORDER = '$setElementOrder/';
const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList/';

export function strategicMergePatch(original: Json, patch: unknown, schema: KindSchema): Json {
  if (!isPlainObject(patch)) throw badRequest('the strategic merge patch must be a JSON object');
  const merged = mergeMap(original, patch, schema);
  return isPlainObject(merged) ? merged : {};
}

function strategies(schema: KindSchema | undefined): string[] {
  return (schema?.['x-kubernetes-patch-strategy'] ?? '').split(',').filter(Boolean);
}

function mergeMap(original: unknown, patch: Json, schema: KindSchema | undefined): Json | undefined {
  const directive = patch[PATCH];
  const base = isPlainObject(original) ? original : {};
  if (directive === 'delete') return undefined;
  if (directive === 'replace') return withoutDirectives(patch) as Json;
  if (directive !== undefined && directive !== 'merge')
    throw badRequest(`Unknown patch type: ${String(directive)}`);
  let result: Json = { ...base };
  const retainKeys = patch[RETAIN_KEYS];
  if (Array.isArray(retainKeys)) {
    // Fields not named are cleared (the union members a patch switches away from).
    const keep = new Set(retainKeys.map(String));
    result = Object.fromEntries(Object.entries(result).filter(([key]) => keep.has(key)));
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === PATCH || key === RETAIN_KEYS) continue;
    if (key.startsWith(SET_ELEMENT_ORDER) || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) continue;
    const fieldSchema = childOf(schema, key);
    if (value === null) {
      delete result[key];
      continue;
    }
    if (isPlainObject(value) && !fieldSchema?.['x-kubernetes-preserve-unknown-fields']) {
      const merged = mergeMap(result[key], value, fieldSchema);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
      continue;
    }
    if (Array.isArray(value) && strategies(fieldSchema).includes('merge')) {
      result[key] = mergeList(result[key], value, fieldSchema);
      continue;
    }
    result[key] = withoutDirectives(value);
  }
  for (const [key, values] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || !Array.isArray(values)) continue;
    const field = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
    if (Array.isArray(result[field])) {
      const removed = new Set(values.map((item) => JSON.stringify(item)));
      result[field] = (result[field] as unknown[]).filter((item) => !removed.has(JSON.stringify(item)));
    }
  }
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER) || !Array.isArray(order)) continue;
    const field = key.slice(SET_ELEMENT_ORDER.length);
    if (Array.isArray(result[field]))
      result[field] = ordered(result[field] as unknown[], order, childOf(schema, field));
  }
  return result;
}

/** A list with strategy `merge`: by merge key for objects, as a set for primitives. */
function mergeList(original: unknown, patch: unknown[], schema: KindSchema | undefined): unknown[] {
  const base = Array.isArray(original) ? original : [];
  if (
    patch.some((item) => isPlainObject(item) && item[PATCH] === 'replace' && Object.keys(item).length === 1)
  )
    return patch.filter((item) => !(isPlainObject(item) && item[PATCH] === 'replace')).map(withoutDirectives);
  const mergeKey = schema?.['x-kubernetes-patch-merge-key'];
  if (!mergeKey) {
    const result = [...base];
    const seen = new Set(base.map((item) => JSON.stringify(item)));
    for (const item of patch) if (!seen.has(JSON.stringify(item))) result.push(item);
    return result;
  }
  const result: unknown[] = [...base];
  for (const item of patch) {
    if (!isPlainObject(item)) throw badRequest(`the list items must be objects with "${mergeKey}"`);
    const index = result.findIndex(
      (existing) => isPlainObject(existing) && existing[mergeKey] === item[mergeKey],
    );
    if (item[PATCH] === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = mergeMap(result[index], item, schema?.items);
    else result.push(mergeMap({}, item, schema?.items));
  }
  return result;
}

/**
 * `$setElementOrder`: the items the patch names come in its order; items only the server has stay
 * after the item they followed.
 */
function ordered(items: unknown[], order: unknown[], schema: KindSchema | undefined): unknown[] {
  const mergeKey = schema?.['x-kubernetes-patch-merge-key'];
  const identity = (item: unknown) =>
    mergeKey && isPlainObject(item) ? JSON.stringify(item[mergeKey]) : JSON.stringify(item);
  const orderKeys = order.map(identity);
  const named = orderKeys
    .map((key) => items.find((item) => identity(item) === key))
    .filter((item): item is unknown => item !== undefined);
  const result = [...named];
  items.forEach((item, index) => {
    if (orderKeys.includes(identity(item))) return;
    const previous = index > 0 ? items[index - 1] : undefined;
    const at = previous === undefined ? -1 : result.indexOf(previous);
    result.splice(at + 1, 0, item);
  });
  return result;
}

function withoutDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDirectives);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(
        ([key]) =>
          key !== PATCH &&
          key !== RETAIN_KEYS &&
          !key.startsWith(SET_ELEMENT_ORDER) &&
          !key.startsWith(DELETE_FROM_PRIMITIVE_LIST),
      )
      .map(([key, child]) => [key, withoutDirectives(child)]),
  );
}
