/**
 * Reconciles one FailoverPlan's readiness conditions, periodically (level-triggered: AWS does not
 * tell us when lag grows or an instance goes away).
 *
 * Who writes: only the controller whose region is the plan's current standby (the region a failover
 * would activate, the same rule as execution and the automatic trigger). Two controllers therefore
 * never fight over the conditions, and the writer is the survivor when the primary region is gone.
 *
 * Before that, every controller brings `status.currentRoles` of its cluster's copy of the plan to
 * what AWS says (the writer, read from its own region's endpoint). With a cluster per region, an
 * execution updates the roles only in the cluster that ran it; the other cluster's copy would keep
 * the roles of the execution before (and its trigger and readiness would act on them) until then.
 */
import type { FailoverPlan, RegionHealth } from '../../src/apis/index.js';
import type { AwsPorts } from '../aws/ports.js';
import { type Condition, type ConditionUpdate, kubeTime, setConditions } from '../kube/conditions.js';
import { type SwitchyardKube, serverMeta } from '../kube/resources.js';
import { isTerminal } from './phase.js';
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

/**
 * The plan with `status.currentRoles` as AWS has them: the writer member's region is the primary.
 * Left alone while an execution holds the plan (it writes the roles when it ends), while AWS has a
 * switchover or failover in progress, or when AWS cannot be read.
 */
async function syncRolesFromAws(deps: ReadinessReconcilerDeps, plan: FailoverPlan): Promise<FailoverPlan> {
  const last = plan.status?.lastExecution;
  if (last && !isTerminal(last.phase)) return plan;
  const { primary, standby } = plan.spec.regions;
  let writer: string | undefined;
  try {
    const global = await deps.aws
      .region(deps.region)
      .rds.describeGlobalCluster(plan.spec.database.globalClusterIdentifier);
    if (!global || global.failoverState) return plan;
    writer = global.members.find((member) => member.isWriter)?.clusterArn.split(':')[3];
  } catch {
    return plan;
  }
  if (writer !== primary && writer !== standby) return plan;
  const roles = plan.status?.currentRoles;
  const expected = { primary: writer, standby: writer === primary ? standby : primary };
  const implied = roles ?? { primary, standby };
  if (implied.primary === expected.primary && implied.standby === expected.standby) return plan;
  const currentRoles = { ...expected, observedAt: kubeTime(deps.now?.()) };
  await deps.kube.patchPlanStatus(plan, { currentRoles });
  deps.log('info', 'plan roles brought to what AWS says', {
    ...serverMeta(plan),
    primary: expected.primary,
    was: implied.primary,
  });
  return { ...plan, status: { ...plan.status, currentRoles } };
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
  const read = await deps.kube.getPlan(namespace, name);
  if (!read) return {};
  const plan = await syncRolesFromAws(deps, read);
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
