/**
 * The controller over the wire: kubectl applies a FailoverPlan and Failovers to the embedded
 * Kubernetes API, the controller (client-node informers, /status merge patches, Events) drives the
 * AWS simulator through the SDK, and the simulator's journal says which calls reached which region.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningController, startController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { waitFor } from '../aws/support.js';
import { GATE_OF_USE1, GATE_OF_USE2, gateClosed, mutatingCalls, writerOf } from './estate.js';
import {
  conditionOf,
  exampleIn,
  getPlanStatus,
  journalOf,
  type KubeSide,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
  waitForFailover,
} from './platform.js';

let side: KubeSide;
let sim: AwsSimulator | undefined;
let controller: RunningController | undefined;
let namespaceCount = 0;

beforeAll(async () => {
  side = await startKubeSide();
});
afterAll(async () => side?.close());
afterEach(async () => {
  await controller?.stop();
  await sim?.close();
  controller = undefined;
  sim = undefined;
});

/** A fresh namespace with the example plan, a fresh seeded simulator, and a running controller. */
async function setUp(httpPort?: number): Promise<{ ns: string; sim: AwsSimulator }> {
  const ns = `t${++namespaceCount}`;
  await side.ok(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
  );
  await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
  sim = await startSeededSimulator();
  controller = await startController({
    ...testControllerOptions(side, sim),
    ...(httpPort === undefined ? {} : { httpPort }),
  });
  sim.journal.clear();
  return { ns, sim };
}

/** The test stands in for the health probes: both vantages report the region down. */
async function reportRegionDown(ns: string, region: string) {
  for (const vantage of ['cluster-use1', 'cluster-use2']) {
    const name = `${region}-from-${vantage}`;
    await side.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'failover.switchyard.dev/v1alpha1',
        kind: 'RegionHealth',
        metadata: { name, namespace: ns },
        spec: {
          region,
          vantage,
          probes: [{ name: 'alb', type: 'TCP', tcp: { host: `api.${region}.example.com`, port: 443 } }],
        },
      }),
    );
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await side.ok([
      'patch',
      'regionhealth',
      name,
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          healthy: false,
          signals: [{ name: 'alb', healthy: false, lastTransitionTime: now, lastProbeTime: now }],
        },
      }),
    ]);
  }
}

describe('planned switchover', () => {
  it('kubectl apply → Succeeded; SwitchoverGlobalCluster on the primary, new writer, gates flipped, plan roles updated', async () => {
    const { ns, sim } = await setUp();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-switchover.yaml', ns));
    const name = 'trading-switchover-2026-11-25';
    await side.ok(['wait', `--for=condition=Succeeded`, '--timeout=30s', '-n', ns, `failover/${name}`]);

    const failover = await waitForFailover(
      side,
      ns,
      name,
      (f) => f.status?.phase === 'Succeeded',
      'Succeeded',
    );
    expect(journalOf(failover)).toEqual([
      { name: 'preflight', state: 'Succeeded', region: 'us-east-1' },
      { name: 'lag-gate', state: 'Succeeded', region: 'us-east-2' },
      { name: 'switchover', state: 'Succeeded', region: 'us-east-1' },
      { name: 'wait-writer', state: 'Succeeded', region: 'us-east-2' },
      { name: 'drain-old-primary', state: 'Succeeded', region: 'us-east-2' },
      { name: 'open-new-primary', state: 'Succeeded', region: 'us-east-1' },
      { name: 'old-primary-drained', state: 'Succeeded', region: 'us-east-2' },
      { name: 'new-primary-open', state: 'Succeeded', region: 'us-east-1' },
    ]);
    for (const entry of failover.status?.journal ?? []) {
      expect(entry.startedAt).toBeDefined();
      expect(entry.finishedAt).toBeDefined();
      expect(entry.attempts).toBeGreaterThanOrEqual(1);
    }
    expect(failover.status?.recoveryTimeSeconds).toBeGreaterThanOrEqual(0);
    expect(failover.status?.observedLag?.replicationLagMilliseconds).toBeLessThanOrEqual(5000);
    expect(conditionOf(failover, 'TargetRegionValid')?.status).toBe('True');
    expect(conditionOf(failover, 'Ready')?.status).toBe('True');

    expect(await writerOf(sim)).toBe('trading-use2');
    expect(
      sim.journal.list({ operation: 'SwitchoverGlobalCluster' }).map((e) => [e.region, e.outcome]),
    ).toEqual([['us-east-1', 'ok']]);
    expect(sim.journal.list({ operation: 'FailoverGlobalCluster' })).toHaveLength(0);
    expect(await gateClosed(sim, GATE_OF_USE1)).toBe(true);
    expect(await gateClosed(sim, GATE_OF_USE2)).toBe(false);
    expect(sim.journal.list({ service: 'route53' })).toHaveLength(0);

    const plan = await waitFor(async () => {
      const status = await getPlanStatus(side, ns);
      return (status?.lastExecution as { phase?: string } | undefined)?.phase === 'Succeeded' && status;
    }, 'the plan to record the switchover');
    expect(plan).toMatchObject({
      currentRoles: { primary: 'us-east-2', standby: 'us-east-1' },
      lastExecution: { name, type: 'Switchover', phase: 'Succeeded' },
    });
    const described = await side.ok(['describe', 'failover', name, '-n', ns]);
    expect(described).toMatch(/StepSucceeded\s+.*switchover: SwitchoverGlobalCluster accepted by us-east-1/);
  });
});

