/**
 * The small AWS interfaces the failover engine depends on. Each port is regional: the instance for
 * region R talks only to R's endpoint, so "which region did this step call" is decided by which
 * port the step picked, never by a parameter buried in a request. Route 53, a global service whose
 * API lives in us-east-1, has the one global port (read only).
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

/** The Failover's spec.allowDataLoss, handed to the port explicitly so no path can assume it. */
export interface DataLossConsent {
  allowDataLoss: boolean;
}

/** Thrown by a port asked to fail over without consent; nothing was sent. */
export class DataLossNotConsentedError extends Error {
  constructor(globalClusterId: string) {
    super(
      `FailoverGlobalCluster for ${globalClusterId} not sent: the Failover did not consent to data loss (spec.allowDataLoss)`,
    );
    this.name = 'DataLossNotConsentedError';
  }
}

export interface RdsPort {
  describeGlobalCluster(globalClusterId: string): Promise<GlobalClusterView | undefined>;
  /** Only clusters of this port's region are visible, as on AWS. */
  describeCluster(clusterArn: string): Promise<ClusterView | undefined>;
  /**
   * Unplanned: sent as `AllowDataLoss=true`, and only with the Failover's consent. Without it the
   * port refuses and sends nothing: omitting AllowDataLoss would mean a switchover, which blocks on
   * a dead primary (failover-anchors §0.3).
   */
  failoverGlobalCluster(
    globalClusterId: string,
    targetClusterArn: string,
    consent: DataLossConsent,
  ): Promise<void>;
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

export interface HostedZoneView {
  /** Without the `/hostedzone/` prefix. */
  id: string;
  /** With the trailing dot, as Route 53 lists it. */
  name: string;
  privateZone: boolean;
}

/** One record set of a name and type (a failover name has one per region, told apart by setIdentifier). */
export interface RecordSetView {
  name: string;
  type: string;
  setIdentifier?: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  healthCheckId?: string;
  /** An alias record's target DNS name; alias records have no values and no TTL of their own. */
  aliasTarget?: string;
  ttlSeconds?: number;
  values: string[];
}

export interface HealthCheckView {
  id: string;
  type: string;
  /** A CALCULATED check's members and how many of them must be healthy. */
  childHealthCheckIds: string[];
  healthThreshold?: number;
  inverted: boolean;
  disabled: boolean;
}

/** What one Route 53 health checker last reported. */
export interface HealthCheckerReport {
  checkerRegion: string;
  /** Route 53's own words, e.g. `Success: HTTP Status Code 200, OK` or `Failure: Connection timed out.`. */
  status: string;
  checkedAt?: Date;
}

/** What Route 53's name servers answer for a name and type now. */
export interface DnsAnswerView {
  responseCode: string;
  values: string[];
}

/**
 * Route 53 reads (global: its API lives in us-east-1). Read only: the controller moves traffic
 * with CloudWatch alarms that Route 53's health checks read, never with a Route 53 write (ADR
 * 0010). Every call is one short attempt: nothing on the failover path waits for Route 53.
 */
export interface Route53ReadPort {
  /** The public hosted zones named exactly `zoneName` (with or without the trailing dot). */
  publicZonesNamed(zoneName: string): Promise<HostedZoneView[]>;
  /** The record sets of exactly `name` and `type` in the zone. */
  recordSets(zoneId: string, name: string, type: string): Promise<RecordSetView[]>;
  /** Undefined when no such check exists. */
  healthCheck(id: string): Promise<HealthCheckView | undefined>;
  /** Per checker; Route 53 refuses it for CALCULATED checks, whose status is their members'. */
  healthCheckReports(id: string): Promise<HealthCheckerReport[]>;
  /** TestDNSAnswer: Route 53's answer for `name`, as a resolver in us-east-1 would get it. */
  dnsAnswer(zoneId: string, name: string, type: string): Promise<DnsAnswerView>;
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
  /** Route 53 (global, signed for us-east-1), with the best-effort policy: it only informs. */
  route53(): Route53ReadPort;
}

/** Mutating operations, for dry-run listings and for tests that count them. */
export const MUTATING_OPERATIONS = [
  'FailoverGlobalCluster',
  'SwitchoverGlobalCluster',
  'PutMetricData',
  'SetDesiredCapacity',
] as const;
