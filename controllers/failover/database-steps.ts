/** Steps that read or change the Aurora global cluster. */
import type { GlobalClusterView } from '../aws/ports.js';
import { approvalOutcome } from './approval.js';
import {
  type ExecutionContext,
  failed,
  type ObservedLag,
  type Step,
  type StepOutcome,
  skipped,
  succeeded,
  waiting,
} from './model.js';
import { clusterIdOf, formatLag, memberArn } from './plan-view.js';

export function writerOf(global: GlobalClusterView): string | undefined {
  return global.members.find((m) => m.isWriter)?.clusterArn;
}

function notFound(ctx: ExecutionContext, region: string): StepOutcome {
  return failed(
    'GlobalClusterNotFound',
    `global cluster ${ctx.plan.database.globalClusterIdentifier} not found (asked ${region})`,
  );
}

/** Both plan members must belong to the global cluster, or no promotion can work. */
function checkMembers(ctx: ExecutionContext, global: GlobalClusterView): StepOutcome | undefined {
  for (const member of ctx.plan.database.members) {
    if (!global.members.some((m) => m.clusterArn === member.clusterArn)) {
      return failed(
        'ClusterNotFound',
        `cluster ${member.clusterArn} is not a member of global cluster ${global.id}`,
      );
    }
  }
  return undefined;
}

function lagObservation(lagMs: number, ctx: ExecutionContext, withRpo: boolean): ObservedLag {
  return {
    replicationLagMilliseconds: Math.round(lagMs),
    ...(withRpo ? { rpoSeconds: Math.ceil(lagMs / 1000) } : {}),
    observedAt: ctx.now().toISOString(),
  };
}

/** Unplanned preflight: everything it reads comes from the target region, which must be alive. */
export function unplannedPreflight(target: string): Step {
  return {
    name: 'preflight',
    kind: 'read',
    region: target,
    describe: `read global cluster, target cluster and replication lag in ${target}`,
    async run(ctx) {
      // Refused before any action, so a spec that bypassed the CRD leaves nothing half-done.
      if (ctx.spec.allowDataLoss !== true) return dataLossNotConsented(ctx);
      const regional = ctx.aws.region(target);
      const global = await regional.rds.describeGlobalCluster(ctx.plan.database.globalClusterIdentifier);
      if (!global) return notFound(ctx, target);
      const problem = checkMembers(ctx, global);
      if (problem) return problem;
      const targetArn = memberArn(ctx.plan, target);
      const cluster = await regional.rds.describeCluster(targetArn);
      if (!cluster) return failed('ClusterNotFound', `cluster ${targetArn} not found in ${target}`);
      if (cluster.instanceCount === 0) {
        return failed(
          'HeadlessSecondary',
          `cluster ${cluster.id} has no DB instance; a headless secondary cannot be promoted`,
        );
      }
      const writer = writerOf(global);
      if (writer === targetArn) {
        return {
          type: 'succeeded',
          message: `${cluster.id} is already the writer; later steps only confirm it`,
          observedLag: lagObservation(0, ctx, true),
        };
      }
      const lag = await regional.cloudWatch.latestReplicationLagMs(cluster.id);
      const writerText = writer ? `writer ${clusterIdOf(writer)}` : 'no writer';
      const lagText =
        lag === undefined ? 'replication lag unknown (no datapoint)' : `replication lag ${formatLag(lag)}`;
      return {
        type: 'succeeded',
        message: `${writerText}; target ${cluster.id} has ${cluster.instanceCount} instance(s); ${lagText}`,
        ...(lag === undefined ? {} : { observedLag: lagObservation(lag, ctx, true) }),
      };
    },
  };
}

