/** Steps that read or change the Aurora global cluster. */
import type { ClusterView, GlobalClusterView } from '../aws/ports.js';
import { approvalOutcome } from './approval.js';
import {
  act,
  type DecideInput,
  defineStep,
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

function notFound(input: DecideInput<unknown>, region: string): StepOutcome {
  return failed(
    'GlobalClusterNotFound',
    `global cluster ${input.plan.database.globalClusterIdentifier} not found (asked ${region})`,
  );
}

/** Both plan members must belong to the global cluster, or no promotion can work. */
function checkMembers(input: DecideInput<unknown>, global: GlobalClusterView): StepOutcome | undefined {
  for (const member of input.plan.database.members) {
    if (!global.members.some((m) => m.clusterArn === member.clusterArn)) {
      return failed(
        'ClusterNotFound',
        `cluster ${member.clusterArn} is not a member of global cluster ${global.id}`,
      );
    }
  }
  return undefined;
}

function lagObservation(lagMs: number, now: Date, withRpo: boolean): ObservedLag {
  return {
    replicationLagMilliseconds: Math.round(lagMs),
    ...(withRpo ? { rpoSeconds: Math.ceil(lagMs / 1000) } : {}),
    observedAt: now.toISOString(),
  };
}

/** What a step that would lose data without consent answers: the spec bypassed the CRD's rule. */
function dataLossNotConsented(input: DecideInput<unknown>): StepOutcome {
  return failed(
    'DataLossNotConsented',
    `type Failover without spec.allowDataLoss: true (${input.spec.allowDataLoss}); FailoverGlobalCluster loses unreplicated writes and is not sent without consent. Create a Failover with allowDataLoss: true, or a Switchover`,
  );
}

/** The target region's view of the database; `consented: false` reads nothing (bad input: 0 calls). */
export type TargetObservation =
  | { consented: false }
  | { consented: true; global?: GlobalClusterView; cluster?: ClusterView; lagMs?: number };

/** Unplanned preflight: everything it reads comes from the target region, which must be alive. */
export function unplannedPreflight(target: string): Step {
  return defineStep<TargetObservation>({
    name: 'preflight',
    kind: 'read',
    region: target,
    describe: `read global cluster, target cluster and replication lag in ${target}`,
    async observe(ctx) {
      // Refused before any call, so a spec that bypassed the CRD leaves nothing half-done.
      if (ctx.spec.allowDataLoss !== true) return { consented: false };
      const regional = ctx.aws.region(target);
      const global = await regional.rds.describeGlobalCluster(ctx.plan.database.globalClusterIdentifier);
      if (!global) return { consented: true };
      const targetArn = memberArn(ctx.plan, target);
      const cluster = await regional.rds.describeCluster(targetArn);
      if (!cluster || writerOf(global) === targetArn)
        return { consented: true, global, ...(cluster ? { cluster } : {}) };
      const lagMs = await regional.cloudWatch.latestReplicationLagMs(cluster.id);
      return { consented: true, global, cluster, ...(lagMs === undefined ? {} : { lagMs }) };
    },
    decide(input) {
      const { observed } = input;
      if (!observed.consented) return dataLossNotConsented(input);
      const { global, cluster, lagMs } = observed;
      if (!global) return notFound(input, target);
      const problem = checkMembers(input, global);
      if (problem) return problem;
      const targetArn = memberArn(input.plan, target);
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
          observedLag: lagObservation(0, input.now, true),
        };
      }
      const writerText = writer ? `writer ${clusterIdOf(writer)}` : 'no writer';
      const lagText =
        lagMs === undefined
          ? 'replication lag unknown (no datapoint)'
          : `replication lag ${formatLag(lagMs)}`;
      return {
        type: 'succeeded',
        message: `${writerText}; target ${cluster.id} has ${cluster.instanceCount} instance(s); ${lagText}`,
        ...(lagMs === undefined ? {} : { observedLag: lagObservation(lagMs, input.now, true) }),
      };
    },
  });
}

const readGlobal = (region: string) => async (ctx: Parameters<Step['observe']>[0]) =>
  ctx.aws.region(region).rds.describeGlobalCluster(ctx.plan.database.globalClusterIdentifier);

