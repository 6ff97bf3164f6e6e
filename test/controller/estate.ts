/**
 * The AWS side of the example FailoverPlan (examples/failover/failover-plan.yaml, derived from the
 * example TradingPlatform) in the simulator, seeded by the same code as `npm start`
 * (src/cli/seed-aws.ts): the global cluster (writer in us-east-1, secondary in us-east-2, one
 * instance each), each region's gate (in it) and fence (in the other region) alarms, and one Auto
 * Scaling group per region. Tests name those resources through the plan (clusterIdIn, groupIn),
 * never by writing the derived names again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeAlarmsCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { parse } from 'yaml';
import {
  clusterIdOf,
  memberArn,
  type SwitchLocation,
  switchOf,
} from '../../controllers/failover/plan-view.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { FailoverPlanResource } from '../../src/apis/index.js';
import { seedAwsForPlan } from '../../src/cli/seed-aws.js';
import { type SeededTraffic, seedTrafficForPlan } from '../../src/cli/seed-traffic.js';
import { gateDimensions, SWITCH_ALARMS } from '../../src/estate/traffic/gate.js';
import { cloudWatchClient, rdsClient } from '../aws/support.js';

export interface EstateOptions {
  /** Leave the us-east-2 secondary without a DB instance (a headless secondary). */
  headlessStandby?: boolean;
}

export const examplePlan = FailoverPlanResource.parse(
  parse(readFileSync(join(import.meta.dirname, '../../examples/failover/failover-plan.yaml'), 'utf8')),
);

export const GLOBAL_ID = examplePlan.spec.database.globalClusterIdentifier;

/** The example plan's Aurora member cluster in `region`, as writerOf names it. */
export const clusterIdIn = (region: string) => clusterIdOf(memberArn(examplePlan.spec, region));

/** The example plan's Auto Scaling group in `region`. */
export function groupIn(region: string): string {
  const group = examplePlan.spec.compute.autoScalingGroups.find((g) => g.region === region);
  if (!group) throw new Error(`the example plan has no Auto Scaling group in ${region}`);
  return group.name;
}

export async function seedTradingEstate(sim: AwsSimulator, options: EstateOptions = {}): Promise<void> {
  await seedAwsForPlan(examplePlan.spec, sim.url, options);
}

/** The Route 53 side of the example plan (its zone, checks and records), aliasing the simulator's ALBs. */
export function seedTradingTraffic(sim: AwsSimulator): Promise<SeededTraffic> {
  return seedTrafficForPlan(examplePlan.spec, sim.url, {
    albDnsName: (region) => sim.albs.find((a) => a.region === region)?.dnsName ?? '',
  });
}

export async function writerOf(sim: AwsSimulator, region = 'us-east-2'): Promise<string | undefined> {
  const out = await rdsClient(sim, region).send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL_ID }),
  );
  const arn = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  return arn?.slice(arn.lastIndexOf(':') + 1);
}

/** The state of one switch of `region`, read in the region that holds its alarm. */
export async function switchState(
  sim: AwsSimulator,
  kind: SwitchLocation['kind'],
  region: string,
): Promise<string | undefined> {
  const where = switchOf(examplePlan.spec, kind, region);
  const out = await cloudWatchClient(sim, where.alarmRegion).send(
    new DescribeAlarmsCommand({ AlarmNames: [where.alarmName] }),
  );
  return out.MetricAlarms?.[0]?.StateValue;
}

/** Sets one switch as a controller would (a test standing in for one): 1 closes, 0 opens. */
export async function publishSwitch(
  sim: AwsSimulator,
  kind: SwitchLocation['kind'],
  region: string,
  closed: boolean,
): Promise<void> {
  const where = switchOf(examplePlan.spec, kind, region);
  const alarm = SWITCH_ALARMS[kind];
  await cloudWatchClient(sim, where.alarmRegion).send(
    new PutMetricDataCommand({
      Namespace: alarm.namespace,
      MetricData: [
        {
          MetricName: alarm.metricName,
          Dimensions: Object.entries(gateDimensions('trading', region)).map(([Name, Value]) => ({
            Name,
            Value,
          })),
          Value: closed ? 1 : 0,
          StorageResolution: 1,
        },
      ],
    }),
  );
}

/** The states of a region's gate (in it) and fence (in the other region), as Route 53 reads them. */
export async function switchesOf(sim: AwsSimulator, region: string) {
  const [gate, fence] = await Promise.all(
    (['gate', 'fence'] as const).map((kind) => switchState(sim, kind, region)),
  );
  return { gate, fence };
}

/** Calls that change AWS state, as the simulator journal names them. */
export const MUTATING = new Set([
  'FailoverGlobalCluster',
  'SwitchoverGlobalCluster',
  'PutMetricData',
  'PutObject',
  'DeleteObject',
  'SetDesiredCapacity',
  'UpdateAutoScalingGroup',
  'ChangeResourceRecordSets',
]);

export function mutatingCalls(sim: AwsSimulator) {
  return sim.journal.list().filter((e) => MUTATING.has(e.operation));
}
