/**
 * The AWS side of the example FailoverPlan (examples/failover/failover-plan.yaml) in the simulator,
 * seeded by the same code as `npm start` (src/cli/seed-aws.ts): global cluster trading-global
 * (writer trading-use1, secondary trading-use2, one instance each), the two gate alarms (each in the
 * region that is *not* the one its gate controls) and one Auto Scaling group per region.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { parse } from 'yaml';
import type { AwsSimulator } from '../../local/aws/index.js';
import { FailoverPlanResource } from '../../src/apis/index.js';
import { seedAwsForPlan } from '../../src/cli/seed-aws.js';
import { cloudWatchClient, rdsClient } from '../aws/support.js';

export const GLOBAL_ID = 'trading-global';
/** Gate of us-east-1 (drains us-east-1) is an alarm in us-east-2, and vice versa. */
export const GATE_OF_USE1 = { alarm: 'trading-switchyard-gate-us-east-1', region: 'us-east-2' };
export const GATE_OF_USE2 = { alarm: 'trading-switchyard-gate-us-east-2', region: 'us-east-1' };

export interface EstateOptions {
  /** Leave the us-east-2 secondary without a DB instance (a headless secondary). */
  headlessStandby?: boolean;
}

const examplePlan = FailoverPlanResource.parse(
  parse(readFileSync(join(import.meta.dirname, '../../examples/failover/failover-plan.yaml'), 'utf8')),
);

export async function seedTradingEstate(sim: AwsSimulator, options: EstateOptions = {}): Promise<void> {
  await seedAwsForPlan(examplePlan.spec, sim.url, options);
}

export async function writerOf(sim: AwsSimulator, region = 'us-east-2'): Promise<string | undefined> {
  const out = await rdsClient(sim, region).send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL_ID }),
  );
  const arn = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  return arn?.slice(arn.lastIndexOf(':') + 1);
}

/** Whether the gate drains its region: its alarm is in ALARM, which Route 53's gate check reads. */
export async function gateClosed(
  sim: AwsSimulator,
  gate: { alarm: string; region: string },
): Promise<boolean> {
  const out = await cloudWatchClient(sim, gate.region).send(
    new DescribeAlarmsCommand({ AlarmNames: [gate.alarm] }),
  );
  return out.MetricAlarms?.[0]?.StateValue === 'ALARM';
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
