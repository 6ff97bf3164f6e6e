import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import type { FailoverPlanSpec } from '../apis/failover-plan.js';
import { switchAlarmRequest } from '../estate/traffic/gate.js';

/**
 * Creates in the AWS simulator what a FailoverPlan points at, so `npm start` can run a real
 * failover: the Aurora global cluster with one member per plan region (the primary's member is the
 * writer, because it joins first), the gate and fence alarms, and the Auto Scaling groups (the primary at
 * the plan's failover capacity, the standby warm with one instance, as Route 53 needs a healthy
 * standby). On real AWS the estate's compositions create these; here nothing else would.
 */
export interface SeedOptions {
  /** Platform id in the gate metric's dimensions (the estate's spec.platformId). */
  platformId?: string;
  /** Leave the standby's cluster without a DB instance (a headless secondary, for tests). */
  headlessStandby?: boolean;
}

export async function seedAwsForPlan(
  plan: FailoverPlanSpec,
  endpoint: string,
  options: SeedOptions = {},
): Promise<void> {
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
    if (region === standby && options.headlessStandby) continue;
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
    // The gate of a region lives in it, its fence in the other region (ADR 0010).
    const peer = gate.region === primary ? standby : primary;
    const platformId = options.platformId ?? 'trading';
    const alarms = [
      { kind: 'gate' as const, name: gate.alarmName, region: gate.region },
      { kind: 'fence' as const, name: gate.fenceAlarmName, region: peer },
    ];
    for (const alarm of alarms) {
      await new CloudWatchClient({ ...client, region: alarm.region }).send(
        new PutMetricAlarmCommand(switchAlarmRequest(alarm.kind, alarm.name, platformId, gate.region)),
      );
    }
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

/** `arn:aws:rds:us-east-1:123456789012:cluster:trading-global-us-east-1` → `trading-global-us-east-1`. */
function clusterIdentifier(clusterArn: string): string {
  return clusterArn.slice(clusterArn.lastIndexOf(':') + 1);
}
