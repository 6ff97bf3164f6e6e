/**
 * The small AWS interfaces the failover engine depends on. Each port is regional: the instance for
 * region R talks only to R's endpoint, so "which region did this step call" is decided by which
 * port the step picked, never by a parameter buried in a request.
 */

export interface FailoverStateView {
  /** Open string: AWS documents `switching-over`, which the SDK enum lacks (failover-anchors §0.2). */
  status: string;
  fromClusterArn?: string;
  toClusterArn?: string;
  dataLossAllowed?: boolean;
}

export interface GlobalClusterMemberView {
  clusterArn: string;
  isWriter: boolean;
  synchronizationStatus?: string;
}

export interface GlobalClusterView {
  id: string;
  members: GlobalClusterMemberView[];
  /** Present while a switchover or failover is pending or in progress. */
  failoverState?: FailoverStateView;
}

export interface ClusterView {
  arn: string;
  id: string;
  status: string;
  endpoint?: string;
  engineVersion?: string;
  instanceCount: number;
  hasWriterInstance: boolean;
}

export interface RdsPort {
  describeGlobalCluster(globalClusterId: string): Promise<GlobalClusterView | undefined>;
  /** Only clusters of this port's region are visible, as on AWS. */
  describeCluster(clusterArn: string): Promise<ClusterView | undefined>;
  /** Unplanned: always `AllowDataLoss=true`; omitting it would mean a switchover (pitfall 7). */
  failoverGlobalCluster(globalClusterId: string, targetClusterArn: string): Promise<void>;
  /** Planned, RPO 0; AWS accepts it only in the current primary's region. */
  switchoverGlobalCluster(globalClusterId: string, targetClusterArn: string): Promise<void>;
}

export interface AutoScalingGroupView {
  name: string;
  desiredCapacity: number;
  minSize: number;
  maxSize: number;
  inServiceInstances: number;
}

export interface AutoScalingPort {
  describeGroup(name: string): Promise<AutoScalingGroupView | undefined>;
  setDesiredCapacity(name: string, desiredCapacity: number): Promise<void>;
}

export interface CloudWatchPort {
  /**
   * The newest Aurora global replication lag of a *secondary* cluster in this region (RPO lag,
   * falling back to replication lag for older engines), or undefined when no datapoint exists.
   */
  latestReplicationLagMs(clusterId: string): Promise<number | undefined>;
  /** `OK`, `ALARM` or `INSUFFICIENT_DATA`; undefined when the alarm does not exist. */
  alarmState(alarmName: string): Promise<string | undefined>;
  /** A traffic gate's alarm and the metric it watches; undefined when the alarm does not exist. */
  describeGateAlarm(alarmName: string): Promise<GateAlarmView | undefined>;
  /** Publishes the gate's state to the metric its alarm watches: 1 closes (drains), 0 opens. */
  publishGate(alarm: GateAlarmView, closed: boolean): Promise<void>;
}

/**
 * A traffic gate (ARCHITECTURE §2, ADR 0009): a CloudWatch alarm that a Route 53 health check
 * reads. The alarm is the one definition of the gate's metric; the controller publishes to it.
 */
export interface GateAlarmView {
  name: string;
  state: string;
  namespace: string;
  metricName: string;
  dimensions: Array<{ name: string; value: string }>;
}

export interface RegionalAws {
  region: string;
  rds: RdsPort;
  autoScaling: AutoScalingPort;
  cloudWatch: CloudWatchPort;
}

/** Hands out the regional ports; implementations cache one set per region and policy. */
export interface AwsPorts {
  /** Ports for the failover path: short deadlines, bounded retries. */
  region(name: string): RegionalAws;
  /** Ports for calls that must never hold the run up (scaling down a region that may be gone). */
  bestEffort(name: string): RegionalAws;
}

/** Mutating operations, for dry-run listings and for tests that count them. */
export const MUTATING_OPERATIONS = [
  'FailoverGlobalCluster',
  'SwitchoverGlobalCluster',
  'PutMetricData',
  'SetDesiredCapacity',
] as const;
