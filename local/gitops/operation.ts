/**
 * One sync operation, run the way gitops-engine's syncContext.Sync() runs it, call after call
 * (pkg/sync/sync_context.go), until it succeeds or fails:
 *
 * 1. Every task must be valid: its kind served, unless the kind's CRD is in the same sync or
 *    SkipDryRunOnMissingResource says it arrives later. Then a dry run of every apply; one failure
 *    and nothing is applied.
 * 2. Each round refreshes the live objects. Applied objects of earlier waves are Running until
 *    their health is Healthy (or they have none: Succeeded) or Degraded (Failed, the operation
 *    fails); anything else (Progressing, Suspended, Missing, Unknown) holds the next wave. Pruned
 *    objects still being deleted hold it too.
 * 3. The lowest pending wave runs: prunes first (background, foreground or orphan propagation as
 *    the Application says; Prune=false or a sync without prune skips them), then applies grouped
 *    by kind in order. The last wave's success ends the operation without waiting for health.
 *
 * Between waves it waits ARGOCD_SYNC_WAVE_DELAY (2 s by default) as Argo CD does, so other
 * controllers see the change before health is read.
 */
import type { Logger } from 'pino';
import type { ApplicationRules } from './application.js';
import type { Cluster, Propagation } from './cluster.js';
import type { ResourceState } from './compare.js';
import { type HealthChecks, resourceHealth } from './health.js';
import { ignoreSetFor, targetRespectingLive } from './ignore-differences.js';
import { isPending, isPrune, planTasks, type ResultCode, type SyncTask, type TaskState } from './plan.js';
import {
  crdDefinedGroupKind,
  describeKey,
  hasSyncOption,
  isCrd,
  isNamespace,
  keyString,
  versionOf,
} from './resource-key.js';
import { sleep } from './sleep.js';

export type OperationPhase = 'Running' | 'Succeeded' | 'Failed';

/** One resource's result, as Argo CD's `status.operationState.syncResult.resources[]`. */
export interface ResourceResult {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: ResultCode;
  hookPhase?: TaskState;
  message: string;
  syncPhase: 'Sync';
}

/** As Argo CD's `status.operationState`, less the operation request itself. */
export interface OperationState {
  phase: OperationPhase;
  message: string;
  startedAt: string;
  finishedAt?: string;
  syncResult: { revision: string; resources: ResourceResult[] };
}

export interface OperationContext {
  cluster: Cluster;
  rules: ApplicationRules;
  checks: HealthChecks;
  revision: string;
  /** Whether prune tasks delete (automated.prune, or a manual sync asked for it). */
  prune: boolean;
  /** Only these resources (a self-heal syncs only what is out of sync); all when absent. */
  only?: ReadonlySet<string>;
  waveDelayMs: number;
  pollMs: number;
  /** Aborting terminates the operation (Failed, "Operation terminated"), as `argocd app terminate-op` does. */
  signal?: AbortSignal;
  log: Logger;
  /** Called whenever the operation's state changes, for the status file. */
  onProgress?: (state: OperationState) => void;
}

const PROPAGATION: Readonly<Record<ApplicationRules['options']['prunePropagation'], Propagation>> = {
  foreground: 'Foreground',
  background: 'Background',
  orphan: 'Orphan',
};

