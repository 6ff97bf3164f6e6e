import { isPlainObject, type OpenApiSchema } from '../../src/schema/openapi.js';
import {
  changedFields,
  childSchema,
  decode,
  describePath,
  type FieldSet,
  fieldsOf,
  fromFieldsV1,
  listMapKeyElement,
  listType,
  sameValue,
  toFieldsV1,
  valueAt,
} from './field-set.js';
import { type KubeObject, kubeTime, metadataOf, withMetadata } from './object-meta.js';
import { applyConflict, type StatusCause } from './status.js';

/**
 * metadata.managedFields bookkeeping and server-side apply, following structured-merge-diff:
 * an Update makes its manager own what it changed and takes those fields from everyone else;
 * an Apply owns exactly the fields of its configuration, removes fields it no longer applies
 * (unless someone else owns them) and conflicts with other owners of fields it would change.
 */

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

interface Manager {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
}

export interface WriteContext {
  manager: string;
  apiVersion: string;
  /** 'status' for writes to the status subresource. */
  subresource?: string;
  schema: OpenApiSchema | undefined;
  /** Which part of the object this write may change (status subresource semantics). */
  scope: 'all' | 'skipStatus' | 'onlyStatus';
}

function readManagers(object: KubeObject | undefined): Manager[] {
  const entries = object ? metadataOf(object).managedFields : undefined;
  if (!Array.isArray(entries)) return [];
  return entries.filter(isPlainObject).map((entry) => ({
    entry: entry as unknown as ManagedFieldsEntry,
    fields: fromFieldsV1(entry.fieldsV1),
  }));
}

function sameManager(
  a: ManagedFieldsEntry,
  b: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>,
): boolean {
  // As BuildManagerIdentifier: appliers are the same manager whatever apiVersion they used.
  return (
    a.manager === b.manager &&
    a.operation === b.operation &&
    (a.subresource ?? '') === (b.subresource ?? '') &&
    (a.operation === 'Apply' || a.apiVersion === b.apiVersion)
  );
}

/** The apiserver's order: Apply before Update, then by time (seconds), manager, apiVersion, subresource. */
function compareEntries(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  const keys = (e: ManagedFieldsEntry) => [e.operation, e.time, e.manager, e.apiVersion, e.subresource ?? ''];
  const [ka, kb] = [keys(a), keys(b)];
  for (let i = 0; i < ka.length; i++) {
    const [x = '', y = ''] = [ka[i], kb[i]];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function writeManagers(object: KubeObject, managers: Manager[]): KubeObject {
  const entries = managers
    .filter((manager) => manager.fields.size > 0)
    .sort((a, b) => compareEntries(a.entry, b.entry))
    .map(({ entry, fields }) => ({
      ...entry,
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1(fields),
    }));
  return withMetadata(object, { managedFields: entries.length > 0 ? entries : undefined });
}

function ownEntry(context: WriteContext, operation: 'Apply' | 'Update'): ManagedFieldsEntry {
  return {
    manager: context.manager,
    operation,
    apiVersion: context.apiVersion,
    time: kubeTime(),
    fieldsType: 'FieldsV1',
    fieldsV1: {},
    ...(context.subresource ? { subresource: context.subresource } : {}),
  };
}

/** managedFields of `after` for a create or a non-apply write by `context.manager`. */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  context: WriteContext,
): KubeObject {
  const managers = readManagers(before);
  const { changed, removed } = changedFields(before, after, context.schema, context.scope);
  if (changed.size === 0 && removed.size === 0) return writeManagers(after, managers);
  const own = ownEntry(context, 'Update');
  let mine = managers.find((manager) => sameManager(manager.entry, own));
  if (!mine) {
    mine = { entry: own, fields: new Set() };
    managers.push(mine);
  }
  mine.entry = { ...mine.entry, time: own.time };
  for (const manager of managers) {
    for (const key of [...changed, ...removed]) if (manager !== mine) manager.fields.delete(key);
  }
  for (const key of changed) mine.fields.add(key);
  for (const key of removed) mine.fields.delete(key);
  return writeManagers(after, managers);
}

/**
 * Server-side apply of `config` onto `live` (undefined: the object is created). Throws a 409
 * Conflict listing each field another manager owns with a different value, unless `force`.
 */
export function serverSideApply(
  live: KubeObject | undefined,
  config: KubeObject,
  context: WriteContext,
  force: boolean,
): KubeObject {
  const managers = readManagers(live);
  const applied = fieldsOf(config, context.schema, context.scope, 'applied');
  const own = ownEntry(context, 'Apply');
  const conflicts: { manager: Manager; key: string }[] = [];
  for (const manager of managers) {
    if (sameManager(manager.entry, own)) continue;
    for (const key of applied) {
      if (!manager.fields.has(key)) continue;
      const path = decode(key);
      if (path[path.length - 1] === '.') continue;
      if (!sameValue(valueAt(live, path), valueAt(config, path))) conflicts.push({ manager, key });
    }
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);

  const previous = managers.find((manager) => sameManager(manager.entry, own));
  let merged = mergeApplied(live ?? {}, config, context.schema, true) as KubeObject;
  const ownedByOthers = new Set(
    managers.filter((manager) => manager !== previous).flatMap((manager) => [...manager.fields]),
  );
  const dropped = [...(previous?.fields ?? [])].filter((key) => !applied.has(key) && !ownedByOthers.has(key));
  // Deepest first, so an object emptied by removing its fields can then go too.
  for (const key of dropped.sort((a, b) => decode(b).length - decode(a).length))
    merged = removeAt(merged, decode(key));

  for (const { manager, key } of conflicts) manager.fields.delete(key);
  const remaining = managers.filter((manager) => manager !== previous);
  remaining.push({ entry: own, fields: applied });
  return writeManagers(merged, remaining);
}

function conflictError(conflicts: { manager: Manager; key: string }[]): Error {
  const describe = (manager: Manager) => {
    const { entry } = manager;
    const name = JSON.stringify(entry.manager);
    const withSubresource = entry.subresource
      ? `${name} with subresource ${JSON.stringify(entry.subresource)}`
      : name;
    return entry.operation === 'Update' ? `${withSubresource} using ${entry.apiVersion}` : withSubresource;
  };
  const causes: StatusCause[] = conflicts.map(({ manager, key }) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describe(manager)}`,
    field: describePath(decode(key)),
  }));
  const [first] = conflicts;
  if (conflicts.length === 1 && first) {
    return applyConflict(
      `Apply failed with 1 conflict: conflict with ${describe(first.manager)}: ${describePath(decode(first.key))}`,
      causes,
    );
  }
  const byManager = new Map<string, string[]>();
  for (const { manager, key } of conflicts) {
    const label = describe(manager);
    byManager.set(label, [...(byManager.get(label) ?? []), describePath(decode(key))]);
  }
  const lines: string[] = [];
  for (const label of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${label}:`);
    for (const path of byManager.get(label) ?? []) lines.push(`- ${path}`);
  }
  return applyConflict(`Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`, causes);
}

