/**
 * ignoreDifferences as Argo CD applies them (util/argo/diff, managedfields, controller/sync.go):
 *
 * - which rules apply to an object: group and kind globs, optional name and namespace, merged with
 *   the system rule Argo CD's default `ignoreResourceStatusField: all` adds (`/status` of every kind);
 * - for the diff, the paths the rules name are removed from both sides;
 * - with RespectIgnoreDifferences=true, the applied object takes the live values there
 *   (normalizeTargetResources): removed, then a JSON merge patch from the normalized live object
 *   to the live one puts the live values back. A merge patch replaces whole arrays, so a path
 *   inside an array takes the whole live array; the stand-in does that for every kind (Argo CD
 *   uses a strategic merge for built-in kinds, which merges some lists by key).
 * - managedFieldsManagers: fields a trusted manager owns in the live object and whose value the
 *   target would change count as ignored paths of that object.
 */
import { isPlainObject } from '../../src/schema/openapi.js';
import { decode, type FieldPath, fromFieldsV1, sameValue, valueAt } from '../kube/field-set.js';
import { metadataOf } from '../kube/object-meta.js';
import type { IgnoreRule } from './application.js';
import { globMatch } from './glob.js';
import {
  type JsonPath,
  parseJsonPointer,
  resolveJqPath,
  resolveJsonPointer,
  valueAtPath,
  withoutPaths,
  withValueAt,
} from './json-paths.js';
import type { KubeObject, ResourceKey } from './resource-key.js';

/** What Argo CD's default argocd-cm adds for every kind (settings.go, ignoreResourceStatusField "all"). */
const STATUS_POINTER = parseJsonPointer('/status');

export interface IgnoreSet {
  jsonPointers: string[][];
  jqPathExpressions: IgnoreRule['jqPathExpressions'];
  managedFieldsManagers: string[];
}

/** HasIgnoreDifference: the rules matching the object, merged. */
export function ignoreSetFor(rules: readonly IgnoreRule[], key: ResourceKey): IgnoreSet {
  const set: IgnoreSet = { jsonPointers: [STATUS_POINTER], jqPathExpressions: [], managedFieldsManagers: [] };
  for (const rule of rules) {
    if (!globMatch(rule.group, key.group) || !globMatch(rule.kind, key.kind)) continue;
    if (rule.name !== undefined && rule.name !== key.name) continue;
    if (rule.namespace !== undefined && rule.namespace !== key.namespace) continue;
    set.jsonPointers.push(...rule.jsonPointers);
    set.jqPathExpressions.push(...rule.jqPathExpressions);
    set.managedFieldsManagers.push(
      ...rule.managedFieldsManagers.filter((m) => !set.managedFieldsManagers.includes(m)),
    );
  }
  return set;
}

/** The concrete paths the pointers and jq expressions of `set` name in `object`. */
export function ignoredPaths(object: unknown, set: IgnoreSet): JsonPath[] {
  return [
    ...set.jsonPointers.flatMap((tokens) => {
      const path = resolveJsonPointer(object, tokens);
      return path ? [path] : [];
    }),
    ...set.jqPathExpressions.flatMap((steps) => resolveJqPath(object, steps)),
  ].filter((path) => path.length > 0);
}

/** The object as the diff sees it: without the ignored paths. */
export function withoutIgnored(object: KubeObject, set: IgnoreSet): KubeObject {
  return withoutPaths(object, ignoredPaths(object, set)) as KubeObject;
}

/**
 * The target as RespectIgnoreDifferences applies it: at every ignored path (and every field a
 * trusted manager owns whose value the target would change) the live value, or nothing where
 * the live object has none.
 */
export function targetRespectingLive(
  target: KubeObject,
  live: KubeObject | undefined,
  set: IgnoreSet,
): KubeObject {
  if (!live) return target;
  const paths = [
    ...ignoredPaths(target, set),
    ...ignoredPaths(live, set),
    ...managerOwnedChanges(target, live, set.managedFieldsManagers),
  ].map(mergePatchGranularity);
  const unique = new Map(paths.map((path) => [JSON.stringify(path), path]));
  let result: unknown = target;
  for (const path of unique.values()) result = withValueAt(result, path, valueAtPath(live, path));
  return result as KubeObject;
}

/** A JSON merge patch cannot address array items: a path inside an array stands for the array. */
function mergePatchGranularity(path: JsonPath): JsonPath {
  const firstIndex = path.findIndex((segment) => typeof segment === 'number');
  return firstIndex < 0 ? path : path.slice(0, firstIndex);
}

/**
 * Paths of fields that a trusted manager owns in `live` and whose value differs in `target`
 * (managedfields.Normalize: the intersection with the comparison's Modified set), as object paths
 * up to the first list (the merge-patch granularity).
 */
function managerOwnedChanges(target: KubeObject, live: KubeObject, managers: readonly string[]): JsonPath[] {
  if (managers.length === 0) return [];
  const entries = metadataOf(live).managedFields;
  const owned = (Array.isArray(entries) ? entries : [])
    .filter(isPlainObject)
    .filter((entry) => typeof entry.manager === 'string' && managers.includes(entry.manager))
    .flatMap((entry) => [...fromFieldsV1(entry.fieldsV1)].map(decode));
  return owned
    .filter((path) => path[path.length - 1] !== '.')
    .filter((path) => {
      const [targetValue, liveValue] = [valueAt(target, path), valueAt(live, path)];
      return targetValue !== undefined && liveValue !== undefined && !sameValue(targetValue, liveValue);
    })
    .map(objectPrefix);
}

/** The leading `f:` elements of a field path: the object path up to the first list item. */
function objectPrefix(path: FieldPath): JsonPath {
  const prefix: string[] = [];
  for (const element of path) {
    if (!element.startsWith('f:')) break;
    prefix.push(element.slice(2));
  }
  return prefix;
}
