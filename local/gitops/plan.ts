/**
 * The tasks of one sync operation and their order, as gitops-engine builds them
 * (pkg/sync/sync_context.go getSyncTasks, sync_tasks.go): one task per object to apply and per
 * tracked object that left Git (a prune); ordered by wave, then kind (Helm's kind order, custom
 * resources last), then name; a Namespace moves before the first object in it and a CRD before
 * the first object of its kind, taking that object's wave. Prune tasks run their waves in reverse
 * (the last created goes first), and with PruneLast after every other wave. Only the Sync phase
 * exists: resource hooks are refused when the manifests are read.
 */
import { KIND_ORDER } from './argocd-names.js';
import {
  crdDefinedGroupKind,
  groupOf,
  hasSyncOption,
  isCrd,
  isNamespace,
  type KubeObject,
  keyString,
  type ResourceKey,
  waveOf,
} from './resource-key.js';

/** gitops-engine's ResultCode and OperationPhase of one task. */
export type ResultCode = 'Synced' | 'SyncFailed' | 'Pruned' | 'PruneSkipped';
export type TaskState = 'Running' | 'Succeeded' | 'Failed';

export interface SyncTask {
  key: ResourceKey;
  apiVersion: string;
  /** What to apply; none for a prune. */
  target?: KubeObject;
  live?: KubeObject;
  wave: number;
  skipDryRun: boolean;
  result?: ResultCode;
  state?: TaskState;
  message?: string;
}

export interface PlannedResource {
  key: ResourceKey;
  target?: KubeObject;
  live?: KubeObject;
}

export const isPrune = (task: SyncTask) => task.target === undefined;
export const isPending = (task: SyncTask) => task.state === undefined;

const KIND_RANK = new Map(KIND_ORDER.map((kind, index) => [kind, index - KIND_ORDER.length]));
/** Kinds not in the list (custom resources) rank 0, after every listed kind. */
const kindRank = (kind: string) => KIND_RANK.get(kind) ?? 0;

export function planTasks(
  resources: readonly PlannedResource[],
  options: { pruneLast: boolean },
): SyncTask[] {
  const tasks: SyncTask[] = resources.map(({ key, target, live }) => {
    const object = (target ?? live) as KubeObject;
    return {
      key,
      apiVersion: String(object.apiVersion),
      ...(target ? { target } : {}),
      ...(live ? { live } : {}),
      wave: waveOf(object),
      skipDryRun: false,
    };
  });
  reversePruneWaves(tasks.filter(isPrune));
  // PruneLast: one wave after the last Sync wave (counted from 0, prune tasks included).
  const lastWave = Math.max(0, ...tasks.map((task) => task.wave)) + 1;
  for (const task of tasks.filter(isPrune))
    if (options.pruneLast || hasSyncOption(task.live, 'PruneLast=true')) task.wave = lastWave;
  return sortTasks(tasks);
}

/** Prune waves swap symmetrically (lowest with highest), so deletion runs in reverse creation order. */
function reversePruneWaves(prunes: readonly SyncTask[]): void {
  const waves = [...new Set(prunes.map((task) => task.wave))].sort((a, b) => a - b);
  const mirrored = new Map(waves.map((wave, index) => [wave, waves[waves.length - 1 - index] as number]));
  for (const task of prunes) task.wave = mirrored.get(task.wave) ?? task.wave;
}

/**
 * syncTasks.Sort: phase (one here), wave, kind, name. Go's sort is not stable; the stand-in sorts
 * stably from key order, which decides only between objects of the same kind and name.
 */
export function sortTasks(tasks: readonly SyncTask[]): SyncTask[] {
  const sorted = [...tasks]
    .sort((a, b) => keyString(a.key).localeCompare(keyString(b.key)))
    .sort(
      (a, b) =>
        a.wave - b.wave ||
        kindRank(a.key.kind) - kindRank(b.key.kind) ||
        (a.key.name < b.key.name ? -1 : a.key.name > b.key.name ? 1 : 0),
    );
  adjustDeps(
    sorted,
    (object) => (isNamespace(object) ? keyOfObjectName(object) : undefined),
    (task) => task.key.namespace || undefined,
  );
  adjustDeps(
    sorted,
    (object) => (isCrd(object) ? crdDefinedGroupKind(object) : undefined),
    (task) => `${groupOf(task.apiVersion)}/${task.key.kind}`,
  );
  return sorted;
}

const keyOfObjectName = (object: KubeObject) => {
  const metadata = object.metadata as { name?: unknown } | undefined;
  return typeof metadata?.name === 'string' ? metadata.name : undefined;
};

/**
 * adjustDeps: a dependency (Namespace, CRD) found after the first task that refers to it moves
 * just before that task and takes its wave.
 */
function adjustDeps(
  tasks: SyncTask[],
  dependencyKey: (object: KubeObject) => string | undefined,
  referenceKey: (task: SyncTask) => string | undefined,
): void {
  const firstReference = new Map<string, number>();
  for (let i = 0; i < tasks.length; i++) {
    const task = tasks[i] as SyncTask;
    if (!task.target) continue;
    const dependency = dependencyKey(task.target);
    if (dependency !== undefined) {
      const index = firstReference.get(dependency);
      if (index === undefined) continue;
      task.wave = (tasks[index] as SyncTask).wave;
      tasks.splice(i, 1);
      tasks.splice(index, 0, task);
      for (const [key, first] of firstReference) if (first >= index) firstReference.set(key, first + 1);
    } else {
      const reference = referenceKey(task);
      if (reference !== undefined && !firstReference.has(reference)) firstReference.set(reference, i);
    }
  }
}
