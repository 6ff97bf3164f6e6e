import { isPlainObject, type OpenApiSchema } from '../../src/schema/openapi.js';

/**
 * Field sets as structured-merge-diff defines them: which fields of an object a manager owns.
 * A path is a list of elements, `f:<field>`, `k:<json keys>` (list-map items), `v:<json value>`
 * (set items) and `i:<index>`; an object that is itself owned has the extra element `.`. Sets
 * are kept as JSON-encoded paths and converted to and from the FieldsV1 tree at the edges.
 */

export type FieldPath = string[];
export type FieldSet = Set<string>;
/** metadata.managedFields[].fieldsV1. */
export type FieldsV1 = { [element: string]: FieldsV1 };

const encode = (path: FieldPath): string => JSON.stringify(path);
export const decode = (key: string): FieldPath => JSON.parse(key) as FieldPath;

/** Fields the apiserver never assigns to a manager. */
const IGNORED_ROOT = new Set(['apiVersion', 'kind']);
const IGNORED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'managedFields',
]);

/** How ObjectMeta's lists merge (it has no CRD schema of its own). */
const METADATA_SCHEMA: OpenApiSchema = {
  type: 'object',
  properties: {
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    ownerReferences: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      items: { type: 'object' },
    },
  },
};

export function childSchema(
  schema: OpenApiSchema | undefined,
  key: string,
  atRoot: boolean,
): OpenApiSchema | undefined {
  if (atRoot && key === 'metadata') return METADATA_SCHEMA;
  if (!schema) return undefined;
  return (
    schema.properties?.[key] ??
    (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined)
  );
}

export function listType(schema: OpenApiSchema | undefined): 'atomic' | 'set' | 'map' {
  return schema?.['x-kubernetes-list-type'] ?? 'atomic';
}

function isAtomicMap(schema: OpenApiSchema | undefined): boolean {
  return schema?.['x-kubernetes-map-type'] === 'atomic';
}

export function listMapKeyElement(item: unknown, keys: readonly string[]): string {
  const record = isPlainObject(item) ? item : {};
  const parts = [...keys].sort().map((key) => [key, record[key]] as const);
  return `k:${JSON.stringify(Object.fromEntries(parts))}`;
}

/**
 * Every field set in `object` (what a create or an apply makes its manager own). `skipStatus`
 * leaves status out for main-resource writes of kinds with a status subresource, `onlyStatus`
 * keeps only status for writes to `/status`.
 */
export function fieldsOf(
  object: Record<string, unknown>,
  schema: OpenApiSchema | undefined,
  scope: 'all' | 'skipStatus' | 'onlyStatus' = 'all',
  shape: 'object' | 'applied' = 'object',
): FieldSet {
  const set: FieldSet = new Set();
  const addValue = shape === 'applied' ? addApplied : addMember;
  for (const [key, value] of Object.entries(object)) {
    if (IGNORED_ROOT.has(key)) continue;
    if (scope === 'skipStatus' && key === 'status') continue;
    if (scope === 'onlyStatus' && key !== 'status') continue;
    if (key === 'metadata' && isPlainObject(value)) {
      for (const [metaKey, metaValue] of Object.entries(value)) {
        if (IGNORED_METADATA.has(metaKey)) continue;
        addValue(set, ['f:metadata', `f:${metaKey}`], metaValue, METADATA_SCHEMA.properties?.[metaKey]);
      }
      continue;
    }
    addValue(set, [`f:${key}`], value, childSchema(schema, key, false));
  }
  return set;
}

/**
 * Every node of an object's content, objects and lists included (`.`): what a create makes its
 * manager own, and the base of the diff an update is credited with.
 */
function addMember(set: FieldSet, path: FieldPath, value: unknown, schema: OpenApiSchema | undefined): void {
  addNode(set, path, value, schema, true);
}

/**
 * The set of an applied configuration: its leaves and list-map items, but not the objects and
 * lists that merely contain them (structured-merge-diff's ToFieldSet).
 */
function addApplied(set: FieldSet, path: FieldPath, value: unknown, schema: OpenApiSchema | undefined): void {
  addNode(set, path, value, schema, false);
}