export async function runOperation(
  context: OperationContext,
  resources: readonly ResourceState[],
): Promise<OperationState> {
  const { rules } = context;
  const inScope = resources.filter(
    (resource) =>
      (resource.target || resource.requiresPruning) &&
      (!context.only || context.only.has(keyString(resource.key))) &&
      // ApplyOutOfSyncOnly=true: what is already in sync is not applied again.
      !(rules.options.applyOutOfSyncOnly && resource.status === 'Synced'),
  );
  const tasks = planTasks(
    inScope.map(({ key, target, live }) => ({
      key,
      ...(target ? { target } : {}),
      ...(live ? { live } : {}),
    })),
    { pruneLast: rules.options.pruneLast },
  );
  const state: OperationState = {
    phase: 'Running',
    message: 'one or more tasks are running',
    startedAt: new Date().toISOString(),
    syncResult: { revision: context.revision, resources: [] },
  };
  const finish = (phase: OperationPhase, message: string, failed: readonly SyncTask[] = []) => {
    const reasons = [...new Set(failed.map((task) => task.message).filter(Boolean))];
    state.phase = phase;
    state.message = reasons.length > 0 ? `${message}, reason: ${reasons.join(',')}` : message;
    state.finishedAt = new Date().toISOString();
    state.syncResult.resources = results(tasks);
    context.log.info(
      { phase, message: state.message, revision: context.revision },
      'sync operation finished',
    );
    context.onProgress?.(state);
    return state;
  };
  const progress = (message: string) => {
    if (state.message !== message)
      context.log.info({ revision: context.revision, message }, 'sync operation running');
    state.message = message;
    state.syncResult.resources = results(tasks);
    context.onProgress?.(state);
  };
  context.log.info(
    { revision: context.revision, tasks: tasks.length, prune: context.prune },
    'sync operation started',
  );

  if (!(await checkTasks(context, tasks)))
    return finish('Failed', 'one or more synchronization tasks are not valid', tasks.filter(failedTask));
  if (!(await dryRun(context, tasks)))
    return finish('Failed', 'one or more objects failed to apply (dry run)', tasks.filter(failedTask));

  const multiStep = new Set(tasks.map((task) => task.wave)).size > 1;
  for (let round = 0; ; round++) {
    if (context.signal?.aborted) return finish('Failed', 'Operation terminated');
    if (round > 0) await refreshLive(context, tasks);
    for (const task of tasks.filter((t) => t.state === 'Running' && !isPrune(t) && t.live))
      assessRunning(context, task);
    const running = multiStep ? tasks.filter((task) => task.state === 'Running') : [];
    const deleting = tasks.filter((task) => task.result === 'Pruned' && isDeleting(task));
    if (running.length > 0 || deleting.length > 0) {
      progress(waitingMessage(running.length > 0 ? running : deleting, running.length === 0));
      await sleep(context.pollMs, context.signal);
      continue;
    }
    if (tasks.some((task) => task.state === 'Failed'))
      return finish(
        'Failed',
        'one or more synchronization tasks completed unsuccessfully',
        tasks.filter(failedTask),
      );
    const pending = tasks.filter(isPending);
    if (pending.length === 0) return finish('Succeeded', 'successfully synced (no more tasks)');
    const wave = (pending[0] as SyncTask).wave;
    const finalWave = wave === (pending[pending.length - 1] as SyncTask).wave;
    const inWave = pending.filter((task) => task.wave === wave);
    progress('one or more tasks are running');
    context.log.info({ wave, tasks: inWave.map((task) => describeKey(task.key)) }, 'sync wave');
    if (!(await runWave(context, inWave)))
      return finish('Failed', 'one or more objects failed to apply', inWave.filter(failedTask));
    if (finalWave) return finish('Succeeded', 'successfully synced (all tasks run)');
    await sleep(context.waveDelayMs, context.signal);
  }
}

const failedTask = (task: SyncTask) => task.result === 'SyncFailed' || task.state === 'Failed';

const isDeleting = (task: SyncTask) =>
  Boolean((task.live?.metadata as { deletionTimestamp?: unknown } | undefined)?.deletionTimestamp);

/** getSyncTasks' validity check: each kind served, or allowed to arrive during the sync. */
async function checkTasks(context: OperationContext, tasks: SyncTask[]): Promise<boolean> {
  const crdKinds = new Set(
    tasks.flatMap((task) =>
      task.target && isCrd(task.target) ? (crdDefinedGroupKind(task.target) ?? []) : [],
    ),
  );
  let valid = true;
  for (const task of tasks) {
    if (await context.cluster.resourceFor(task.apiVersion, task.key.kind)) continue;
    const arrivesLater =
      context.rules.options.skipDryRunOnMissingResource ||
      hasSyncOption(task.target, 'SkipDryRunOnMissingResource=true') ||
      crdKinds.has(`${task.key.group}/${task.key.kind}`);
    if (arrivesLater) {
      task.skipDryRun = true;
      continue;
    }
    const { group, kind, namespace, name } = task.key;
    setResult(
      task,
      'SyncFailed',
      undefined,
      `The Kubernetes API could not find ${group}/${kind} for requested resource ${namespace}/${name}. Make sure the "${kind}" CRD is installed on the destination cluster.`,
    );
    valid = false;
  }
  return valid;
}

/**
 * The dry run before anything is applied: every apply the server can check, checked by it. Argo
 * CD's is a client-side dry run; a server-side one would refuse an object whose Namespace this
 * same sync creates, so those are left to the sync itself.
 */
async function dryRun(context: OperationContext, tasks: readonly SyncTask[]): Promise<boolean> {
  const newNamespaces = new Set(
    tasks
      .filter((task) => task.target && isNamespace(task.target) && !task.live)
      .map((task) => task.key.name),
  );
  const applies = tasks.filter(
    (task) => !isPrune(task) && !task.skipDryRun && !newNamespaces.has(task.key.namespace),
  );
  const outcomes = await Promise.all(
    applies.map(async (task) => {
      try {
        await context.cluster.apply(appliedObject(context, task), { dryRun: true });
        return true;
      } catch (error) {
        setResult(task, 'SyncFailed', 'Failed', messageOf(error));
        return false;
      }
    }),
  );
  return outcomes.every(Boolean);
}

