/**
 * The ports backed by AWS SDK v3 clients. One client per (region, service, policy); a client is
 * built with its region and, when given, the endpoint override (the simulator serves every region
 * on one URL and tells them apart by the SigV4 credential scope, so the region still decides where
 * a request goes).
 */
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
  type RRType,
  TestDNSAnswerCommand,
} from '@aws-sdk/client-route-53';
import { BEST_EFFORT_POLICY, type CallPolicy, callDeadline, FAILOVER_PATH_POLICY } from './deadline.js';
import {
  type AutoScalingPort,
  type AwsPorts,
  type CloudWatchPort,
  type DataLossConsent,
  DataLossNotConsentedError,
  type GateAlarmView,
  type GlobalClusterView,
  type RdsPort,
  type RegionalAws,
  type Route53ReadPort,
} from './ports.js';

export interface SdkPortsOptions {
  /** Endpoint override (the simulator); real AWS regional endpoints when absent. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** "Now" as AWS sees it, for CloudWatch time windows (the simulator's clock may run ahead). */
  awsNow?: () => number;
  failoverPath?: CallPolicy;
  bestEffort?: CallPolicy;
  /** Least time between two Route 53 calls (default {@link ROUTE53_CALL_SPACING_MS}). */
  route53CallSpacingMs?: number;
}

/** Route 53's API answers five requests a second per account, and throttles the rest. */
export const ROUTE53_CALL_SPACING_MS = 200;

interface ClientSettings {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
}

export function sdkAwsPorts(options: SdkPortsOptions = {}): AwsPorts {
  const cache = new Map<string, RegionalAws>();
  const build = (region: string, policy: CallPolicy): RegionalAws => {
    const key = `${region}/${policy.timeoutMs}/${policy.maxAttempts}`;
    let ports = cache.get(key);
    if (!ports) {
      const settings: ClientSettings = {
        region,
        maxAttempts: policy.maxAttempts,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      };
      ports = {
        region,
        // Promotions get a client without SDK retries: after a lost response the engine re-reads
        // FailoverState before re-sending, so a one-way call reaches AWS once (pitfall: double promotion).
        rds: new SdkRds(new RDSClient(settings), new RDSClient({ ...settings, maxAttempts: 1 }), policy),
        autoScaling: new SdkAutoScaling(new AutoScalingClient(settings), policy),
        cloudWatch: new SdkCloudWatch(new CloudWatchClient(settings), policy, options.awsNow ?? Date.now),
      };
      cache.set(key, ports);
    }
    return ports;
  };
  let route53: Route53ReadPort | undefined;
  return {
    region: (name) => build(name, options.failoverPath ?? FAILOVER_PATH_POLICY),
    bestEffort: (name) => build(name, options.bestEffort ?? BEST_EFFORT_POLICY),
    route53: () => {
      const policy = options.bestEffort ?? BEST_EFFORT_POLICY;
      route53 ??= new SdkRoute53(
        new Route53Client({
          // Route 53's API is global and lives in us-east-1: requests are signed for it.
          region: 'us-east-1',
          maxAttempts: policy.maxAttempts,
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.credentials ? { credentials: options.credentials } : {}),
        }),
        policy,
        new CallSpacing(options.route53CallSpacingMs ?? ROUTE53_CALL_SPACING_MS),
      );
      return route53;
    },
  };
}

/** AWS error names that mean "it does not exist", which the ports answer as undefined/false. */
function isNotFound(error: unknown, ...names: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (name !== undefined && names.includes(name)) || $metadata?.httpStatusCode === 404;
}

class SdkRds implements RdsPort {
  constructor(
    private readonly client: RDSClient,
    private readonly promotionClient: RDSClient,
    private readonly policy: CallPolicy,
  ) {}

