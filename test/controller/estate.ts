/**
 * The AWS side of the example FailoverPlan (examples/failover/failover-plan.yaml) in the simulator:
 * global cluster trading-global (writer trading-use1, secondary trading-use2, one instance each),
 * the two gate buckets (each in the region that is *not* the one its gate controls) and one
 * Auto Scaling group per region.
 */
import { CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DescribeGlobalClustersCommand,
} from '@aws-sdk/client-rds';
import { type BucketLocationConstraint, CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { AwsSimulator } from '../../local/aws/index.js';
import { autoScalingClient, rdsClient, s3Client } from '../aws/support.js';

export const GLOBAL_ID = 'trading-global';
export const GATE_KEY = 'switchyard/drain';
/** Gate of us-east-1 (drains us-east-1) lives in us-east-2's bucket, and vice versa. */
export const GATE_OF_USE1 = { bucket: 'switchyard-gates-use2', region: 'us-east-2' };
export const GATE_OF_USE2 = { bucket: 'switchyard-gates-use1', region: 'us-east-1' };

export interface EstateOptions {
  /** Leave the us-east-2 secondary without a DB instance (a headless secondary). */
  headlessStandby?: boolean;
}

export async function seedTradingEstate(sim: AwsSimulator, options: EstateOptions = {}): Promise<void> {
  const east1 = rdsClient(sim, 'us-east-1');
  const east2 = rdsClient(sim, 'us-east-2');
  await east1.send(
    new CreateGlobalClusterCommand({ GlobalClusterIdentifier: GLOBAL_ID, Engine: 'aurora-mysql' }),
  );
  await east1.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'trading-use1',
      Engine: 'aurora-mysql',
      GlobalClusterIdentifier: GLOBAL_ID,
      MasterUsername: 'admin',
      MasterUserPassword: 'secret-password',
    }),
  );
  await east2.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'trading-use2',
      Engine: 'aurora-mysql',
      GlobalClusterIdentifier: GLOBAL_ID,
    }),
  );
  for (const [client, cluster] of [
    [east1, 'trading-use1'],
    ...(options.headlessStandby ? [] : [[east2, 'trading-use2'] as const]),
  ] as const) {
    await client.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${cluster}-1`,
        DBClusterIdentifier: cluster,
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-mysql',
      }),
    );
  }
  for (const { bucket, region } of [GATE_OF_USE1, GATE_OF_USE2]) {
    await s3Client(sim, region).send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  }
  for (const [region, name, desired] of [
    ['us-east-1', 'trading-api-use1', 4],
    ['us-east-2', 'trading-api-use2', 1],
  ] as const) {
    await autoScalingClient(sim, region).send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: name,
        MinSize: 0,
        MaxSize: 10,
        DesiredCapacity: desired,
      }),
    );
  }
}

export async function writerOf(sim: AwsSimulator, region = 'us-east-2'): Promise<string | undefined> {
  const out = await rdsClient(sim, region).send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL_ID }),
  );
  const arn = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  return arn?.slice(arn.lastIndexOf(':') + 1);
}

export async function gateExists(
  sim: AwsSimulator,
  gate: { bucket: string; region: string },
): Promise<boolean> {
  try {
    await s3Client(sim, gate.region).send(new HeadObjectCommand({ Bucket: gate.bucket, Key: GATE_KEY }));
    return true;
  } catch {
    return false;
  }
}

/** Calls that change AWS state, as the simulator journal names them. */
export const MUTATING = new Set([
  'FailoverGlobalCluster',
  'SwitchoverGlobalCluster',
  'PutObject',
  'DeleteObject',
  'SetDesiredCapacity',
  'UpdateAutoScalingGroup',
  'ChangeResourceRecordSets',
]);

export function mutatingCalls(sim: AwsSimulator) {
  return sim.journal.list().filter((e) => MUTATING.has(e.operation));
}