/** Planned preflight: a switchover is served by the current primary's region, so it asks there. */
export function plannedPreflight(target: string, primary: string): Step {
  return defineStep<GlobalClusterView | undefined>({
    name: 'preflight',
    kind: 'read',
    region: primary,
    describe: `read global cluster in ${primary}`,
    observe: readGlobal(primary),
    decide(input) {
      const global = input.observed;
      if (!global) return notFound(input, primary);
      const problem = checkMembers(input, global);
      if (problem) return problem;
      const writer = writerOf(global);
      const targetArn = memberArn(input.plan, target);
      if (writer === targetArn) return succeeded(`${clusterIdOf(targetArn)} is already the writer`);
      if (writer !== memberArn(input.plan, primary)) {
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
  });
}

interface LagObservation {
  global: GlobalClusterView | undefined;
  lagMs: number | undefined;
}

/** The global cluster as `callRegion` sees it and the target's replication lag. */
const readGlobalAndLag =
  (callRegion: string, target: string) =>
  async (ctx: Parameters<Step['observe']>[0]): Promise<LagObservation> => {
    const global = await readGlobal(callRegion)(ctx);
    // The lag matters only until the target writes or Aurora runs an operation towards it.
    const targetArn = memberArn(ctx.plan, target);
    if (!global || global.failoverState || writerOf(global) === targetArn)
      return { global, lagMs: undefined };
    const lagMs = await ctx.aws.region(target).cloudWatch.latestReplicationLagMs(clusterIdOf(targetArn));
    return { global, lagMs };
  };

/** Planned: waits until the target's lag is within the plan's RPO budget (Aurora then syncs the rest). */
export function lagGate(target: string): Step {
  return defineStep<LagObservation>({
    name: 'lag-gate',
    kind: 'wait',
    region: target,
    describe: `wait until replication lag in ${target} is within the RPO budget`,
    observe: readGlobalAndLag(target, target),
    decide(input) {
      const { global, lagMs } = input.observed;
      const budgetMs = input.plan.automatic.rpoBudgetSeconds * 1000;
      const targetArn = memberArn(input.plan, target);
      if (global && writerOf(global) === targetArn) return skipped('target is already the writer');
      if (lagMs === undefined)
        return waiting(`no replication lag datapoint for ${clusterIdOf(targetArn)} yet`);
      if (lagMs > budgetMs)
        return waiting(`replication lag ${formatLag(lagMs)} exceeds the budget ${formatLag(budgetMs)}`);
      return {
        type: 'succeeded',
        message: `replication lag ${formatLag(lagMs)} within ${formatLag(budgetMs)}`,
        observedLag: lagObservation(lagMs, input.now, false),
      };
    },
  });
}

/**
 * Lag can grow between the approval step and the one-way call (the fence and scaling run in
 * between), so the unplanned promotion judges the approval again at the lag read now: it goes on
 * while the lag is within what was approved (or within the plan's budget when no approval is
 * needed), else it waits for a new approval. The message names the approval and the reason but
 * keeps the lag first seen, so rechecks while the lag keeps moving write nothing.
 */
function lagStillApproved(
  input: DecideInput<unknown>,
  name: string,
  lagMs: number | undefined,
): { waitFor?: StepOutcome; approved?: StepOutcome } {
  const verdict = approvalOutcome(input, lagMs);
  if (verdict?.type !== 'awaitingApproval') return verdict ? { approved: verdict } : {};
  const key = `before promoting (${verdict.reason ?? 'ApprovalRequired'}, approval ${input.spec.approval?.approvedAt ?? 'none'}): `;
  const previous = input.journal.find((e) => e.name === name)?.message;
  if (previous?.startsWith(key)) return { waitFor: { ...verdict, message: previous } };
  return { waitFor: { ...verdict, message: `${key}${verdict.message}` } };
}

export interface PromotionCall {
  operation: 'failover' | 'switchover';
  globalClusterId: string;
  targetClusterArn: string;
}

/**
 * The one-way door. Decides from what it read: if the target already writes, or Aurora already
 * runs an operation towards it (we crashed, or lost the answer, after sending the call), the call
 * is not sent again.
 */
function promotionStep(
  name: string,
  callRegion: string,
  target: string,
  operation: 'failover' | 'switchover',
): Step {
  const call =
    operation === 'failover' ? 'FailoverGlobalCluster(AllowDataLoss=true)' : 'SwitchoverGlobalCluster';
  return defineStep<LagObservation | { consented: false }, PromotionCall>({
    name,
    kind: 'action',
    oneWay: true,
    region: callRegion,
    describe: `${call} to ${target} on the ${callRegion} endpoint`,
    async observe(ctx) {
      if (operation === 'failover' && ctx.spec.allowDataLoss !== true) return { consented: false };
      if (operation === 'switchover') return { global: await readGlobal(callRegion)(ctx), lagMs: undefined };
      return readGlobalAndLag(callRegion, target)(ctx);
    },
    decide(input) {
      const { observed } = input;
      if ('consented' in observed) return dataLossNotConsented(input);
      const { global, lagMs } = observed;
      const targetArn = memberArn(input.plan, target);
      if (!global) return notFound(input, callRegion);
      if (writerOf(global) === targetArn && !global.failoverState) {
        return succeeded(`${clusterIdOf(targetArn)} is already the writer; ${call} not needed`);
      }
      const state = global.failoverState;
      if (state?.toClusterArn === targetArn) {
        return succeeded(`${call} already accepted (FailoverState ${state.status}); not sent again`);
      }
      if (state)
        return waiting(`another operation is in progress (${state.status} to ${state.toClusterArn ?? '?'})`);
      const promotion: PromotionCall = {
        operation,
        globalClusterId: input.plan.database.globalClusterIdentifier,
        targetClusterArn: targetArn,
      };
      const accepted = `${call} accepted by ${callRegion}`;
      if (operation === 'switchover')
        return act(promotion, `${call} to ${clusterIdOf(targetArn)} on the ${callRegion} endpoint`, accepted);
      const { waitFor, approved } = lagStillApproved(input, name, lagMs);
      if (waitFor) return waitFor;
      return act(
        promotion,
        `${call} to ${clusterIdOf(targetArn)} on the ${callRegion} endpoint`,
        approved?.type === 'succeeded'
          ? { ...approved, message: `${accepted}; ${approved.message}` }
          : accepted,
      );
    },
    async act(ctx, promotion) {
      const rds = ctx.aws.region(callRegion).rds;
      if (promotion.operation === 'switchover')
        return rds.switchoverGlobalCluster(promotion.globalClusterId, promotion.targetClusterArn);
      // The spec's consent, never a constant: the port refuses without it.
      return rds.failoverGlobalCluster(promotion.globalClusterId, promotion.targetClusterArn, {
        allowDataLoss: ctx.spec.allowDataLoss,
      });
    },
  });
}

export const promote = (target: string) => promotionStep('promote', target, target, 'failover');
export const switchover = (target: string, primary: string) =>
  promotionStep('switchover', primary, target, 'switchover');

export function waitForWriter(target: string): Step {
  return defineStep<GlobalClusterView | undefined>({
    name: 'wait-writer',
    kind: 'wait',
    region: target,
    describe: `wait until ${target}'s cluster reports IsWriter`,
    observe: readGlobal(target),
    decide(input) {
      const global = input.observed;
      if (!global) return notFound(input, target);
      const targetArn = memberArn(input.plan, target);
      if (global.failoverState) return waiting(`FailoverState ${global.failoverState.status}`);
      if (writerOf(global) === targetArn) return succeeded(`${clusterIdOf(targetArn)} is the writer`);
      return failed(
        'PromotionDidNotHappen',
        `no operation is in progress and ${clusterIdOf(targetArn)} is not the writer: Aurora cancelled or failed it (RDS events 0186/0187/0239)`,
      );
    },
  });
}

interface StandbyObservation {
  cluster: ClusterView | undefined;
  /** In-service instances per Auto Scaling group of the target. */
  inService: number[];
}

/** Verifies the promoted cluster serves writes and the standby compute has capacity in service. */
export function verifyStandby(target: string): Step {
  return defineStep<StandbyObservation>({
    name: 'verify',
    kind: 'wait',
    region: target,
    describe: `check the writer endpoint and in-service instances in ${target}`,
    async observe(ctx) {
      const regional = ctx.aws.region(target);
      const cluster = await regional.rds.describeCluster(memberArn(ctx.plan, target));
      const inService: number[] = [];
      // Capacity is looked at once the writer serves; until then the step waits on the cluster.
      if (cluster?.status !== 'available' || !cluster.hasWriterInstance) return { cluster, inService };
      for (const group of ctx.plan.compute.autoScalingGroups.filter((g) => g.region === target))
        inService.push((await regional.autoScaling.describeGroup(group.name))?.inServiceInstances ?? 0);
      return { cluster, inService };
    },
    decide(input) {
      const { cluster, inService } = input.observed;
      if (!cluster)
        return failed('ClusterNotFound', `cluster ${memberArn(input.plan, target)} not found in ${target}`);
      if (cluster.status !== 'available' || !cluster.hasWriterInstance || !cluster.endpoint) {
        return waiting(
          `cluster ${cluster.id} is ${cluster.status}${cluster.hasWriterInstance ? '' : ', no writer instance yet'}`,
        );
      }
      const total = inService.reduce((a, b) => a + b, 0);
      if (inService.length > 0 && total === 0) return waiting(`no instance in service yet in ${target}`);
      return succeeded(`writer endpoint ${cluster.endpoint} available; ${total} instance(s) in service`);
    },
  });
}