/** Planned preflight: a switchover is served by the current primary's region, so it asks there. */
export function plannedPreflight(target: string, primary: string): Step {
  return {
    name: 'preflight',
    kind: 'read',
    region: primary,
    describe: `read global cluster in ${primary}`,
    async run(ctx) {
      const global = await ctx.aws
        .region(primary)
        .rds.describeGlobalCluster(ctx.plan.database.globalClusterIdentifier);
      if (!global) return notFound(ctx, primary);
      const problem = checkMembers(ctx, global);
      if (problem) return problem;
      const writer = writerOf(global);
      const targetArn = memberArn(ctx.plan, target);
      if (writer === targetArn) return succeeded(`${clusterIdOf(targetArn)} is already the writer`);
      if (writer !== memberArn(ctx.plan, primary)) {
        return failed(
          'UnexpectedWriter',
          `the writer is ${writer ?? 'nobody'}, not the plan's cluster in ${primary}`,
        );
      }
      const unsynced = global.members.filter(
        (m) =>
          !m.isWriter && m.synchronizationStatus !== undefined && m.synchronizationStatus !== 'connected',
      );
      if (unsynced.length > 0) {
        return failed(
          'SecondaryNotConnected',
          `a switchover needs every secondary connected; ${unsynced.map((m) => `${clusterIdOf(m.clusterArn)} is ${m.synchronizationStatus}`).join(', ')}`,
        );
      }
      if (global.failoverState) {
        return failed('OperationInProgress', `global cluster is busy: ${global.failoverState.status}`);
      }
      return succeeded(`writer ${clusterIdOf(writer)} in ${primary}; secondaries connected`);
    },
  };
}

/** Planned: waits until the target's lag is within the plan's RPO budget (Aurora then syncs the rest). */
export function lagGate(target: string): Step {
  return {
    name: 'lag-gate',
    kind: 'wait',
    region: target,
    describe: `wait until replication lag in ${target} is within the RPO budget`,
    async run(ctx) {
      const budgetMs = ctx.plan.automatic.rpoBudgetSeconds * 1000;
      const targetArn = memberArn(ctx.plan, target);
      const regional = ctx.aws.region(target);
      const global = await regional.rds.describeGlobalCluster(ctx.plan.database.globalClusterIdentifier);
      if (global && writerOf(global) === targetArn) return skipped('target is already the writer');
      const lag = await regional.cloudWatch.latestReplicationLagMs(clusterIdOf(targetArn));
      if (lag === undefined) return waiting(`no replication lag datapoint for ${clusterIdOf(targetArn)} yet`);
      if (lag > budgetMs)
        return waiting(`replication lag ${formatLag(lag)} exceeds the budget ${formatLag(budgetMs)}`);
      return {
        type: 'succeeded',
        message: `replication lag ${formatLag(lag)} within ${formatLag(budgetMs)}`,
        observedLag: lagObservation(lag, ctx, false),
      };
    },
  };
}

/** What a step that would lose data without consent answers: the spec bypassed the CRD's rule. */
function dataLossNotConsented(ctx: ExecutionContext): StepOutcome {
  return failed(
    'DataLossNotConsented',
    `type Failover without spec.allowDataLoss: true (${ctx.spec.allowDataLoss}); FailoverGlobalCluster loses unreplicated writes and is not sent without consent. Create a Failover with allowDataLoss: true, or a Switchover`,
  );
}

/**
 * Lag can grow between the approval step and the one-way call (the fence and scaling run in
 * between), so the unplanned promotion judges the approval again at the lag read now: it goes on
 * while the lag is within what was approved (or within the plan's budget when no approval is
 * needed), else it waits for a new approval. The message names the approval and the reason but
 * keeps the lag first seen, so rechecks while the lag keeps moving write nothing.
 */
async function lagStillApproved(
  ctx: ExecutionContext,
  target: string,
  targetArn: string,
): Promise<{ waitFor?: StepOutcome; approved?: StepOutcome }> {
  const lag = await ctx.aws.region(target).cloudWatch.latestReplicationLagMs(clusterIdOf(targetArn));
  const verdict = approvalOutcome(ctx, lag);
  if (verdict?.type !== 'awaitingApproval') return verdict ? { approved: verdict } : {};
  const key = `before promoting (${verdict.reason ?? 'ApprovalRequired'}, approval ${ctx.spec.approval?.approvedAt ?? 'none'}): `;
  const previous = ctx.journal.find((e) => e.name === 'promote')?.message;
  if (previous?.startsWith(key)) return { waitFor: { ...verdict, message: previous } };
  return { waitFor: { ...verdict, message: `${key}${verdict.message}` } };
}

/**
 * The one-way door. Reads first: if the target already writes, or Aurora already runs an operation
 * towards it (we crashed after sending the call), the call is not sent again.
 */
