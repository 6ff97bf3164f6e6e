/**
 * One active execution per plan. The plan's status.lastExecution is the lock: an execution takes it
 * by replacing the plan status at the resourceVersion it read (a concurrent taker gets 409 and
 * re-reads), holds it while its phase is non-terminal, and a holder that was deleted or finished
 * no longer counts. The execution finalizer goes on first, so a holder is never deleted mid-run. Only executions that are about to change AWS take it; preflight, approval and
 * dry runs do not.
 */
import type { Failover, FailoverPlan } from '../../src/apis/index.js';
import { isConflict } from '../kube/api-errors.js';
import { kubeTime } from '../kube/conditions.js';
import { type SwitchyardKube, serverMeta } from '../kube/resources.js';
import { holdExecutionFinalizer } from './deletion.js';
import type { LockState } from './engine.js';
import { isTerminal } from './phase.js';
import { otherRegion } from './plan-view.js';

/** Raised on a lost race for the lock; the queue retries, and the retry reads the winner. */
export class LockContendedError extends Error {}

/** The Failover was deleted before it ever acted (no finalizer yet): it must not start now. */
export class ExecutionGoneError extends Error {}

/**
 * Takes the plan lock for `failover`, first putting the execution finalizer on it (a deletion from
 * here on is a cancel, never an abandonment). Returns the Failover as stored after that write.
 */
export async function acquirePlanLock(kube: SwitchyardKube, failover: Failover): Promise<LockState> {
  const { namespace, name } = serverMeta(failover);
  const plan = await kube.getPlan(namespace, failover.spec.planRef.name);
  if (!plan) throw new Error(`plan ${failover.spec.planRef.name} disappeared`);
  const last = plan.status?.lastExecution;
  const ours = last?.name === name && !isTerminal(last.phase);
  if (last && !isTerminal(last.phase) && !ours) {
    const holder = await kube.getFailover(namespace, last.name);
    if (holder && !isTerminal(holder.status?.phase)) return { held: false, holder: last.name };
  }
  const finalized = await holdExecutionFinalizer(kube, failover);
  if (!finalized) throw new ExecutionGoneError(`Failover ${name} was deleted before it acted`);
  if (ours) return { held: true, failover: finalized };
  try {
    await kube.replacePlanStatus(plan, {
      ...plan.status,
      lastExecution: { name, type: failover.spec.type, phase: 'Running' },
    });
  } catch (error) {
    if (isConflict(error))
      throw new LockContendedError(`plan ${serverMeta(plan).name} changed while taking its lock`);
    throw error;
  }
  return { held: true, failover: finalized };
}

/**
 * Records the end of an execution on the plan (freeing the lock) and, after a success, the roles
 * as they now are. Idempotent: a reconcile of a finished Failover calls it again after a crash.
 */
export async function releasePlanLock(kube: SwitchyardKube, failover: Failover): Promise<void> {
  const { namespace, name } = serverMeta(failover);
  for (let attempt = 0; attempt < 5; attempt++) {
    const plan: FailoverPlan | undefined = await kube.getPlan(namespace, failover.spec.planRef.name);
    const last = plan?.status?.lastExecution;
    if (!plan || last?.name !== name || isTerminal(last.phase)) return;
    const phase = failover.status?.phase ?? 'Failed';
    const succeeded = phase === 'Succeeded';
    const target = failover.spec.targetRegion;
    const other = otherRegion(plan.spec, target);
    try {
      await kube.replacePlanStatus(plan, {
        ...plan.status,
        lastExecution: {
          ...last,
          phase,
          ...(failover.status?.completedAt ? { completedAt: failover.status.completedAt } : {}),
        },
        ...(succeeded ? { currentRoles: { primary: target, standby: other, observedAt: kubeTime() } } : {}),
      });
      return;
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
  throw new LockContendedError(`could not record the end of ${name} on its plan`);
}