/** Merges an applied configuration into the live object by the schema's list and map types. */
function mergeApplied(
  live: unknown,
  config: unknown,
  schema: OpenApiSchema | undefined,
  atRoot: boolean,
): unknown {
  if (isPlainObject(config)) {
    if (!isPlainObject(live) || schema?.['x-kubernetes-map-type'] === 'atomic') return config;
    const result: Record<string, unknown> = { ...live };
    for (const [key, value] of Object.entries(config)) {
      result[key] = mergeApplied(live[key], value, childSchema(schema, key, atRoot), false);
    }
    return result;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const type = listType(schema);
    if (type === 'set')
      return [...live, ...config.filter((item) => !live.some((existing) => sameValue(existing, item)))];
    if (type === 'map') {
      const keys = schema?.['x-kubernetes-list-map-keys'] ?? [];
      const result = [...live];
      for (const item of config) {
        const index = result.findIndex(
          (existing) => listMapKeyElement(existing, keys) === listMapKeyElement(item, keys),
        );
        if (index < 0) result.push(item);
        else result[index] = mergeApplied(result[index], item, schema?.items, false);
      }
      return result;
    }
  }
  return config;
}

function removeAt(object: KubeObject, path: string[]): KubeObject {
  const elements = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  const isEmpty = (value: unknown) =>
    (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
  // A list or object left empty by the removal goes too, as structured-merge-diff prunes it.
  const remove = (node: unknown, rest: string[]): unknown => {
    const [element, ...tail] = rest;
    if (element === undefined) return node;
    if (element.startsWith('f:') && isPlainObject(node)) {
      const field = element.slice(2);
      if (!(field in node)) return node;
      const copy = { ...node };
      const child = tail.length === 0 ? undefined : remove(node[field], tail);
      if (child === undefined || (isEmpty(child) && !isEmpty(node[field]))) delete copy[field];
      else copy[field] = child;
      return copy;
    }
    if (Array.isArray(node)) {
      const item = valueAt(node, [element]);
      const index = item === undefined ? -1 : node.indexOf(item);
      if (index < 0) return node;
      const copy = [...node];
      const child = tail.length === 0 ? undefined : remove(copy[index], tail);
      if (child === undefined) copy.splice(index, 1);
      else copy[index] = child;
      return copy;
    }
    return node;
  };
  return remove(object, elements) as KubeObject;
}
