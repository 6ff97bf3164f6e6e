/**
 * Reconciles one FailoverPlan's readiness conditions, periodically (level-triggered: AWS does not
 * tell us when lag grows or an instance goes away).
 *
 * Who writes: only the controller whose region is the plan's current standby (the region a failover
 * would activate, the same rule as execution and the automatic trigger). Two controllers therefore
 * never fight over the conditions, and the writer is the survivor when the primary region is gone.
 */
import type { RegionHealth } from '../../src/apis/index.js';
import type { AwsPorts } from '../aws/ports.js';
import { type Condition, type ConditionUpdate, setConditions } from '../kube/conditions.js';
import { type SwitchyardKube, serverMeta } from '../kube/resources.js';
import { evaluateReadiness, standbyOf } from './readiness.js';

/** Queue keys of plans carry this prefix so one queue serves Failovers and plans. */
export const PLAN_KEY_PREFIX = 'FailoverPlan:';

export interface ReadinessReconcilerDeps {
  kube: SwitchyardKube;
  aws: AwsPorts;
  region: string;
  regionHealth(namespace: string): RegionHealth[];
  requeueAfterMs: number;
  now?: () => Date;
  log(level: 'debug' | 'info', message: string, fields?: object): void;
}

/** True when every update is already in `previous` with the same status, reason and message. */
const alreadyWritten = (updates: readonly ConditionUpdate[], previous: readonly Condition[]) =>
  updates.every((u) =>
    previous.some(
      (c) => c.type === u.type && c.status === u.status && c.reason === u.reason && c.message === u.message,
    ),
  );

export async function reconcilePlanReadiness(
  deps: ReadinessReconcilerDeps,
  namespace: string,
  name: string,
): Promise<{ requeueAfterMs?: number }> {
  const plan = await deps.kube.getPlan(namespace, name);
  if (!plan) return {};
  const standby = standbyOf(plan);
  if (standby !== deps.region) {
    deps.log('debug', 'plan readiness left to the standby region', { namespace, name, standby });
    // Roles change with a failover: look again later in case this region becomes the standby.
    return { requeueAfterMs: deps.requeueAfterMs };
  }
  const updates = await evaluateReadiness({
    plan: plan.spec,
    standby,
    aws: deps.aws,
    regionHealth: deps.regionHealth(namespace),
  });
  const generation = serverMeta(plan).generation;
  const previous = plan.status?.conditions ?? [];
  const unchanged = plan.status?.observedGeneration === generation && alreadyWritten(updates, previous);
  // Our own write comes back through the informer; skipping identical writes ends that loop.
  if (!unchanged) {
    const conditions = setConditions(previous, updates, generation, deps.now?.() ?? new Date());
    await deps.kube.patchPlanStatus(plan, { observedGeneration: generation, conditions });
    deps.log('info', 'plan readiness written', {
      namespace,
      name,
      ready: updates.find((u) => u.type === 'Ready')?.status,
    });
  }
  return { requeueAfterMs: deps.requeueAfterMs };
}
