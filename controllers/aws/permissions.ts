/**
 * Every AWS API action the controller's ports call, in IAM terms: the one list the estate's
 * controller Policy (src/estate/controller-access) and the simulator's enforced test policy are
 * built from, and that test/controller/aws-permissions.test.ts checks against the operations a
 * running controller actually sends (planned and unplanned failovers, readiness, probes, gate
 * keeper). A new SDK command in sdk-ports.ts needs a line here, or the controller is denied.
 *
 * Resource kinds follow the IAM Service Authorization Reference: where an action supports no
 * resource-level permissions (Describe/Get of Auto Scaling and CloudWatch metric data,
 * PutMetricData, Route 53's ListHostedZonesByName and TestDNSAnswer) the resource is `*`, narrowed
 * by a condition key where one exists. Route 53 is read only: the controller never writes it.
 */
import type { Permission } from '../../src/iam/policy-document.js';

/** What an action applies to, by role in the FailoverPlan (ARNs come from {@link ControllerResources}). */
export type ResourceKind =
  /** The Aurora global cluster (`arn:aws:rds::<account>:global-cluster:<id>`). */
  | 'global-cluster'
  /** Both regions' Aurora member clusters. */
  | 'member-clusters'
  /** Both regions' gate and fence alarms (ADR 0010). */
  | 'switch-alarms'
  /** The alarms a RegionHealth CloudWatchAlarm probe may read: the platform's alerting alarms. */
  | 'probe-alarms'
  /** The Auto Scaling groups the plan scales. */
  | 'auto-scaling-groups'
  /**
   * Route 53 hosted zones and health checks: their ids are AWS-generated, so the plan names the
   * DNS and the policy every zone or check of the account (`hostedzone/*`, `healthcheck/*`).
   */
  | 'hosted-zones'
  | 'health-checks';

/** One action with its resource kinds (or `any`), the switch metrics' namespace condition and its caller. */
export type AwsPermission = Permission<ResourceKind, 'switch-metric-namespace'>;

export const AWS_PERMISSIONS: readonly AwsPermission[] = [
  {
    action: 'rds:DescribeGlobalClusters',
    resources: ['global-cluster'],
    usedBy:
      'SdkRds.describeGlobalCluster: preflight, lag gate, promote (FailoverState first), wait-writer, readiness, gate keeper (the writer both regions agree on)',
  },
  {
    action: 'rds:DescribeDBClusters',
    resources: ['member-clusters'],
    usedBy: 'SdkRds.describeCluster: preflight, verify, readiness, AuroraWriter probes',
  },
  {
    action: 'rds:FailoverGlobalCluster',
    resources: ['global-cluster', 'member-clusters'],
    usedBy:
      'SdkRds.failoverGlobalCluster: promote of an unplanned Failover (AllowDataLoss=true), on the target region',
  },
  {
    action: 'rds:SwitchoverGlobalCluster',
    resources: ['global-cluster', 'member-clusters'],
    usedBy: 'SdkRds.switchoverGlobalCluster: switchover of a planned Failover, on the current primary region',
  },
  {
    action: 'autoscaling:DescribeAutoScalingGroups',
    resources: ['any'],
    usedBy: 'SdkAutoScaling.describeGroup: scale-up, scale-down, verify, readiness (standby capacity)',
  },
  {
    action: 'autoscaling:SetDesiredCapacity',
    resources: ['auto-scaling-groups'],
    usedBy:
      'SdkAutoScaling.setDesiredCapacity: scale-up of the target, best-effort scale-down of the old primary',
  },
  {
    action: 'cloudwatch:DescribeAlarms',
    resources: ['switch-alarms', 'probe-alarms'],
    usedBy:
      'SdkCloudWatch.describeGateAlarm (traffic steps, readiness, gate keeper) and alarmState (CloudWatchAlarm probes)',
  },
  {
    action: 'cloudwatch:GetMetricData',
    resources: ['any'],
    usedBy:
      'SdkCloudWatch.latestReplicationLagMs: preflight, lag gate, approval, readiness (AWS/RDS lag metrics)',
  },
  {
    action: 'cloudwatch:PutMetricData',
    resources: ['any'],
    condition: { key: 'cloudwatch:namespace', value: 'switch-metric-namespace' },
    usedBy: 'SdkCloudWatch.publishGate: fence, close-old, open-new, unfence-new, the gate keeper',
  },
  {
    action: 'route53:ListHostedZonesByName',
    resources: ['any'],
    usedBy: 'SdkRoute53.publicZonesNamed: verify-dns (the id of the zone traffic.dns names)',
  },
  {
    action: 'route53:ListResourceRecordSets',
    resources: ['hosted-zones'],
    usedBy: "SdkRoute53.recordSets: verify-dns (the failover records and each region's health check)",
  },
  {
    action: 'route53:GetHealthCheck',
    resources: ['health-checks'],
    usedBy: "SdkRoute53.healthCheck: verify-dns (a CALCULATED check's members)",
  },
  {
    action: 'route53:GetHealthCheckStatus',
    resources: ['health-checks'],
    usedBy: "SdkRoute53.healthCheckReports: verify-dns (each member check's checkers)",
  },
  {
    action: 'route53:TestDNSAnswer',
    resources: ['any'],
    usedBy: 'SdkRoute53.dnsAnswer: verify-dns (what Route 53 answers for the failover and regional names)',
  },
];

/** The declared actions, in list order. */
export const AWS_ACTIONS: readonly string[] = AWS_PERMISSIONS.map((p) => p.action);