/** The object to apply: with RespectIgnoreDifferences, the live values at the ignored paths. */
function appliedObject(context: OperationContext, task: SyncTask) {
  const target = task.target as NonNullable<SyncTask['target']>;
  if (!context.rules.options.respectIgnoreDifferences) return target;
  return targetRespectingLive(target, task.live, ignoreSetFor(context.rules.ignoreDifferences, task.key));
}

async function refreshLive(context: OperationContext, tasks: SyncTask[]): Promise<void> {
  await Promise.all(
    tasks.map(async (task) => {
      const live = await context.cluster.get(task.apiVersion, task.key);
      if (live) task.live = live;
      else delete task.live;
    }),
  );
}

/** A running apply's health decides it: Healthy or none succeeds, Degraded fails, the rest keeps it running. */
function assessRunning(context: OperationContext, task: SyncTask): void {
  const health = resourceHealth(task.live as NonNullable<SyncTask['live']>, context.checks);
  if (!health) setResult(task, task.result, 'Succeeded', task.message);
  else if (health.status === 'Healthy')
    setResult(task, task.result, 'Succeeded', health.message ?? task.message);
  else if (health.status === 'Degraded')
    setResult(task, task.result, 'Failed', health.message ?? task.message);
}

async function runWave(context: OperationContext, tasks: readonly SyncTask[]): Promise<boolean> {
  const prunes = tasks.filter(isPrune);
  await Promise.all(prunes.map((task) => prune(context, task)));
  if (prunes.some(failedTask)) return false;
  // Consecutive tasks of one kind run together; the next kind waits for them.
  const groups: SyncTask[][] = [];
  for (const task of tasks.filter((t) => !isPrune(t))) {
    const last = groups[groups.length - 1];
    if (last && last[0]?.key.kind === task.key.kind) last.push(task);
    else groups.push([task]);
  }
  let ok = true;
  for (const group of groups) {
    const outcomes = await Promise.all(group.map((task) => apply(context, task)));
    ok = ok && outcomes.every(Boolean);
  }
  return ok;
}

async function apply(context: OperationContext, task: SyncTask): Promise<boolean> {
  try {
    // The live object as it is now: what RespectIgnoreDifferences keeps is read just before the write.
    const live = await context.cluster.get(task.apiVersion, task.key);
    if (live) task.live = live;
    const applied = await context.cluster.apply(appliedObject(context, task));
    task.live = applied;
    const { group, kind, name } = task.key;
    setResult(
      task,
      'Synced',
      'Running',
      `${kind.toLowerCase()}${group ? `.${group}` : ''}/${name} serverside-applied`,
    );
    return true;
  } catch (error) {
    setResult(task, 'SyncFailed', 'Failed', messageOf(error));
    return false;
  }
}

/** pruneObject: honours the operation's prune flag and Prune=false; an object already being deleted is left to finish. */
async function prune(context: OperationContext, task: SyncTask): Promise<void> {
  if (!context.prune) return setResult(task, 'PruneSkipped', 'Succeeded', 'ignored (requires pruning)');
  if (hasSyncOption(task.live, 'Prune=false'))
    return setResult(task, 'PruneSkipped', 'Succeeded', 'ignored (no prune)');
  try {
    if (task.live && !isDeleting(task))
      await context.cluster.delete(task.live, PROPAGATION[context.rules.options.prunePropagation]);
    setResult(task, 'Pruned', 'Succeeded', 'pruned');
  } catch (error) {
    setResult(task, 'SyncFailed', 'Failed', messageOf(error));
  }
}

function setResult(
  task: SyncTask,
  result: ResultCode | undefined,
  state: TaskState | undefined,
  message: string | undefined,
) {
  if (result) task.result = result;
  if (state) task.state = state;
  if (message) task.message = message;
}

function waitingMessage(tasks: readonly SyncTask[], deletion: boolean): string {
  const first = tasks[0] as SyncTask;
  const what = deletion ? 'deletion of' : 'healthy state of';
  const more = tasks.length > 1 ? ` and ${tasks.length - 1} more resources` : '';
  return `waiting for ${what} ${first.key.group}/${first.key.kind}/${first.key.name}${more}`;
}

function results(tasks: readonly SyncTask[]): ResourceResult[] {
  return tasks
    .filter((task) => task.result !== undefined)
    .map((task) => ({
      group: task.key.group,
      version: versionOf(task.apiVersion),
      kind: task.key.kind,
      namespace: task.key.namespace,
      name: task.key.name,
      status: task.result as ResultCode,
      ...(task.state ? { hookPhase: task.state } : {}),
      message: task.message ?? '',
      syncPhase: 'Sync',
    }));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