describe('unplanned failover', () => {
  it('with us-east-1 down: Succeeded, 0 requests to us-east-1, 0 Route 53 calls, one FailoverGlobalCluster on us-east-2', async () => {
    const { ns, sim } = await setUp();
    await reportRegionDown(ns, 'us-east-1');
    sim.faults.apply('region-down', ['us-east-1']);
    sim.journal.clear();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns));
    const name = 'trading-failover-use1-outage';
    await side.ok(['wait', '--for=condition=Succeeded', '--timeout=30s', '-n', ns, `failover/${name}`]);

    const failover = await waitForFailover(
      side,
      ns,
      name,
      (f) => f.status?.phase === 'Succeeded',
      'Succeeded',
    );
    expect(journalOf(failover)).toEqual([
      { name: 'preflight', state: 'Succeeded', region: 'us-east-2' },
      { name: 'approval', state: 'Succeeded', region: undefined },
      { name: 'fence', state: 'Succeeded', region: 'us-east-2' },
      { name: 'scale-down-old', state: 'Skipped', region: 'us-east-1' },
      { name: 'scale-up', state: 'Succeeded', region: 'us-east-2' },
      { name: 'fenced', state: 'Succeeded', region: 'us-east-2' },
      { name: 'promote', state: 'Succeeded', region: 'us-east-2' },
      { name: 'wait-writer', state: 'Succeeded', region: 'us-east-2' },
      { name: 'verify', state: 'Succeeded', region: 'us-east-2' },
    ]);
    const entry = (step: string) => failover.status?.journal?.find((e) => e.name === step);
    // Cut off from its writer, the secondary's lag grows past the 5 s budget: the approval is recorded.
    expect(entry('approval')?.message).toMatch(
      /exceeds the RPO budget 5\.0 s; approved by oncall-trading-platform at 2026-11-25T03:12:00Z/,
    );
    expect(entry('scale-down-old')?.message).toMatch(/not called: us-east-1 is reported unhealthy/);
    expect(failover.status?.recoveryTimeSeconds).toBeGreaterThanOrEqual(0);
    expect(failover.status?.observedLag?.rpoSeconds).toBeGreaterThan(5);

    expect(sim.journal.list({ region: 'us-east-1' })).toEqual([]);
    expect(sim.journal.list({ service: 'route53' })).toEqual([]);
    expect(
      sim.journal.list({ operation: 'FailoverGlobalCluster' }).map((e) => [e.region, e.outcome]),
    ).toEqual([['us-east-2', 'ok']]);
    expect(await writerOf(sim)).toBe('trading-use2');
    expect(await gateClosed(sim, GATE_OF_USE1)).toBe(true);
  });

  it('with us-east-1 blackholed and no health report: the best-effort scale-down ends at its deadline and never blocks', async () => {
    const { ns, sim } = await setUp();
    sim.faults.apply('region-down', ['us-east-1', 'blackhole']);
    sim.journal.clear();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns));
    const failover = await waitForFailover(
      side,
      ns,
      'trading-failover-use1-outage',
      (f) => f.status?.phase === 'Succeeded',
      'Succeeded',
      20_000,
    );
    expect(failover.status?.journal?.find((e) => e.name === 'scale-down-old')).toMatchObject({
      state: 'Skipped',
      message: expect.stringMatching(/best effort, not blocking: us-east-1 did not answer/),
    });
    expect(sim.journal.list({ region: 'us-east-1', outcome: 'ok' })).toEqual([]);
    expect(sim.journal.list({ service: 'route53' })).toEqual([]);
    expect(await writerOf(sim)).toBe('trading-use2');
  });

  it('lag above the budget and no approval: AwaitingApproval, 0 mutating calls', async () => {
    const { ns, sim } = await setUp();
    sim.faults.apply('region-down', ['us-east-1']);
    await side.ok(
      ['apply', '-f', '-'],
      exampleIn('failover-unplanned.yaml', ns, (t) => t.replace(/ {2}approval:\n.*\n.*\n/, '')),
    );
    const failover = await waitForFailover(
      side,
      ns,
      'trading-failover-use1-outage',
      (f) => f.status?.phase === 'AwaitingApproval',
      'AwaitingApproval',
    );
    expect(conditionOf(failover, 'AwaitingApproval')).toMatchObject({
      status: 'True',
      reason: 'ApprovalRequired',
    });
    expect(conditionOf(failover, 'AwaitingApproval')?.message).toMatch(/exceeds the RPO budget/);
    expect(mutatingCalls(sim)).toEqual([]);
  });
});