function addNode(
  set: FieldSet,
  path: FieldPath,
  value: unknown,
  schema: OpenApiSchema | undefined,
  containers: boolean,
): void {
  const addValue = containers ? addMember : addApplied;
  // An empty object or list is a member with nothing below it: a leaf, as structured-merge-diff writes it.
  if (
    (isPlainObject(value) && Object.keys(value).length === 0) ||
    (Array.isArray(value) && value.length === 0)
  ) {
    set.add(encode(path));
    return;
  }
  if (isPlainObject(value) && !isAtomicMap(schema)) {
    if (containers) set.add(encode([...path, '.']));
    for (const [key, child] of Object.entries(value))
      addValue(set, [...path, `f:${key}`], child, childSchema(schema, key, false));
    return;
  }
  if (Array.isArray(value)) {
    const type = listType(schema);
    if (type === 'atomic') {
      set.add(encode(path));
      return;
    }
    if (containers) set.add(encode([...path, '.']));
    const keys = schema?.['x-kubernetes-list-map-keys'] ?? [];
    for (const item of value) {
      if (type === 'set') set.add(encode([...path, `v:${JSON.stringify(item)}`]));
      else {
        // A list-map item is itself a member, whatever the shape.
        const itemPath = [...path, listMapKeyElement(item, keys)];
        set.add(encode([...itemPath, '.']));
        addValue(set, itemPath, item, schema?.items);
      }
    }
    return;
  }
  set.add(encode(path));
}

/** The value at a field path, or undefined when absent. */
export function valueAt(object: unknown, path: FieldPath): unknown {
  let node = object;
  for (const element of path) {
    if (element === '.') return node;
    node = step(node, element);
    if (node === undefined) return undefined;
  }
  return node;
}

function step(node: unknown, element: string): unknown {
  const kind = element.slice(0, 2);
  const rest = element.slice(2);
  if (kind === 'f:') return isPlainObject(node) ? node[rest] : undefined;
  if (!Array.isArray(node)) return undefined;
  if (kind === 'v:') return node.find((item) => JSON.stringify(item) === rest);
  if (kind === 'i:') return node[Number(rest)];
  if (kind === 'k:') {
    const keys = JSON.parse(rest) as Record<string, unknown>;
    return node.find((item) => isPlainObject(item) && Object.entries(keys).every(([k, v]) => item[k] === v));
  }
  return undefined;
}

export function toFieldsV1(set: FieldSet): FieldsV1 {
  const root: FieldsV1 = {};
  for (const key of [...set].sort()) {
    let node = root;
    for (const element of decode(key)) {
      node[element] ??= {};
      node = node[element];
    }
  }
  return root;
}

export function fromFieldsV1(tree: unknown): FieldSet {
  const set: FieldSet = new Set();
  const visit = (node: unknown, path: FieldPath) => {
    if (!isPlainObject(node)) return;
    for (const [element, child] of Object.entries(node)) {
      const childPath = [...path, element];
      if (element === '.' || !isPlainObject(child) || Object.keys(child).length === 0)
        set.add(encode(childPath));
      else visit(child, childPath);
    }
  };
  visit(tree, []);
  return set;
}

/** `.spec.reason`, `.status.conditions[type="Ready"]`, `.metadata.finalizers[="x"]`: SMD's Path.String. */
export function describePath(path: FieldPath): string {
  return path
    .filter((element) => element !== '.')
    .map((element) => {
      const rest = element.slice(2);
      if (element.startsWith('f:')) return `.${rest}`;
      if (element.startsWith('v:')) return `[=${rest}]`;
      if (element.startsWith('i:')) return `[${rest}]`;
      const keys = JSON.parse(rest) as Record<string, unknown>;
      return `[${Object.entries(keys)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}

/** Paths whose value differs between two objects (added, changed or removed), within a scope. */
export function changedFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
  schema: OpenApiSchema | undefined,
  scope: 'all' | 'skipStatus' | 'onlyStatus',
): { changed: FieldSet; removed: FieldSet } {
  const afterSet = fieldsOf(after, schema, scope);
  const beforeSet = before ? fieldsOf(before, schema, scope) : new Set<string>();
  const changed: FieldSet = new Set();
  for (const key of afterSet) {
    const path = decode(key);
    // An object or list is new only if it was not there before (empty or, in a Go zero value, null).
    if (path[path.length - 1] === '.') {
      if (before === undefined || valueAt(before, path.slice(0, -1)) === undefined) changed.add(key);
    } else if (!beforeSet.has(key) || !sameValue(valueAt(before, path), valueAt(after, path)))
      changed.add(key);
  }
  const removed: FieldSet = new Set([...beforeSet].filter((key) => !afterSet.has(key)));
  return { changed, removed };
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical(value[key])]),
  );
}
