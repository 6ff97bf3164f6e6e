/**
 * FailoverPlan readiness (ARCHITECTURE §3): could a failover to the current standby work right now?
 * Read-only by construction: it only uses describe/read methods of the ports, so a readiness pass
 * can never change AWS state. Each region is read on its own, so a region that does not answer
 * turns the conditions that need it Unknown instead of blocking the others.
 */
import type { FailoverPlan, FailoverPlanSpec, RegionHealth } from '../../src/apis/index.js';
import type { AwsPorts, ClusterView } from '../aws/ports.js';
import { describeError } from '../kube/api-errors.js';
import type { ConditionStatus, ConditionUpdate } from '../kube/conditions.js';
import {
  clusterIdOf,
  formatLag,
  gateOpenWithoutData,
  groupsIn,
  memberArn,
  otherRegion,
  type SwitchKind,
  switchOf,
} from './plan-view.js';

export const READINESS_CONDITIONS = [
  'EngineVersionsMatch',
  'StandbyHasInstances',
  'StandbyEndpointHealthy',
  'LagWithinBudget',
] as const;

/**
 * What the traffic switches say now (ADR 0010), beside readiness rather than in it: they tell
 * where traffic goes, not whether a failover could run.
 */
export const TRAFFIC_CONDITIONS = ['PrimaryServing', 'StandbyDrained'] as const;

export interface ReadinessInput {
  plan: FailoverPlanSpec;
  /** The region that would be activated: status.currentRoles.standby, else spec.regions.standby. */
  standby: string;
  aws: AwsPorts;
  /** RegionHealth objects of the plan's namespace (the probes' latest verdicts). */
  regionHealth: readonly RegionHealth[];
}

/** The region a failover of this plan would activate now. */
export function standbyOf(plan: FailoverPlan): string {
  return plan.status?.currentRoles?.standby ?? plan.spec.regions.standby;
}

type Read<T> = { ok: true; value: T } | { ok: false; error: string };