describe('one active execution per plan', () => {
  it('a second Failover waits with a clear condition while the first acts, then finds the work done', async () => {
    const { ns, sim } = await setUp();
    // Slow RDS (0.3 s per call) keeps the first execution busy long enough to observe the second.
    sim.faults.apply('latency', ['rds', '3000000']);
    const unplanned = (name: string) =>
      exampleIn('failover-unplanned.yaml', ns, (t) =>
        t.replace('name: trading-failover-use1-outage', `name: ${name}`),
      );
    await side.ok(['apply', '-f', '-'], unplanned('first'));
    await waitFor(
      async () => (await getPlanStatus(side, ns))?.lastExecution,
      'the first to take the plan lock',
    );
    await side.ok(['apply', '-f', '-'], unplanned('second'));
    const waitingSecond = await waitForFailover(
      side,
      ns,
      'second',
      (f) => f.status?.phase === 'Pending',
      'second waiting',
    );
    expect(conditionOf(waitingSecond, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'WaitingForActiveExecution',
      message: 'plan trading is being executed by Failover first; this one waits for it to finish',
    });
    sim.faults.apply('latency', ['rds', '0']);
    await waitForFailover(side, ns, 'first', (f) => f.status?.phase === 'Succeeded', 'first Succeeded');
    const second = await waitForFailover(
      side,
      ns,
      'second',
      (f) => f.status?.phase === 'Succeeded',
      'second Succeeded',
    );
    expect(second.status?.journal?.find((e) => e.name === 'promote')?.message).toMatch(/already the writer/);
    expect(sim.journal.list({ operation: 'FailoverGlobalCluster' })).toHaveLength(1);
    // The lock is released right after the final status write.
    await waitFor(async () => {
      const last = (await getPlanStatus(side, ns))?.lastExecution as
        | { name?: string; phase?: string }
        | undefined;
      return last?.name === 'second' && last.phase === 'Succeeded';
    }, 'the plan to record the second execution');
  });
});