  async describeGlobalCluster(globalClusterId: string): Promise<GlobalClusterView | undefined> {
    try {
      const out = await this.client.send(
        new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterId }),
        { abortSignal: callDeadline(this.policy) },
      );
      const global = out.GlobalClusters?.[0];
      if (!global) return undefined;
      const state = global.FailoverState;
      return {
        id: global.GlobalClusterIdentifier ?? globalClusterId,
        members: (global.GlobalClusterMembers ?? []).map((m) => ({
          clusterArn: m.DBClusterArn ?? '',
          isWriter: m.IsWriter === true,
          ...(m.SynchronizationStatus ? { synchronizationStatus: m.SynchronizationStatus } : {}),
        })),
        ...(state?.Status
          ? {
              failoverState: {
                status: state.Status,
                ...(state.FromDbClusterArn ? { fromClusterArn: state.FromDbClusterArn } : {}),
                ...(state.ToDbClusterArn ? { toClusterArn: state.ToDbClusterArn } : {}),
                ...(state.IsDataLossAllowed !== undefined
                  ? { dataLossAllowed: state.IsDataLossAllowed }
                  : {}),
              },
            }
          : {}),
      };
    } catch (error) {
      if (isNotFound(error, 'GlobalClusterNotFoundFault')) return undefined;
      throw error;
    }
  }

  async describeCluster(clusterArn: string) {
    try {
      const out = await this.client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn }), {
        abortSignal: callDeadline(this.policy),
      });
      const cluster = out.DBClusters?.[0];
      if (!cluster) return undefined;
      const members = cluster.DBClusterMembers ?? [];
      return {
        arn: cluster.DBClusterArn ?? clusterArn,
        id: cluster.DBClusterIdentifier ?? '',
        status: cluster.Status ?? 'unknown',
        ...(cluster.Endpoint ? { endpoint: cluster.Endpoint } : {}),
        ...(cluster.EngineVersion ? { engineVersion: cluster.EngineVersion } : {}),
        instanceCount: members.length,
        hasWriterInstance: members.some((m) => m.IsClusterWriter === true),
      };
    } catch (error) {
      if (isNotFound(error, 'DBClusterNotFoundFault')) return undefined;
      throw error;
    }
  }

  async failoverGlobalCluster(
    globalClusterId: string,
    targetClusterArn: string,
    consent: DataLossConsent,
  ): Promise<void> {
    // The flag is never omitted (that would be a switchover) and never sent without consent.
    if (consent.allowDataLoss !== true) throw new DataLossNotConsentedError(globalClusterId);
    await this.promotionClient.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: globalClusterId,
        // An ARN, so Aurora can locate the cluster in its region (failover-anchors §1.1).
        TargetDbClusterIdentifier: targetClusterArn,
        AllowDataLoss: consent.allowDataLoss,
      }),
      { abortSignal: callDeadline(this.policy) },
    );
  }

  async switchoverGlobalCluster(globalClusterId: string, targetClusterArn: string): Promise<void> {
    await this.promotionClient.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: globalClusterId,
        TargetDbClusterIdentifier: targetClusterArn,
      }),
      { abortSignal: callDeadline(this.policy) },
    );
  }
}

class SdkAutoScaling implements AutoScalingPort {
  constructor(
    private readonly client: AutoScalingClient,
    private readonly policy: CallPolicy,
  ) {}

  async describeGroup(name: string) {
    const out = await this.client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
      {
        abortSignal: callDeadline(this.policy),
      },
    );
    const group = out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
    if (!group) return undefined;
    return {
      name,
      desiredCapacity: group.DesiredCapacity ?? 0,
      minSize: group.MinSize ?? 0,
      maxSize: group.MaxSize ?? 0,
      inServiceInstances: (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
    };
  }

  async setDesiredCapacity(name: string, desiredCapacity: number): Promise<void> {
    await this.client.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: name, DesiredCapacity: desiredCapacity }),
      { abortSignal: callDeadline(this.policy) },
    );
  }
}

/** How far back the newest lag datapoint may lie; CloudWatch publishes Aurora lag every minute. */
const LAG_LOOKBACK_MS = 5 * 60_000;

class SdkCloudWatch implements CloudWatchPort {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly policy: CallPolicy,
    private readonly now: () => number,
  ) {}

  async latestReplicationLagMs(clusterId: string): Promise<number | undefined> {
    const now = this.now();
    const query = (id: string, metricName: string) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/RDS',
          MetricName: metricName,
          Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }],
        },
        Period: 60,
        // Maximum: the budget is about the worst lag of the minute, not its average.
        Stat: 'Maximum',
      },
    });
    const out = await this.client.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - LAG_LOOKBACK_MS),
        EndTime: new Date(now + 60_000),
        ScanBy: 'TimestampDescending',
        // RPO lag is the metric for Aurora MySQL >= 3.04; replication lag for older engines (anchors §0.4).
        MetricDataQueries: [
          query('rpo', 'AuroraGlobalDBRPOLag'),
          query('replication', 'AuroraGlobalDBReplicationLag'),
        ],
      }),
      { abortSignal: callDeadline(this.policy) },
    );
    for (const id of ['rpo', 'replication']) {
      const value = out.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0];
      if (value !== undefined) return value;
    }
    return undefined;
  }

  async alarmState(alarmName: string): Promise<string | undefined> {
    const out = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }), {
      abortSignal: callDeadline(this.policy),
    });
    return out.MetricAlarms?.find((a) => a.AlarmName === alarmName)?.StateValue;
  }

  async describeGateAlarm(alarmName: string): Promise<GateAlarmView | undefined> {
    const out = await this.client.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName] }), {
      abortSignal: callDeadline(this.policy),
    });
    const alarm = out.MetricAlarms?.find((a) => a.AlarmName === alarmName);
    if (!alarm) return undefined;
    if (!alarm.Namespace || !alarm.MetricName) {
      throw new Error(`alarm ${alarmName} watches a metric query, not one metric; a gate needs one metric`);
    }
    return {
      name: alarmName,
      state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
      namespace: alarm.Namespace,
      metricName: alarm.MetricName,
      dimensions: (alarm.Dimensions ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' })),
    };
  }

  async publishGate(alarm: GateAlarmView, closed: boolean): Promise<void> {
    await this.client.send(
      new PutMetricDataCommand({
        Namespace: alarm.namespace,
        MetricData: [
          {
            MetricName: alarm.metricName,
            Dimensions: alarm.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
            Value: closed ? 1 : 0,
            // High resolution, so a 10-second alarm period sees the datapoint.
            StorageResolution: 1,
          },
        ],
      }),
      { abortSignal: callDeadline(this.policy) },
    );
  }
}

