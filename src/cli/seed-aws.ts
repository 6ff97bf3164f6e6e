import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { type BucketLocationConstraint, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { FailoverPlanSpec } from '../apis/failover-plan.js';

/**
 * Creates in the AWS simulator what a FailoverPlan points at, so `npm start` can run a real
 * failover: the Aurora global cluster with one member per plan region (the primary's member is the
 * writer, because it joins first), the gate buckets, and the Auto Scaling groups (the primary at
 * the plan's failover capacity, the standby warm with one instance, as Route 53 needs a healthy
 * standby). On real AWS the estate's compositions create these; here nothing else would.
 */
export async function seedAwsForPlan(plan: FailoverPlanSpec, endpoint: string): Promise<void> {
  const client = { endpoint, credentials: { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' } };
  const { primary, standby } = plan.regions;
  const rds = (region: string) => new RDSClient({ ...client, region });

  await rds(primary).send(
    new CreateGlobalClusterCommand({
      GlobalClusterIdentifier: plan.database.globalClusterIdentifier,
      Engine: 'aurora-mysql',
    }),
  );
  for (const region of [primary, standby]) {
    const member = plan.database.members.find((m) => m.region === region);
    if (!member) throw new Error(`the plan names no database member in ${region}`);
    const cluster = clusterIdentifier(member.clusterArn);
    await rds(region).send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: cluster,
        Engine: 'aurora-mysql',
        GlobalClusterIdentifier: plan.database.globalClusterIdentifier,
        // Only the first member (the writer) takes credentials; secondaries inherit them.
        ...(region === primary ? { MasterUsername: 'admin', MasterUserPassword: 'local-only-password' } : {}),
      }),
    );
    await rds(region).send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${cluster}-1`,
        DBClusterIdentifier: cluster,
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-mysql',
      }),
    );
  }

  for (const gate of plan.traffic.gates) {
    // A region's gate object lives in the *other* region's bucket (ARCHITECTURE §2).
    const bucketRegion = gate.region === primary ? standby : primary;
    await new S3Client({ ...client, region: bucketRegion, forcePathStyle: true }).send(
      new CreateBucketCommand({
        Bucket: gate.bucket,
        ...(bucketRegion === 'us-east-1'
          ? {}
          : { CreateBucketConfiguration: { LocationConstraint: bucketRegion as BucketLocationConstraint } }),
      }),
    );
  }

  for (const group of plan.compute.autoScalingGroups) {
    const desired = group.region === primary ? plan.compute.standbyDesiredCapacity : 1;
    await new AutoScalingClient({ ...client, region: group.region }).send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: group.name,
        MinSize: 0,
        MaxSize: Math.max(desired, plan.compute.standbyDesiredCapacity),
        DesiredCapacity: desired,
      }),
    );
  }
}

/** `arn:aws:rds:us-east-1:123456789012:cluster:trading-use1` → `trading-use1`. */
function clusterIdentifier(clusterArn: string): string {
  return clusterArn.slice(clusterArn.lastIndexOf(':') + 1);
}