describe('dry run and refusals', () => {
  it('dry run: the journal lists every call it would make, none is made; /metrics counts the steps', async () => {
    const { ns, sim } = await setUp(0);
    await side.ok(['apply', '-f', '-'], exampleIn('failover-dry-run.yaml', ns));
    const name = 'trading-failover-drill';
    await side.ok(['wait', '--for=condition=Succeeded', '--timeout=30s', '-n', ns, `failover/${name}`]);
    const failover = await waitForFailover(
      side,
      ns,
      name,
      (f) => f.status?.phase === 'Succeeded',
      'Succeeded',
    );
    expect(conditionOf(failover, 'Succeeded')?.reason).toBe('DryRunCompleted');
    const journal = failover.status?.journal ?? [];
    expect(journal[0]).toMatchObject({ name: 'preflight', state: 'Succeeded' });
    expect(journal.find((e) => e.name === 'promote')?.message).toBe(
      'dry run: would FailoverGlobalCluster(AllowDataLoss=true) to us-east-2 on the us-east-2 endpoint',
    );
    expect(
      journal.slice(2).every((e) => e.state === 'Skipped' && e.message?.startsWith('dry run: would')),
    ).toBe(true);
    expect(failover.status?.recoveryTimeSeconds).toBeUndefined();
    expect(mutatingCalls(sim)).toEqual([]);
    expect(await writerOf(sim)).toBe('trading-use1');
    expect((await getPlanStatus(side, ns))?.lastExecution).toBeUndefined();

    const base = controller?.httpUrl ?? '';
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('switchyard_failover_steps_total{step="preflight",outcome="succeeded"} 1');
    expect(metrics).toContain('switchyard_failover_steps_total{step="approval",outcome="skipped"} 1');
    expect(metrics).toMatch(
      /switchyard_failover_duration_seconds_count\{type="Failover",outcome="Succeeded"\} 1/,
    );
    expect(metrics).toContain('switchyard_reconcile_errors_total');
  });

  it('a target outside the plan, a missing plan and a cluster missing in AWS end Failed with a clear message and 0 mutating calls', async () => {
    const { ns, sim } = await setUp();
    const variants = [
      {
        name: 'outside',
        edit: (t: string) => t.replace('targetRegion: us-east-2', 'targetRegion: eu-west-1'),
        reason: 'TargetRegionInvalid',
        message: /targetRegion eu-west-1 is not a region of plan trading \(us-east-1, us-east-2\)/,
      },
      {
        name: 'no-plan',
        edit: (t: string) => t.replace('name: trading\n  type', 'name: nowhere\n  type'),
        reason: 'PlanNotFound',
        message: /FailoverPlan .*\/nowhere does not exist/,
      },
    ];
    for (const v of variants) {
      await side.ok(
        ['apply', '-f', '-'],
        exampleIn('failover-unplanned.yaml', ns, (t) =>
          v.edit(t).replace('name: trading-failover-use1-outage', `name: ${v.name}`),
        ),
      );
    }
    for (const v of variants) {
      const failover = await waitForFailover(
        side,
        ns,
        v.name,
        (f) => f.status?.phase === 'Failed',
        `${v.name} Failed`,
      );
      expect(conditionOf(failover, 'Failed')).toMatchObject({
        status: 'True',
        reason: v.reason,
        message: expect.stringMatching(v.message),
      });
    }
    expect(
      conditionOf(await waitForFailover(side, ns, 'outside', () => true, 'outside'), 'TargetRegionValid')
        ?.status,
    ).toBe('False');

    // A plan whose global cluster does not exist in AWS fails at preflight.
    await side.ok(
      ['apply', '-f', '-'],
      exampleIn('failover-plan.yaml', ns, (t) =>
        t.replace('name: trading\n', 'name: ghost\n').replace('trading-global', 'ghost-global'),
      ),
    );
    await side.ok(
      ['apply', '-f', '-'],
      exampleIn('failover-unplanned.yaml', ns, (t) =>
        t
          .replace('name: trading\n  type', 'name: ghost\n  type')
          .replace('name: trading-failover-use1-outage', 'name: ghost'),
      ),
    );
    const ghost = await waitForFailover(
      side,
      ns,
      'ghost',
      (f) => f.status?.phase === 'Failed',
      'ghost Failed',
    );
    expect(conditionOf(ghost, 'Failed')).toMatchObject({
      reason: 'GlobalClusterNotFound',
      message: 'preflight: global cluster ghost-global not found (asked us-east-2)',
    });
    expect(mutatingCalls(sim)).toEqual([]);
  });
});
