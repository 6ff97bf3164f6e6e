/**
 * AWS as the failover controller's ports see it, in memory, for engine and step tests that must
 * not need a simulator: one Aurora global cluster, the gate and fence alarms, the Auto Scaling
 * groups and the replication lag of a FailoverPlan. Every call is recorded (reads too, with the
 * region whose endpoint took it), and faults are scripted per operation:
 * - a region can be down (every call to it throws, as a connect timeout would);
 * - the next call of an operation can throw before its effect, or after it (the answer is lost);
 * - promotions can stay pending (FailoverState) until the test completes them;
 * - alarms can follow published metrics at once or only when the test releases them.
 */
import {
  type AutoScalingGroupView,
  type AwsPorts,
  type DataLossConsent,
  type FailoverStateView,
  type GateAlarmView,
  type GlobalClusterView,
  MUTATING_OPERATIONS,
  type RegionalAws,
  type Route53ReadPort,
} from '../../controllers/aws/ports.js';
import type { FailoverPlanSpec } from '../../src/apis/index.js';

export interface FakeCall {
  region: string;
  operation: string;
  /** What a mutating call asked for (target cluster, group and capacity, alarm and value). */
  detail?: string;
  consent?: DataLossConsent;
}

export interface FakeAwsOptions {
  /** Promotions stay in FailoverState until {@link FakeAws.completePromotion}; default: instant. */
  pendingPromotions?: boolean;
  /** Alarms take a published value only once {@link FakeAws.releaseAlarms} is called; default: at once. */
  holdAlarms?: boolean;
  /** Replication lag of the secondary, in ms; undefined: no datapoint. Default 0. */
  lagMs?: number | undefined;
  /** Auto Scaling group sizes; default desired 2, min 0, max 10. */
  group?: Partial<Pick<AutoScalingGroupView, 'desiredCapacity' | 'minSize' | 'maxSize'>>;
}

type Fault = { when: 'before' | 'after'; error: Error };

export class FakeAws {
  readonly calls: FakeCall[] = [];
  /** Regions whose endpoints do not answer. */
  readonly down = new Set<string>();
  writer: string;
  failoverState: FailoverStateView | undefined;
  lagMs: number | undefined;
  readonly alarms = new Map<string, string>();
  /** Published but not yet evaluated metric values (lazy alarms). */
  private readonly published = new Map<string, string>();
  readonly groups = new Map<string, AutoScalingGroupView>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly failing = new Set<string>();
  private readonly options: FakeAwsOptions;
  /** While true, published values wait for {@link releaseAlarms} (a run stops at its first switch wait). */
  holdAlarms: boolean;

  constructor(
    private readonly plan: FailoverPlanSpec,
    options: FakeAwsOptions = {},
  ) {
    this.options = options;
    this.holdAlarms = options.holdAlarms ?? false;
    this.writer = this.memberArn(plan.regions.primary);
    this.lagMs = 'lagMs' in options ? options.lagMs : 0;
    for (const gate of plan.traffic.gates) {
      // Primary serving, standby drained by its gate; fences have no data yet.
      this.alarms.set(gate.alarmName, gate.region === plan.regions.primary ? 'OK' : 'ALARM');
      this.alarms.set(gate.fenceAlarmName, 'INSUFFICIENT_DATA');
    }
    for (const { name } of plan.compute.autoScalingGroups) {
      this.groups.set(name, {
        name,
        desiredCapacity: options.group?.desiredCapacity ?? 2,
        minSize: options.group?.minSize ?? 0,
        maxSize: options.group?.maxSize ?? 10,
        inServiceInstances: options.group?.desiredCapacity ?? 2,
      });
    }
  }

  memberArn(region: string): string {
    const member = this.plan.database.members.find((m) => m.region === region);
    if (!member) throw new Error(`plan has no member in ${region}`);
    return member.clusterArn;
  }