function promotionStep(
  name: string,
  callRegion: string,
  target: string,
  operation: 'failover' | 'switchover',
): Step {
  const call =
    operation === 'failover' ? 'FailoverGlobalCluster(AllowDataLoss=true)' : 'SwitchoverGlobalCluster';
  return {
    name,
    kind: 'action',
    oneWay: true,
    region: callRegion,
    describe: `${call} to ${target} on the ${callRegion} endpoint`,
    async run(ctx) {
      if (operation === 'failover' && ctx.spec.allowDataLoss !== true) return dataLossNotConsented(ctx);
      const rds = ctx.aws.region(callRegion).rds;
      const globalId = ctx.plan.database.globalClusterIdentifier;
      const targetArn = memberArn(ctx.plan, target);
      const global = await rds.describeGlobalCluster(globalId);
      if (!global) return notFound(ctx, callRegion);
      if (writerOf(global) === targetArn && !global.failoverState) {
        return succeeded(`${clusterIdOf(targetArn)} is already the writer; ${call} not needed`);
      }
      const state = global.failoverState;
      if (state?.toClusterArn === targetArn) {
        return succeeded(`${call} already accepted (FailoverState ${state.status}); not sent again`);
      }
      if (state)
        return waiting(`another operation is in progress (${state.status} to ${state.toClusterArn ?? '?'})`);
      if (operation === 'switchover') {
        await rds.switchoverGlobalCluster(globalId, targetArn);
        return succeeded(`${call} accepted by ${callRegion}`);
      }
      const { waitFor, approved } = await lagStillApproved(ctx, target, targetArn);
      if (waitFor) return waitFor;
      await rds.failoverGlobalCluster(globalId, targetArn, { allowDataLoss: ctx.spec.allowDataLoss });
      const accepted = `${call} accepted by ${callRegion}`;
      return approved?.type === 'succeeded'
        ? { ...approved, message: `${accepted}; ${approved.message}` }
        : succeeded(accepted);
    },
  };
}

export const promote = (target: string) => promotionStep('promote', target, target, 'failover');
export const switchover = (target: string, primary: string) =>
  promotionStep('switchover', primary, target, 'switchover');

export function waitForWriter(target: string): Step {
  return {
    name: 'wait-writer',
    kind: 'wait',
    region: target,
    describe: `wait until ${target}'s cluster reports IsWriter`,
    async run(ctx) {
      const global = await ctx.aws
        .region(target)
        .rds.describeGlobalCluster(ctx.plan.database.globalClusterIdentifier);
      if (!global) return notFound(ctx, target);
      const targetArn = memberArn(ctx.plan, target);
      if (global.failoverState) return waiting(`FailoverState ${global.failoverState.status}`);
      if (writerOf(global) === targetArn) return succeeded(`${clusterIdOf(targetArn)} is the writer`);
      return failed(
        'PromotionDidNotHappen',
        `no operation is in progress and ${clusterIdOf(targetArn)} is not the writer: Aurora cancelled or failed it (RDS events 0186/0187/0239)`,
      );
    },
  };
}

/** Verifies the promoted cluster serves writes and the standby compute has capacity in service. */
export function verifyStandby(target: string): Step {
  return {
    name: 'verify',
    kind: 'wait',
    region: target,
    describe: `check the writer endpoint and in-service instances in ${target}`,
    async run(ctx) {
      const regional = ctx.aws.region(target);
      const cluster = await regional.rds.describeCluster(memberArn(ctx.plan, target));
      if (!cluster)
        return failed('ClusterNotFound', `cluster ${memberArn(ctx.plan, target)} not found in ${target}`);
      if (cluster.status !== 'available' || !cluster.hasWriterInstance || !cluster.endpoint) {
        return waiting(
          `cluster ${cluster.id} is ${cluster.status}${cluster.hasWriterInstance ? '' : ', no writer instance yet'}`,
        );
      }
      let inService = 0;
      const groups = ctx.plan.compute.autoScalingGroups.filter((g) => g.region === target);
      for (const group of groups)
        inService += (await regional.autoScaling.describeGroup(group.name))?.inServiceInstances ?? 0;
      if (groups.length > 0 && inService === 0) return waiting(`no instance in service yet in ${target}`);
      return succeeded(`writer endpoint ${cluster.endpoint} available; ${inService} instance(s) in service`);
    },
  };
}
