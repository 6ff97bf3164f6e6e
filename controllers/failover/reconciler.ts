/**
 * Reconciles one Failover: admission checks (plan exists, target in plan), then the engine. It
 * reads the object fresh from the API (not the informer cache), because the engine resumes from the
 * status it wrote last and a stale cache would replay an older journal.
 */
import {
  checkTargetRegion,
  type FailoverStatus,
  type RegionHealth,
  TARGET_REGION_CONDITION,
} from '../../src/apis/index.js';
import type { AwsPorts } from '../aws/ports.js';
import { type ConditionUpdate, setCondition } from '../kube/conditions.js';
import type { EventRecorder } from '../kube/events.js';
import { type SwitchyardKube, serverMeta } from '../kube/resources.js';
import { advance, type EngineObserver, type EngineOptions } from './engine.js';
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
  log(level: 'debug' | 'info' | 'warn', message: string, fields?: object): void;
}

export async function reconcileFailover(
  deps: FailoverReconcilerDeps,
  namespace: string,
  name: string,
): Promise<{ requeueAfterMs?: number }> {
  const now = deps.now ?? (() => new Date());
  const failover = await deps.kube.getFailover(namespace, name);
  if (!failover) return {};
  if (isTerminal(failover.status?.phase)) {
    await releasePlanLock(deps.kube, failover);
    return {};
  }
  const generation = serverMeta(failover).generation;
  const refuse = async (reason: string, message: string, extra: ConditionUpdate[] = []) => {
    const at = now().toISOString();
    const status: FailoverStatus = {
      ...failover.status,
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
    return {};
  }

  const targetValid: ConditionUpdate = {
    type: TARGET_REGION_CONDITION,
    status: 'True',
    reason: 'InPlan',
    message: `${failover.spec.targetRegion} is a region of plan ${failover.spec.planRef.name}`,
  };
  const persist = (status: FailoverStatus) =>
    deps.kube.patchFailoverStatus(failover, {
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
    acquireLock: () => acquirePlanLock(deps.kube, failover),
    ...(deps.observer ? { observer: deps.observer } : {}),
    options: deps.options,
  });
  const latest = await deps.kube.getFailover(namespace, name);
  if (latest && isTerminal(latest.status?.phase)) await releasePlanLock(deps.kube, latest);
  return result;
}
