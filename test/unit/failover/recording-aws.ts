/**
 * The failover engine over in-memory AWS ports that record every mutating call (with the consent
 * FailoverGlobalCluster was given), for tests that walk the real step lists without a simulator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type {
  AwsPorts,
  DataLossConsent,
  GateAlarmView,
  GlobalClusterView,
  RegionalAws,
  Route53ReadPort,
} from '../../../controllers/aws/ports.js';
import { type AdvanceResult, advance } from '../../../controllers/failover/engine.js';
import type { ExecutionContext, Step } from '../../../controllers/failover/model.js';
import { isTerminal } from '../../../controllers/failover/phase.js';
import { stepsFor } from '../../../controllers/failover/step-lists.js';
import {
  type Failover,
  FailoverPlanResource,
  type FailoverPlanSpec,
  type FailoverSpec,
  type FailoverStatus,
} from '../../../src/apis/index.js';

const examples = join(import.meta.dirname, '../../../examples/failover');
export const plan: FailoverPlanSpec = FailoverPlanResource.parse(
  parse(readFileSync(join(examples, 'failover-plan.yaml'), 'utf8')),
).spec;
export const CREATED = '2026-11-25T03:00:00Z';
export const NOW = new Date('2026-11-25T03:05:00Z');
const arnIn = (region: string) => {
  const member = plan.database.members.find((m) => m.region === region);
  if (!member) throw new Error(`no member in ${region}`);
  return member.clusterArn;
};

export { UNPLANNED_SPEC } from '../../support/engine-run.js';

export interface RecordedCall {
  region: string;
  operation: string;
  consent?: DataLossConsent;
}

/**
 * AWS as the ports see it, in memory: us-east-1 writes, us-east-2 is the secondary; mutating calls
 * recorded. `lagMs` answers each lag read (a function for a lag that moves between reads).
 */
export function recordingAws(lagMs: number | (() => number)): { ports: AwsPorts; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  let writer = arnIn(plan.regions.primary);
  const alarms = new Map<string, string>();
  const desired = new Map<string, number>();
  const regional = (region: string): RegionalAws => ({
    region,
    rds: {
      async describeGlobalCluster(id): Promise<GlobalClusterView> {
        return {
          id,
          members: plan.database.members.map((m) => ({
            clusterArn: m.clusterArn,
            isWriter: m.clusterArn === writer,
            synchronizationStatus: 'connected',
          })),
        };
      },
      async describeCluster(arn) {
        return {
          arn,
          id: arn.slice(arn.lastIndexOf(':') + 1),
          status: 'available',
          endpoint: `${region}.cluster.example`,
          instanceCount: 1,
          hasWriterInstance: true,
        };
      },
      async failoverGlobalCluster(_id, target, consent) {
        calls.push({ region, operation: 'FailoverGlobalCluster', consent });
        writer = target;
      },
      async switchoverGlobalCluster(_id, target) {
        calls.push({ region, operation: 'SwitchoverGlobalCluster' });
        writer = target;
      },
    },
    autoScaling: {
      async describeGroup(name) {
        const capacity = desired.get(name) ?? 1;
        return { name, desiredCapacity: capacity, minSize: 0, maxSize: 10, inServiceInstances: capacity };
      },
      async setDesiredCapacity(name, capacity) {
        calls.push({ region, operation: 'SetDesiredCapacity' });
        desired.set(name, capacity);
      },
    },
    cloudWatch: {
      async latestReplicationLagMs() {
        return typeof lagMs === 'number' ? lagMs : lagMs();
      },
      async alarmState(name) {
        return alarms.get(name) ?? 'OK';
      },
      async describeGateAlarm(name): Promise<GateAlarmView> {
        return {
          name,
          state: alarms.get(name) ?? 'OK',
          namespace: 'Switchyard',
          metricName: name,
          dimensions: [],
        };
      },
      async publishGate(alarm, closed) {
        calls.push({ region, operation: 'PutMetricData' });
        alarms.set(alarm.name, closed ? 'ALARM' : 'OK');
      },
    },
  });
  // No hosted zone: verify-dns, which only reads Route 53, skips here.
  const route53: Route53ReadPort = {
    publicZonesNamed: async () => [],
    recordSets: async () => [],
    healthCheck: async () => undefined,
    healthCheckReports: async () => [],
    dnsAnswer: async () => ({ responseCode: 'NXDOMAIN', values: [] }),
  };
  return { ports: { region: regional, bestEffort: regional, route53: () => route53 }, calls };
}

export const failoverOf = (spec: FailoverSpec): Failover => ({
  apiVersion: 'failover.switchyard.dev/v1alpha1',
  kind: 'Failover',
  metadata: { name: 'f', namespace: 'trading', creationTimestamp: CREATED, resourceVersion: '1' },
  spec,
});

/** One execution driven the way the reconciler drives it; `writes` counts status writes. */
export class Execution {
  failover: Failover;
  writes = 0;
  constructor(
    spec: FailoverSpec,
    private readonly ports: AwsPorts,
  ) {
    this.failover = failoverOf(spec);
  }

  /** Changes the spec as a person would (kubectl patch), keeping the status. */
  patchSpec(spec: Partial<FailoverSpec>): void {
    this.failover = { ...this.failover, spec: { ...this.failover.spec, ...spec } };
  }

  /** One reconcile. */
  async advance(): Promise<AdvanceResult> {
    const spec = this.failover.spec;
    const target = spec.targetRegion;
    const steps: Step[] = stepsFor(spec, plan);
    const context: Omit<ExecutionContext, 'journal' | 'observedLag' | 'failover'> = {
      spec,
      plan,
      target,
      other: target === plan.regions.primary ? plan.regions.standby : plan.regions.primary,
      aws: this.ports,
      regionHealth: () => [],
      automatic: false,
      now: () => NOW,
    };
    return advance(this.failover, {
      steps,
      context,
      persist: async (_read: Failover, status: FailoverStatus) => {
        this.writes++;
        this.failover = { ...this.failover, status };
        return this.failover;
      },
      event: async () => undefined,
      acquireLock: async (held: Failover) => ({ held: true, failover: held }),
      options: { maxStepAttempts: 3, pollIntervalMs: 0, waitTimeoutMs: 60_000, recheckIntervalMs: 0 },
    });
  }

  /** Reconciles until the execution ends or waits for a person. */
  async settle(): Promise<Failover> {
    for (let round = 0; round < 50; round++) {
      const result = await this.advance();
      const phase = this.failover.status?.phase;
      if (isTerminal(phase) || phase === 'AwaitingApproval' || result.requeueAfterMs === undefined) break;
    }
    return this.failover;
  }
}

/** Runs one execution of `spec` at a fixed lag until it ends or waits for a person. */
export async function execute(spec: FailoverSpec, lagMs: number) {
  const { ports, calls } = recordingAws(lagMs);
  const failover = await new Execution(spec, ports).settle();
  return { failover, calls };
}
