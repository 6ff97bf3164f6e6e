/**
 * Comparing two compositions of one XR tree (real Crossplane's objects in an apiserver, and what
 * local/crossplane renders): objects are matched by their place in the tree, the
 * `crossplane.io/composition-resource-name`s from the root down (`network-us-east-1/vpc`), because
 * names differ (the renderer gives composed objects a stand-in name), and compared leaf field by
 * leaf field.
 */
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { RESOURCE_NAME_ANNOTATION } from '../../../local/crossplane/render/objects.js';

const key = (kind: string, name: string | undefined) => `${kind}/${name ?? ''}`;

export const controllerOf = (object: KubeObject) =>
  object.metadata.ownerReferences?.find((reference) => reference.controller);

/** The renderer names composed objects `<generateName><resource name>` (local/crossplane recursive.ts). */
export function withStandInName(object: KubeObject): KubeObject {
  if (object.metadata.name) return object;
  const named = structuredClone(object);
  named.metadata.name = `${object.metadata.generateName ?? ''}${object.metadata.annotations?.[RESOURCE_NAME_ANNOTATION] ?? ''}`;
  return named;
}

/**
 * Every object of the tree under `root` by its composition path. An object whose chain of
 * controller references does not reach the root, or two objects on one path, is an error; with
 * `unplaced`, objects whose owner is not (yet) among `objects` are collected there instead (a
 * listing taken while Crossplane composes can see an MR before its XR).
 */
export function byCompositionPath(
  root: KubeObject,
  objects: KubeObject[],
  unplaced?: KubeObject[],
): Map<string, KubeObject> {
  const byKey = new Map(objects.map((object) => [key(object.kind, object.metadata.name), object]));
  const rootKey = key(root.kind, root.metadata.name);
  const pathOf = (object: KubeObject, depth = 0): string => {
    const owner = controllerOf(object);
    const name = object.metadata.annotations?.[RESOURCE_NAME_ANNOTATION];
    if (!owner || !name || depth > 10)
      throw new Error(`${key(object.kind, object.metadata.name)}: not composed under ${rootKey}`);
    const ownerKey = key(owner.kind, owner.name);
    if (ownerKey === rootKey) return name;
    const parent = byKey.get(ownerKey);
    if (!parent) throw new Error(`${key(object.kind, object.metadata.name)}: owner ${ownerKey} not found`);
    return `${pathOf(parent, depth + 1)}/${name}`;
  };
  const tree = new Map<string, KubeObject>();
  for (const object of objects) {
    if (key(object.kind, object.metadata.name) === rootKey) continue;
    const owner = controllerOf(object);
    if (
      unplaced &&
      owner &&
      key(owner.kind, owner.name) !== rootKey &&
      !byKey.has(key(owner.kind, owner.name))
    ) {
      unplaced.push(object);
      continue;
    }
    const path = pathOf(object);
    if (tree.has(path)) throw new Error(`two objects composed at ${path}`);
    tree.set(path, object);
  }
  return tree;
}

/** The name Crossplane v2.2 gives a composed object: local/crossplane's rule, checked here against the real one. */
export { crossplaneChildName } from '../../../local/crossplane/runtime/names.js';

/** Leaf fields of a JSON value by dotted path (`spec.forProvider.tags[0]`); empty objects and arrays are leaves. */
export function leafFields(value: unknown, path = ''): Map<string, unknown> {
  const leaves = new Map<string, unknown>();
  const visit = (node: unknown, at: string) => {
    if (Array.isArray(node) && node.length) {
      for (const [index, item] of node.entries()) visit(item, `${at}[${index}]`);
    } else if (node && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length)
      for (const [field, child] of Object.entries(node)) visit(child, at ? `${at}.${field}` : field);
    else leaves.set(at, node);
  };
  visit(value, path);
  return leaves;
}

export interface FieldComparison {
  /** Leaf fields present on either side. */
  compared: number;
  /** `<label> <field>: ours <value>, real <value>` for each field that differs or is on one side only. */
  differences: string[];
}

/** Compares two values leaf by leaf; absent on one side counts as a difference. */
export function compareFields(label: string, ours: unknown, real: unknown, path = ''): FieldComparison {
  const mine = leafFields(ours, path);
  const theirs = leafFields(real, path);
  const fields = [...new Set([...mine.keys(), ...theirs.keys()])].sort();
  const show = (map: Map<string, unknown>, field: string) =>
    map.has(field) ? JSON.stringify(map.get(field)) : 'absent';
  const differences = fields
    .filter(
      (field) =>
        JSON.stringify(mine.get(field)) !== JSON.stringify(theirs.get(field)) ||
        mine.has(field) !== theirs.has(field),
    )
    .map((field) => `${label} ${field}: ours ${show(mine, field)}, real ${show(theirs, field)}`);
  return { compared: fields.length, differences };
}

/** Adds up comparisons. */
export function sumComparisons(parts: FieldComparison[]): FieldComparison {
  return {
    compared: parts.reduce((total, part) => total + part.compared, 0),
    differences: parts.flatMap((part) => part.differences),
  };
}