  /** The next `operation` call throws, before its effect or after it (its answer lost). */
  failNext(
    operation: string,
    when: 'before' | 'after' = 'before',
    error = new Error(`${operation}: connection reset`),
  ): void {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), { when, error }]);
  }

  /** Every `operation` call throws (before its effect) until {@link heal}. */
  failAlways(operation: string): void {
    this.failing.add(operation);
  }

  heal(operation: string): void {
    this.failing.delete(operation);
    this.faults.delete(operation);
  }

  /** Aurora finishes the pending promotion: the target becomes the writer. */
  completePromotion(): void {
    if (!this.failoverState?.toClusterArn) throw new Error('no promotion in progress');
    this.writer = this.failoverState.toClusterArn;
    this.failoverState = undefined;
  }

  /** Aurora gives up on the pending promotion: no writer change (RDS event 0187). */
  abandonPromotion(): void {
    this.failoverState = undefined;
  }

  /** CloudWatch evaluates: every published value reaches its alarm, and later ones at once. */
  releaseAlarms(): void {
    for (const [name, state] of this.published) this.alarms.set(name, state);
    this.published.clear();
    this.holdAlarms = false;
  }

  mutatingCalls(): FakeCall[] {
    return this.calls.filter((c) => (MUTATING_OPERATIONS as readonly string[]).includes(c.operation));
  }

  count(operation: string, region?: string): number {
    return this.calls.filter(
      (c) => c.operation === operation && (region === undefined || c.region === region),
    ).length;
  }

  /** Records a call and applies its scripted fault around `effect`. */
  private async call<T>(
    region: string,
    operation: string,
    effect: () => T,
    extra: Omit<FakeCall, 'region' | 'operation'> = {},
  ): Promise<T> {
    this.calls.push({ region, operation, ...extra });
    if (this.down.has(region)) throw new Error(`connect ETIMEDOUT ${operation} ${region}`);
    if (this.failing.has(operation)) throw new Error(`${operation}: Throttling: Rate exceeded`);
    const fault = this.faults.get(operation)?.shift();
    if (fault?.when === 'before') throw fault.error;
    const result = effect();
    if (fault?.when === 'after') throw fault.error;
    return result;
  }

  private globalView(id: string): GlobalClusterView {
    return {
      id,
      members: this.plan.database.members.map((m) => ({
        clusterArn: m.clusterArn,
        isWriter: m.clusterArn === this.writer,
        synchronizationStatus: 'connected',
      })),
      ...(this.failoverState ? { failoverState: { ...this.failoverState } } : {}),
    };
  }

  private promote(target: string, status: string, consent?: DataLossConsent): void {
    if (this.failoverState) throw new Error('InvalidGlobalClusterStateFault: an operation is in progress');
    this.failoverState = {
      status,
      fromClusterArn: this.writer,
      toClusterArn: target,
      dataLossAllowed: consent?.allowDataLoss ?? false,
    };
    if (!this.options.pendingPromotions) this.completePromotion();
  }

  private regional(region: string): RegionalAws {
    return {
      region,
      rds: {
        describeGlobalCluster: (id) =>
          this.call(region, 'DescribeGlobalClusters', () =>
            id === this.plan.database.globalClusterIdentifier ? this.globalView(id) : undefined,
          ),
        describeCluster: (arn) =>
          this.call(region, 'DescribeDBClusters', () =>
            arn.includes(`:${region}:`)
              ? {
                  arn,
                  id: arn.slice(arn.lastIndexOf(':') + 1),
                  status: 'available',
                  endpoint: `${region}.cluster.example`,
                  instanceCount: 2,
                  hasWriterInstance: arn === this.writer,
                }
              : undefined,
          ),
        failoverGlobalCluster: (_id, target, consent) =>
          this.call(region, 'FailoverGlobalCluster', () => this.promote(target, 'failing-over', consent), {
            detail: target,
            consent,
          }),
        switchoverGlobalCluster: (_id, target) =>
          this.call(region, 'SwitchoverGlobalCluster', () => this.promote(target, 'switching-over'), {
            detail: target,
          }),
      },
      autoScaling: {
        describeGroup: (name) =>
          this.call(region, 'DescribeAutoScalingGroups', () => {
            const group = this.groups.get(name);
            return group ? { ...group } : undefined;
          }),
        setDesiredCapacity: (name, desiredCapacity) =>
          this.call(
            region,
            'SetDesiredCapacity',
            () => {
              const group = this.groups.get(name);
              if (!group) throw new Error(`ValidationError: group ${name} not found`);
              this.groups.set(name, { ...group, desiredCapacity, inServiceInstances: desiredCapacity });
            },
            { detail: `${name}=${desiredCapacity}` },
          ),
      },
      cloudWatch: {
        latestReplicationLagMs: () => this.call(region, 'GetMetricData', () => this.lagMs),
        alarmState: (name) => this.call(region, 'DescribeAlarms', () => this.alarms.get(name)),
        describeGateAlarm: (name) =>
          this.call(region, 'DescribeAlarms', (): GateAlarmView | undefined => {
            const state = this.alarms.get(name);
            return state === undefined
              ? undefined
              : { name, state, namespace: 'Switchyard/Traffic', metricName: name, dimensions: [] };
          }),
        publishGate: (alarm, closed) =>
          this.call(
            region,
            'PutMetricData',
            () => {
              const state = closed ? 'ALARM' : 'OK';
              if (this.holdAlarms) this.published.set(alarm.name, state);
              else this.alarms.set(alarm.name, state);
            },
            { detail: `${alarm.name}=${closed ? 1 : 0}` },
          ),
      },
    };
  }

  /** Route 53's answer stays on the region it answers now (resolvers, or checks, that never turn). */
  freezeDns(): void {
    this.frozenAnswer = this.servingRegion();
  }

  private frozenAnswer: string | undefined;

  /** The region Route 53 would answer for the failover name: primary first, while its switches are open. */
  servingRegion(): string | undefined {
    if (this.frozenAnswer) return this.frozenAnswer;
    const serves = (region: string) => {
      const gate = this.plan.traffic.gates.find((g) => g.region === region);
      if (!gate) return false;
      const gateState = this.alarms.get(gate.alarmName);
      const gateOpen =
        gateState === 'OK' || (gateState === 'INSUFFICIENT_DATA' && region === this.plan.regions.primary);
      return gateOpen && this.alarms.get(gate.fenceAlarmName) !== 'ALARM';
    };
    return [this.plan.regions.primary, this.plan.regions.standby].find(serves);
  }

  /** Route 53 (its API in us-east-1): one zone; each region's own name answers one address. */
  private route53(): Route53ReadPort {
    const dns = this.plan.traffic.dns;
    const addressOf = (region: string) => `10.${region === this.plan.regions.primary ? 0 : 1}.0.10`;
    const answer = (name: string) => {
      const own = dns?.regionalRecords.find((r) => r.recordName === name)?.region;
      const region = own ?? (name === dns?.recordName ? this.servingRegion() : undefined);
      return region
        ? { responseCode: 'NOERROR', values: [addressOf(region)] }
        : { responseCode: 'NXDOMAIN', values: [] };
    };
    const region = 'us-east-1';
    return {
      publicZonesNamed: (zoneName) =>
        this.call(region, 'ListHostedZonesByName', () =>
          dns && zoneName.replace(/\.$/, '') === dns.zoneName
            ? [{ id: 'Z0FAKE', name: `${dns.zoneName}.`, privateZone: false }]
            : [],
        ),
      recordSets: () => this.call(region, 'ListResourceRecordSets', () => []),
      healthCheck: () => this.call(region, 'GetHealthCheck', () => undefined),
      healthCheckReports: () => this.call(region, 'GetHealthCheckStatus', () => []),
      dnsAnswer: (_zoneId, name) => this.call(region, 'TestDNSAnswer', () => answer(name)),
    };
  }

  /** Ports for the engine; best-effort ports are the same fake (the deadline is not modelled). */
  ports(): AwsPorts {
    return {
      region: (name) => this.regional(name),
      bestEffort: (name) => this.regional(name),
      route53: () => this.route53(),
    };
  }
}
