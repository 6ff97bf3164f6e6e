/**
 * Reconciles one Failover: admission checks (plan exists, target in plan), then the engine. It
 * reads the object fresh from the API (not the informer cache), because the engine resumes from the
 * status it wrote last and a stale cache would replay an older journal. Every status write carries
 * the resourceVersion read; a 409 means someone wrote since, so it reads again and decides again.
 * A finished execution records its end on the plan, then gives up its finalizer (deletion.ts).
 */
import {
  checkTargetRegion,
  type Failover,
  type FailoverStatus,
  type RegionHealth,
  TARGET_REGION_CONDITION,
} from '../../src/apis/index.js';
import type { AwsPorts } from '../aws/ports.js';
import { isConflict } from '../kube/api-errors.js';
import { type ConditionUpdate, setCondition } from '../kube/conditions.js';
import type { EventRecorder } from '../kube/events.js';
import { type SwitchyardKube, serverMeta } from '../kube/resources.js';
import {
  deletionSummary,
  holdsExecutionFinalizer,
  isBeingDeleted,
  releaseExecutionFinalizer,
} from './deletion.js';
import {
  advance,
  type EngineObserver,
  type EngineOptions,
  PAUSED_CONDITION,
  StatusConflictError,
} from './engine.js';
import type { JournalEntry } from './model.js';
import { isTerminal, withPhase } from './phase.js';
import { acquirePlanLock, releasePlanLock } from './plan-lock.js';
import { otherRegion } from './plan-view.js';
import { stepsFor } from './step-lists.js';

/** Label the automatic trigger puts on the Failovers it creates. */
export const TRIGGER_LABEL = 'failover.switchyard.dev/trigger';

export interface FailoverReconcilerDeps {
  kube: SwitchyardKube;
  aws: AwsPorts;
  events: EventRecorder;
  /** The region this controller runs in; it executes only Failovers that activate it. */
  region: string | undefined;
  regionHealth(namespace: string): RegionHealth[];
  observer?: EngineObserver;
  options: EngineOptions;
  now?: () => Date;
  /** How long a Failover for another region waits unclaimed before WrongCluster; default UNCLAIMED_AFTER_MS. */
  unclaimedAfterMs?: number;
  log(level: 'debug' | 'info' | 'warn', message: string, fields?: object): void;
}

export async function reconcileFailover(
  deps: FailoverReconcilerDeps,
  namespace: string,
  name: string,
): Promise<{ requeueAfterMs?: number }> {
  try {
    return await reconcileOnce(deps, namespace, name);
  } catch (error) {
    if (!(error instanceof StatusConflictError || isConflict(error))) throw error;
    // Not a retry of the write: the next pass reads the Failover again and decides from that.
    deps.log('info', 'the Failover changed since it was read; reading it again', { namespace, name });
    return { requeueAfterMs: 0 };
  }
}

/**
 * The end of an execution: its phase (and roles) on the plan, then, for a Failover being deleted,
 * an Event on the plan saying what the deletion did, and only then the finalizer goes.
 */
async function finishExecution(deps: FailoverReconcilerDeps, failover: Failover): Promise<void> {
  await releasePlanLock(deps.kube, failover);
  if (!holdsExecutionFinalizer(failover)) return;
  if (isBeingDeleted(failover)) {
    const { namespace } = serverMeta(failover);
    const plan = await deps.kube.getPlan(namespace, failover.spec.planRef.name);
    if (plan) {
      const undoSteps = stepsFor(failover.spec, plan.spec).flatMap((s) => s.undo ?? []);
      const message = deletionSummary(
        failover,
        undoSteps.map((u) => u.name),
      );
      await deps.events.record(plan, 'Warning', 'ExecutionDeleted', message);
      deps.log('info', 'deleted Failover finished its execution', { namespace, message });
    }
  }
  await releaseExecutionFinalizer(deps.kube, failover);
}

/**
 * How long a Failover for another region may wait unclaimed before this controller says so. Where
 * both regions' controllers watch one cluster, the target's takes it within a reconcile; in the
 * layout of one cluster per region (docs/environments-repo.md) nobody ever will.
 */
export const UNCLAIMED_AFTER_MS = 30_000;
export const ACCEPTED_CONDITION = 'Accepted';

/**
 * A Failover applied to the wrong region's cluster: nothing runs it, so once it has waited
 * its unclaimed window (UNCLAIMED_AFTER_MS by default) without a phase, the controller of this cluster's region says where to apply
 * it (condition Accepted=False, reason WrongCluster, and an Event). It writes nothing else: should
 * the target region's controller appear, it takes the Failover as usual.
 */
async function reportUnclaimed(
  deps: FailoverReconcilerDeps,
  failover: Failover,
  region: string,
  now: () => Date,
): Promise<{ requeueAfterMs?: number }> {
  if (failover.status?.phase) return {};
  const unclaimedAfterMs = deps.unclaimedAfterMs ?? UNCLAIMED_AFTER_MS;
  const waitedMs = now().getTime() - Date.parse(String(failover.metadata.creationTimestamp ?? ''));
  if (!(waitedMs >= unclaimedAfterMs)) return { requeueAfterMs: unclaimedAfterMs - (waitedMs || 0) };
  const existing = failover.status?.conditions?.find((c) => c.type === ACCEPTED_CONDITION);
  if (existing?.reason === 'WrongCluster') return {};
  const target = failover.spec.targetRegion;
  const message = `no controller of ${target} runs in this cluster (its controller runs in ${region}): a Failover is executed by the controller of its target region, from that region's cluster; apply it in ${target}'s cluster. Nothing was called in AWS.`;
  const generation = serverMeta(failover).generation;
  const updated = await deps.kube.patchFailoverStatus(failover, {
    ...failover.status,
    conditions: setCondition(
      failover.status?.conditions,
      { type: ACCEPTED_CONDITION, status: 'False', reason: 'WrongCluster', message },
      generation,
      now(),
    ),
  });
  await deps.events.record(updated, 'Warning', 'WrongCluster', message);
  return {};
}