async function attempt<T>(read: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

const condition = (
  type: string,
  status: ConditionStatus,
  reason: string,
  message: string,
): ConditionUpdate => ({ type, status, reason, message });

export async function evaluateReadiness(input: ReadinessInput): Promise<ConditionUpdate[]> {
  const { plan, standby, aws } = input;
  const primary = otherRegion(plan, standby);
  // Both regions in parallel: a blackholed region costs one call deadline, not the sum.
  const [primaryCluster, standbyCluster] = await Promise.all(
    [primary, standby].map((region) =>
      attempt(() => aws.region(region).rds.describeCluster(memberArn(plan, region))),
    ),
  );
  const [checks, traffic] = await Promise.all([
    Promise.all([
      engineVersions(plan, primary, standby, primaryCluster, standbyCluster),
      standbyInstances(plan, standby, standbyCluster),
      standbyEndpoint(input),
      lagWithinBudget(input),
    ]),
    trafficSwitches(plan, primary, standby, aws),
  ]);
  return [...checks, aggregate(checks), ...traffic];
}

type SwitchStates = Record<SwitchKind, Read<string | undefined>>;

/** A region's gate and fence, each read in the region that holds its alarm. */
async function switchStates(plan: FailoverPlanSpec, region: string, aws: AwsPorts): Promise<SwitchStates> {
  const read = (kind: SwitchKind) => {
    const where = switchOf(plan, kind, region);
    return attempt(
      async () => (await aws.region(where.alarmRegion).cloudWatch.describeGateAlarm(where.alarmName))?.state,
    );
  };
  const [gate, fence] = await Promise.all([read('gate'), read('fence')]);
  return { gate, fence };
}

const stateText = (read: Read<string | undefined>) =>
  read.ok ? (read.value ?? 'missing') : `unreadable (${read.error})`;
const is = (read: Read<string | undefined>, state: string) => read.ok && read.value === state;

/**
 * PrimaryServing: the primary's gate is open and no fence holds it. StandbyDrained: the standby's
 * gate or fence is closed, so it receives no traffic, and which one says how the next failover
 * will open it (a fence needs the primary's region to lift it, a gate only the standby's).
 */
async function trafficSwitches(
  plan: FailoverPlanSpec,
  primary: string,
  standby: string,
  aws: AwsPorts,
): Promise<ConditionUpdate[]> {
  const [p, s] = await Promise.all([switchStates(plan, primary, aws), switchStates(plan, standby, aws)]);
  const describe = (region: string, states: SwitchStates) =>
    `${region}: gate ${stateText(states.gate)}, fence ${stateText(states.fence)}`;
  const both = `${describe(primary, p)}; ${describe(standby, s)}`;

  // A gate without data counts as the estate's default for its region (ADR 0010).
  const gateOpen = (region: string, read: Read<string | undefined>) =>
    is(read, 'OK') || (is(read, 'INSUFFICIENT_DATA') && gateOpenWithoutData(plan, region));
  const gateClosed = (region: string, read: Read<string | undefined>) =>
    read.ok && read.value !== undefined && !gateOpen(region, read);

  let serving: ConditionUpdate;
  if (gateClosed(primary, p.gate) || is(p.fence, 'ALARM'))
    serving = condition('PrimaryServing', 'False', 'Drained', `${primary} is drained: ${both}`);
  else if (gateOpen(primary, p.gate) && p.fence.ok)
    serving = condition('PrimaryServing', 'True', 'Open', `${primary} receives traffic: ${both}`);
  else serving = condition('PrimaryServing', 'Unknown', 'SwitchesUnknown', both);

  let drained: ConditionUpdate;
  if (gateClosed(standby, s.gate))
    drained = condition(
      'StandbyDrained',
      'True',
      'GateClosed',
      `${standby} is drained by its own gate: ${both}`,
    );
  else if (is(s.fence, 'ALARM'))
    drained = condition(
      'StandbyDrained',
      'True',
      'Fenced',
      `${standby} is drained by its fence in ${primary} only; the gate keeper closes its gate once both regions agree on the writer: ${both}`,
    );
  else if (s.gate.ok && s.fence.ok)
    drained = condition(
      'StandbyDrained',
      'False',
      'ReceivesTraffic',
      `${standby} is not the writer but neither its gate nor its fence is closed: ${both}`,
    );
  else drained = condition('StandbyDrained', 'Unknown', 'SwitchesUnknown', both);
  return [serving, drained];
}

function unreachable(type: string, region: string, arn: string, error: string): ConditionUpdate {
  return condition(
    type,
    'Unknown',
    'RegionUnreachable',
    `could not read ${clusterIdOf(arn)} in ${region}: ${error}`,
  );
}

function engineVersions(
  plan: FailoverPlanSpec,
  primary: string,
  standby: string,
  primaryRead: Read<ClusterView | undefined> | undefined,
  standbyRead: Read<ClusterView | undefined> | undefined,
): ConditionUpdate {
  const type = 'EngineVersionsMatch';
  const versions: string[] = [];
  for (const [region, read] of [
    [primary, primaryRead],
    [standby, standbyRead],
  ] as const) {
    const arn = memberArn(plan, region);
    if (!read) return unreachable(type, region, arn, 'not read');
    if (!read.ok) return unreachable(type, region, arn, read.error);
    if (!read.value)
      return condition(type, 'False', 'ClusterNotFound', `cluster ${arn} not found in ${region}`);
    if (!read.value.engineVersion) {
      return condition(
        type,
        'Unknown',
        'VersionUnknown',
        `${read.value.id} in ${region} reports no engine version`,
      );
    }
    versions.push(`${read.value.id} ${read.value.engineVersion}`);
  }
  const [a = '', b = ''] = versions.map((v) => v.slice(v.indexOf(' ') + 1));
  return a === b
    ? condition(type, 'True', 'VersionsMatch', `both members run ${a}`)
    : condition(
        type,
        'False',
        'VersionMismatch',
        `engine versions differ (${versions.join(', ')}); a promotion across versions is refused by Aurora`,
      );
}

function standbyInstances(
  plan: FailoverPlanSpec,
  standby: string,
  read: Read<ClusterView | undefined> | undefined,
): ConditionUpdate {
  const type = 'StandbyHasInstances';
  const arn = memberArn(plan, standby);
  if (!read) return unreachable(type, standby, arn, 'not read');
  if (!read.ok) return unreachable(type, standby, arn, read.error);
  const cluster = read.value;
  if (!cluster) return condition(type, 'False', 'ClusterNotFound', `cluster ${arn} not found in ${standby}`);
  return cluster.instanceCount > 0
    ? condition(
        type,
        'True',
        'HasInstances',
        `${cluster.id} in ${standby} has ${cluster.instanceCount} instance(s)`,
      )
    : condition(
        type,
        'False',
        'NoInstances',
        `${cluster.id} in ${standby} has no DB instance; a headless secondary cannot be promoted`,
      );
}

/**
 * The same evidence the probes and the verify step use: the probes' RegionHealth verdicts for the
 * standby region, and in-service instances behind the standby ALB (Route 53 answers the primary
 * when the secondary is unhealthy, so a warm standby must keep a healthy target, ARCHITECTURE §2).
 */
async function standbyEndpoint(input: ReadinessInput): Promise<ConditionUpdate> {
  const type = 'StandbyEndpointHealthy';
  const { plan, standby, aws } = input;
  const unhealthy = input.regionHealth.filter(
    (h) => h.spec.region === standby && h.status?.healthy === false,
  );
  if (unhealthy.length > 0) {
    const names = unhealthy.map((h) => `${h.metadata.name ?? '?'} (vantage ${h.spec.vantage})`);
    return condition(
      type,
      'False',
      'ProbesUnhealthy',
      `RegionHealth reports ${standby} unhealthy: ${names.join(', ')}`,
    );
  }
  const groups = groupsIn(plan, standby);
  if (groups.length === 0) {
    return condition(type, 'Unknown', 'NothingToCheck', `the plan lists no Auto Scaling group in ${standby}`);
  }
  const read = await attempt(() =>
    Promise.all(groups.map((name) => aws.region(standby).autoScaling.describeGroup(name))),
  );
  if (!read.ok) {
    return condition(
      type,
      'Unknown',
      'RegionUnreachable',
      `could not read Auto Scaling in ${standby}: ${read.error}`,
    );
  }
  const inService = read.value.reduce((sum, group) => sum + (group?.inServiceInstances ?? 0), 0);
  return inService > 0
    ? condition(
        type,
        'True',
        'InstancesInService',
        `${inService} instance(s) in service behind the ${standby} endpoint`,
      )
    : condition(
        type,
        'False',
        'NoInstanceInService',
        `no instance in service in ${groups.join(', ')} (${standby}); Route 53 would keep answering the primary`,
      );
}

async function lagWithinBudget(input: ReadinessInput): Promise<ConditionUpdate> {
  const type = 'LagWithinBudget';
  const { plan, standby, aws } = input;
  const budgetMs = plan.automatic.rpoBudgetSeconds * 1000;
  const clusterId = clusterIdOf(memberArn(plan, standby));
  const read = await attempt(() => aws.region(standby).cloudWatch.latestReplicationLagMs(clusterId));
  if (!read.ok) {
    return condition(
      type,
      'Unknown',
      'RegionUnreachable',
      `could not read the lag of ${clusterId} in ${standby}: ${read.error}`,
    );
  }
  if (read.value === undefined) {
    return condition(
      type,
      'Unknown',
      'NoDatapoint',
      `no replication lag datapoint for ${clusterId} in ${standby}`,
    );
  }
  const text = `replication lag of ${clusterId} is ${formatLag(read.value)}, RPO budget ${formatLag(budgetMs)}`;
  return read.value <= budgetMs
    ? condition(type, 'True', 'WithinBudget', text)
    : condition(type, 'False', 'LagAboveBudget', `${text}: an unplanned failover would need approval`);
}

function aggregate(checks: readonly ConditionUpdate[]): ConditionUpdate {
  const notTrue = checks.filter((c) => c.status !== 'True');
  if (notTrue.length === 0) return condition('Ready', 'True', 'AllChecksPassed', 'the standby can take over');
  const status: ConditionStatus = notTrue.some((c) => c.status === 'False') ? 'False' : 'Unknown';
  return condition(
    'Ready',
    status,
    'ChecksNotPassed',
    notTrue.map((c) => `${c.type}=${c.status}: ${c.message}`).join('; '),
  );
}
