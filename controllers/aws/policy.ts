/**
 * The controller's IAM policy document, built from the one list of actions (permissions.ts) and
 * the ARNs of what one plan names. The estate's ControllerAccess composition calls it with P&T
 * placeholders for the ARNs, the tests with a FailoverPlan's resources; either way the statements
 * are the same: one per action, on exactly the resources of its kinds.
 */
import type { FailoverPlanSpec } from '../../src/apis/index.js';
import { type PolicyDocument, policyDocument } from '../../src/iam/policy-document.js';
import { switchOf } from '../failover/plan-view.js';
import { AWS_PERMISSIONS, type AwsPermission } from './permissions.js';

/** The ARNs behind each resource kind, and the namespace the switch metrics are published in. */
export interface ControllerResources {
  globalCluster: readonly string[];
  memberClusters: readonly string[];
  switchAlarms: readonly string[];
  probeAlarms: readonly string[];
  autoScalingGroups: readonly string[];
  hostedZones: readonly string[];
  healthChecks: readonly string[];
  switchMetricNamespace: string;
}

export function controllerPolicy(
  resources: ControllerResources,
  permissions: readonly AwsPermission[] = AWS_PERMISSIONS,
): PolicyDocument {
  return policyDocument(
    permissions,
    {
      'global-cluster': resources.globalCluster,
      'member-clusters': resources.memberClusters,
      'switch-alarms': resources.switchAlarms,
      'probe-alarms': resources.probeAlarms,
      'auto-scaling-groups': resources.autoScalingGroups,
      'hosted-zones': resources.hostedZones,
      'health-checks': resources.healthChecks,
    },
    { 'switch-metric-namespace': resources.switchMetricNamespace },
  );
}

/** ARN shapes of the kinds the controller touches (IAM Service Authorization Reference). */
export const arns = {
  globalCluster: (account: string, id: string) => `arn:aws:rds::${account}:global-cluster:${id}`,
  cluster: (region: string, account: string, id: string) => `arn:aws:rds:${region}:${account}:cluster:${id}`,
  /** The group's UUID is AWS-generated, so the policy names the group by name with a wildcard id. */
  autoScalingGroup: (region: string, account: string, name: string) =>
    `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${name}`,
  alarm: (region: string, account: string, name: string) =>
    `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`,
  /** Route 53 is global and its ARNs name no region or account. */
  hostedZone: (id: string) => `arn:aws:route53:::hostedzone/${id}`,
  healthCheck: (id: string) => `arn:aws:route53:::healthcheck/${id}`,
};

/** Zone and check ids are AWS-generated, unknown when the policy is written: every one of the account. */
export const ROUTE53_READ_RESOURCES = {
  hostedZones: [arns.hostedZone('*')],
  healthChecks: [arns.healthCheck('*')],
};

/** The account of an ARN (`arn:aws:rds:us-east-1:123456789012:cluster:x` → `123456789012`). */
const accountOf = (arn: string) => arn.split(':')[4] ?? '';

/**
 * The resources of a FailoverPlan: its global cluster and member clusters, both regions' gate and
 * fence alarms where they live, its Auto Scaling groups, the Route 53 zones and checks its DNS
 * reads, plus the alarms its RegionHealth probes read (not part of the plan, so given). The account
 * is the member clusters' one.
 */
export function planResources(
  plan: FailoverPlanSpec,
  extra: { probeAlarms: ReadonlyArray<{ region: string; alarmName: string }>; switchMetricNamespace: string },
): ControllerResources {
  const accounts = [...new Set(plan.database.members.map((m) => accountOf(m.clusterArn)))];
  const [account] = accounts;
  if (accounts.length !== 1 || !account || !/^[0-9]{12}$/.test(account)) {
    throw new Error(
      `spec.database.members: the member cluster ARNs must name one 12-digit account, got ${accounts.join(', ')}`,
    );
  }
  const regions = [plan.regions.primary, plan.regions.standby];
  return {
    globalCluster: [arns.globalCluster(account, plan.database.globalClusterIdentifier)],
    memberClusters: plan.database.members.map((m) => m.clusterArn),
    switchAlarms: regions.flatMap((region) =>
      (['gate', 'fence'] as const).map((kind) => {
        const where = switchOf(plan, kind, region);
        return arns.alarm(where.alarmRegion, account, where.alarmName);
      }),
    ),
    probeAlarms: extra.probeAlarms.map((a) => arns.alarm(a.region, account, a.alarmName)),
    autoScalingGroups: plan.compute.autoScalingGroups.map((g) =>
      arns.autoScalingGroup(g.region, account, g.name),
    ),
    ...ROUTE53_READ_RESOURCES,
    switchMetricNamespace: extra.switchMetricNamespace,
  };
}