/**
 * A pause set on a finished Failover has nothing to hold: say so once (condition Paused=False,
 * reason ExecutionFinished), change nothing else.
 */
async function reportPauseAfterFinish(
  deps: FailoverReconcilerDeps,
  failover: Failover,
  now: () => Date,
): Promise<void> {
  if (!failover.spec.paused) return;
  const existing = failover.status?.conditions?.find((c) => c.type === PAUSED_CONDITION);
  if (existing?.reason === 'ExecutionFinished') return;
  const message = `the execution has finished (${failover.status?.phase}); spec.paused has nothing to hold and changes nothing`;
  const updated = await deps.kube.patchFailoverStatus(failover, {
    ...failover.status,
    conditions: setCondition(
      failover.status?.conditions,
      { type: PAUSED_CONDITION, status: 'False', reason: 'ExecutionFinished', message },
      serverMeta(failover).generation,
      now(),
    ),
  });
  await deps.events.record(updated, 'Warning', 'PauseIgnored', message);
}

async function reconcileOnce(
  deps: FailoverReconcilerDeps,
  namespace: string,
  name: string,
): Promise<{ requeueAfterMs?: number }> {
  const now = deps.now ?? (() => new Date());
  const failover = await deps.kube.getFailover(namespace, name);
  if (!failover) return {};
  if (isTerminal(failover.status?.phase)) {
    await reportPauseAfterFinish(deps, failover, now);
    await finishExecution(deps, failover);
    return {};
  }
  const generation = serverMeta(failover).generation;
  const refuse = async (reason: string, message: string, extra: ConditionUpdate[] = []) => {
    const at = now().toISOString();
    // Mid-run (the plan deleted under it), the step it stopped at is the one that failed.
    const unfinished = failover.status?.journal?.find((e) => e.state === 'Pending' || e.state === 'Running');
    const failedAt = (e: JournalEntry): JournalEntry =>
      e === unfinished ? { ...e, state: 'Failed', finishedAt: at, message: message.slice(0, 1024) } : e;
    const status: FailoverStatus = {
      ...failover.status,
      ...(failover.status?.journal ? { journal: failover.status.journal.map(failedAt) } : {}),
      startedAt: failover.status?.startedAt ?? at,
      completedAt: at,
    };
    const updated = await deps.kube.patchFailoverStatus(
      failover,
      withPhase(status, { phase: 'Failed', reason, message }, generation, now(), extra),
    );
    await deps.events.record(updated, 'Warning', reason, message);
    deps.log('warn', 'failover refused', { namespace, name, reason, message });
    return {};
  };

  const plan = await deps.kube.getPlan(namespace, failover.spec.planRef.name);
  if (!plan) {
    return refuse(
      'PlanNotFound',
      `FailoverPlan ${namespace}/${failover.spec.planRef.name} does not exist; nothing was called in AWS`,
    );
  }
  const regionProblem = checkTargetRegion(failover.spec, plan.spec);
  if (regionProblem) {
    return refuse('TargetRegionInvalid', `${regionProblem}; nothing was called in AWS`, [
      { type: TARGET_REGION_CONDITION, status: 'False', reason: 'NotInPlan', message: regionProblem },
    ]);
  }
  // Executed from the region being activated (like ARC Region switch), so only the survivor acts.
  if (deps.region !== undefined && failover.spec.targetRegion !== deps.region) {
    deps.log('debug', 'failover targets another region; left to its controller', { namespace, name });
    return reportUnclaimed(deps, failover, deps.region, now);
  }

  const targetValid: ConditionUpdate = {
    type: TARGET_REGION_CONDITION,
    status: 'True',
    reason: 'InPlan',
    message: `${failover.spec.targetRegion} is a region of plan ${failover.spec.planRef.name}`,
  };
  const persist = (current: Failover, status: FailoverStatus) =>
    deps.kube.patchFailoverStatus(current, {
      ...status,
      conditions: setCondition(status.conditions, targetValid, generation, now()),
    });

  const target = failover.spec.targetRegion;
  const result = await advance(failover, {
    steps: stepsFor(failover.spec, plan.spec),
    context: {
      spec: failover.spec,
      plan: plan.spec,
      target,
      other: otherRegion(plan.spec, target),
      aws: deps.aws,
      regionHealth: (region) => deps.regionHealth(namespace).filter((h) => h.spec.region === region),
      automatic: failover.metadata.labels?.[TRIGGER_LABEL] === 'automatic',
      now,
    },
    persist,
    event: async (type, reason, message) => deps.events.record(failover, type, reason, message),
    acquireLock: (current) => acquirePlanLock(deps.kube, current),
    ...(deps.observer ? { observer: deps.observer } : {}),
    options: deps.options,
  });
  const latest = await deps.kube.getFailover(namespace, name);
  if (latest && isTerminal(latest.status?.phase)) await finishExecution(deps, latest);
  return result;
}