/** Starts calls one at a time, at least `spacingMs` apart (a call may still be running when the next starts). */
export class CallSpacing {
  private queue: Promise<void> = Promise.resolve();
  private nextStart = 0;

  constructor(private readonly spacingMs: number) {}

  run<T>(call: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(async () => {
      const wait = this.nextStart - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.nextStart = Date.now() + this.spacingMs;
    });
    this.queue = turn;
    return turn.then(call);
  }
}

/** Route 53 lists names lowercase with the trailing dot, and `*` as `\052`. */
const dnsName = (name: string) => {
  const lower = name.toLowerCase().replace(/\\052/g, '*');
  return lower.endsWith('.') ? lower : `${lower}.`;
};

/** Enough for a name's failover, weighted or latency sets (one per region) in one page. */
const RECORD_SETS_PAGE = 20;
/** A public and a private zone (or two public ones) may share a name. */
const ZONES_PAGE = 10;

class SdkRoute53 implements Route53ReadPort {
  constructor(
    private readonly client: Route53Client,
    private readonly policy: CallPolicy,
    private readonly spacing: CallSpacing,
  ) {}

  async publicZonesNamed(zoneName: string) {
    // Zones are listed in name order from DNSName on; the first page holds every zone of that name.
    const out = await this.spacing.run(() =>
      this.client.send(new ListHostedZonesByNameCommand({ DNSName: zoneName, MaxItems: ZONES_PAGE }), {
        abortSignal: callDeadline(this.policy),
      }),
    );
    return (out.HostedZones ?? [])
      .filter((zone) => dnsName(zone.Name ?? '') === dnsName(zoneName) && zone.Config?.PrivateZone !== true)
      .map((zone) => ({
        id: (zone.Id ?? '').replace(/^\/hostedzone\//, ''),
        name: zone.Name ?? '',
        privateZone: false,
      }));
  }

  async recordSets(zoneId: string, name: string, type: string) {
    const out = await this.spacing.run(() =>
      this.client.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          StartRecordName: name,
          StartRecordType: type as RRType,
          MaxItems: RECORD_SETS_PAGE,
        }),
        { abortSignal: callDeadline(this.policy) },
      ),
    );
    return (out.ResourceRecordSets ?? [])
      .filter((set) => dnsName(set.Name ?? '') === dnsName(name) && set.Type === type)
      .map((set) => ({
        name: set.Name ?? name,
        type,
        ...(set.SetIdentifier ? { setIdentifier: set.SetIdentifier } : {}),
        ...(set.Failover ? { failover: set.Failover } : {}),
        ...(set.HealthCheckId ? { healthCheckId: set.HealthCheckId } : {}),
        ...(set.AliasTarget?.DNSName ? { aliasTarget: set.AliasTarget.DNSName } : {}),
        ...(set.TTL !== undefined ? { ttlSeconds: set.TTL } : {}),
        values: (set.ResourceRecords ?? []).flatMap((record) => (record.Value ? [record.Value] : [])),
      }));
  }

  async healthCheck(id: string) {
    try {
      const out = await this.spacing.run(() =>
        this.client.send(new GetHealthCheckCommand({ HealthCheckId: id }), {
          abortSignal: callDeadline(this.policy),
        }),
      );
      const config = out.HealthCheck?.HealthCheckConfig;
      if (!config) return undefined;
      return {
        id,
        type: config.Type ?? 'unknown',
        childHealthCheckIds: config.ChildHealthChecks ?? [],
        ...(config.HealthThreshold !== undefined ? { healthThreshold: config.HealthThreshold } : {}),
        inverted: config.Inverted === true,
        disabled: config.Disabled === true,
      };
    } catch (error) {
      if (isNotFound(error, 'NoSuchHealthCheck')) return undefined;
      throw error;
    }
  }

  async healthCheckReports(id: string) {
    const out = await this.spacing.run(() =>
      this.client.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }), {
        abortSignal: callDeadline(this.policy),
      }),
    );
    return (out.HealthCheckObservations ?? []).map((observation) => ({
      checkerRegion: observation.Region ?? 'unknown',
      status: observation.StatusReport?.Status ?? '',
      ...(observation.StatusReport?.CheckedTime ? { checkedAt: observation.StatusReport.CheckedTime } : {}),
    }));
  }

  async dnsAnswer(zoneId: string, name: string, type: string) {
    const out = await this.spacing.run(() =>
      this.client.send(
        new TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: name, RecordType: type as RRType }),
        { abortSignal: callDeadline(this.policy) },
      ),
    );
    return { responseCode: out.ResponseCode ?? 'unknown', values: out.RecordData ?? [] };
  }
}
