/**
 * Deleting a Failover is a cancel, never an abandonment. While an execution can still act it holds
 * a finalizer (added before its first action, with the plan lock), so a deletion only sets
 * metadata.deletionTimestamp: the engine then cancels before the one-way step (undoing what it did)
 * or runs the safe remainder after it, the plan records the end and hears what happened, and only
 * then the finalizer goes. A Failover that never acted holds no finalizer and goes at once.
 */
import type { Failover } from '../../src/apis/index.js';
import { isConflict, isNotFound } from '../kube/api-errors.js';
import { type SwitchyardKube, serverMeta } from '../kube/resources.js';

export const EXECUTION_FINALIZER = 'failover.switchyard.dev/execution';

export const isBeingDeleted = (failover: Failover): boolean =>
  typeof (failover.metadata as { deletionTimestamp?: unknown }).deletionTimestamp === 'string';

const finalizersOf = (failover: Failover): string[] => {
  const finalizers = (failover.metadata as { finalizers?: unknown }).finalizers;
  return Array.isArray(finalizers) ? finalizers.filter((f): f is string => typeof f === 'string') : [];
};

export const holdsExecutionFinalizer = (failover: Failover): boolean =>
  finalizersOf(failover).includes(EXECUTION_FINALIZER);

/** Re-reads after a 409 (someone else changed the finalizers) and tries again, a few times. */
async function changeFinalizers(
  kube: SwitchyardKube,
  initial: Failover,
  change: (finalizers: string[]) => string[] | undefined,
): Promise<Failover | undefined> {
  let failover: Failover | undefined = initial;
  for (let attempt = 0; attempt < 5 && failover; attempt++) {
    const next = change(finalizersOf(failover));
    if (!next) return failover;
    try {
      return await kube.setFailoverFinalizers(failover, next);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      if (!isConflict(error)) throw error;
      const { namespace, name } = serverMeta(failover);
      failover = await kube.getFailover(namespace, name);
    }
  }
  if (!failover) return undefined;
  throw new Error(`finalizers of Failover ${serverMeta(failover).name} kept changing under us`);
}

/**
 * Adds the finalizer (no write when it is there). A Failover already being deleted cannot take a
 * new finalizer (the apiserver refuses): that one never acted, so it may simply go.
 */
export async function holdExecutionFinalizer(
  kube: SwitchyardKube,
  failover: Failover,
): Promise<Failover | undefined> {
  if (holdsExecutionFinalizer(failover)) return failover;
  if (isBeingDeleted(failover)) return undefined;
  return changeFinalizers(kube, failover, (finalizers) =>
    finalizers.includes(EXECUTION_FINALIZER) ? undefined : [...finalizers, EXECUTION_FINALIZER],
  );
}

/** Removes only our finalizer; others' stay. Returns the object as stored (undefined once gone). */
export async function releaseExecutionFinalizer(
  kube: SwitchyardKube,
  failover: Failover,
): Promise<Failover | undefined> {
  return changeFinalizers(kube, failover, (finalizers) =>
    finalizers.includes(EXECUTION_FINALIZER)
      ? finalizers.filter((f) => f !== EXECUTION_FINALIZER)
      : undefined,
  );
}

/**
 * What the plan's Event says about an execution whose Failover was deleted, from its final status:
 * `Failover X deleted during step Y: cancelled, undone: …` or `…: finished the run: Succeeded`.
 */
export function deletionSummary(failover: Failover, undoStepNames: readonly string[]): string {
  const { name } = serverMeta(failover);
  const status = failover.status ?? {};
  const step = status.deletedDuringStep;
  const when = step ? `during step ${step}` : 'as its run finished';
  if (status.phase !== 'Cancelled')
    return `Failover ${name} deleted ${when}: finished the run: ${status.phase ?? 'unknown'}`;
  const undone = (status.journal ?? [])
    .filter((e) => undoStepNames.includes(e.name) && e.state === 'Succeeded')
    .map((e) => e.name);
  return `Failover ${name} deleted ${when}: cancelled, ${undone.length ? `undone: ${undone.join(', ')}` : 'nothing to undo'}`;
}
