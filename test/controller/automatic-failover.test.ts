/**
 * Automatic failover end to end, over the wire: the embedded Kubernetes API, the seeded AWS
 * simulator and two controllers, one per region, each the prober of its vantage (cluster-use1 in
 * us-east-1, cluster-use2 in us-east-2, as in examples/failover/region-health.yaml). Four
 * RegionHealth objects (both regions × both vantages) probe the simulator's ALBs (HTTP) and the
 * Aurora clusters (AuroraWriter) every INTERVAL_MS with failureThreshold 1, so every probe round
 * reaches the trigger as it is. The plan is the example's (3 of 5 rounds, 2 vantages, cooldown
 * 30m) with approval Never: with us-east-1 down the secondary's lag grows past the 5 s budget,
 * and an automatic Failover awaiting approval would not show the execution.
 *
 * Each vantage reaches AWS through its own proxy that stamps x-switchyard-vantage (see
 * vantage-proxy.ts), so `partition cluster-use2 us-east-1` is seen from cluster-use2 only.
 *
 * The cases share one simulator and run in order: the partition, the flapping primary and an
 * ALB-only outage first (nothing may happen: the plan's signalPolicy All wants the Aurora writer
 * failing too), then the outage (one automatic Failover, Succeeded), then no automatic
 * failback, then a planned failback and a new outage inside the cooldown (nothing may happen).
 * "Nothing happens" is waited for in observed probe rounds (QUIET_ROUNDS on every RegionHealth),
 * never in wall-clock sleeps, so a slow machine only makes the wait longer.
 */
import { DescribeAutoScalingGroupsCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RunningController, startController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { autoScalingClient } from '../aws/support.js';
import { waitFor } from '../support/wait.js';
import { clusterIdIn, groupIn, writerOf } from './estate.js';
import { healthRounds, QUIET_ROUNDS, regionHealthManifest, roundsTimeout, WINDOW } from './health-rounds.js';
import {
  exampleIn,
  GROUP,
  type KubeSide,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
  VERSION,
  waitForFailover,
} from './platform.js';
import { VantagePaths } from './vantage-proxy.js';

const NS = 'auto';

const VANTAGES = [
  { vantage: 'cluster-use1', region: 'us-east-1' },
  { vantage: 'cluster-use2', region: 'us-east-2' },
] as const;
const HEALTHS = ['use1-from-use1', 'use1-from-use2', 'use2-from-use1', 'use2-from-use2'];

let side: KubeSide;
let sim: AwsSimulator;
const controllers: RunningController[] = [];
let failovers: ReturnType<typeof healthRounds>['failovers'];
let waitForHealth: ReturnType<typeof healthRounds>['waitForHealth'];
let waitForSignals: ReturnType<typeof healthRounds>['waitForSignals'];
let watchRounds: ReturnType<typeof healthRounds>['watchRounds'];
let planStatusAfter: ReturnType<typeof healthRounds>['planStatusAfter'];

const paths = new VantagePaths();
const proxy = (vantage: string, target: string) => paths.to(vantage, target);

beforeAll(async () => {
  side = await startKubeSide();
  sim = await startSeededSimulator();
  await side.ok(
    ['apply', '-f', '-'],
    exampleIn('failover-plan.yaml', NS, (t) =>
      t.replace('approval: WhenLagExceedsBudget', 'approval: Never'),
    ),
  );
  const manifests: object[] = [];
  for (const { vantage, region } of VANTAGES) {
    for (const alb of sim.albs) {
      const albUrl = await proxy(vantage, `http://${alb.address}:${alb.port}`);
      manifests.push(regionHealthManifest(NS, alb.region, vantage, albUrl));
    }
    controllers.push(
      await startController({
        ...testControllerOptions(side, sim, await proxy(vantage, sim.url)),
        region,
        vantage,
        identity: `controller-${vantage}`,
      }),
    );
  }
  await side.ok(['apply', '-f', '-'], manifests.map((m) => stringify(m)).join('---\n'));
  ({ failovers, waitForHealth, waitForSignals, watchRounds, planStatusAfter } = healthRounds(side, NS));
  await waitForHealth(HEALTHS, () => true, 'every RegionHealth healthy from both vantages');
});

afterAll(async () => {
  await Promise.all(controllers.map((c) => c.stop()));
  await paths.closeAll();
  await sim?.close();
  await side?.close();
});

describe('automatic failover over the wire (probes → trigger → execution)', () => {
  it('a one-vantage partition (cluster-use2 cut off from us-east-1) creates no Failover', async () => {
    sim.faults.apply('partition', ['cluster-use2', 'us-east-1']);
    await waitForHealth(
      HEALTHS,
      (name) => name !== 'use1-from-use2',
      'us-east-1 unhealthy from cluster-use2 only',
    );
    const rounds = await watchRounds(HEALTHS, QUIET_ROUNDS);
    expect(rounds.get('use1-from-use2')?.filter((h) => !h).length).toBeGreaterThanOrEqual(QUIET_ROUNDS - 1);
    expect(rounds.get('use1-from-use1')?.every((h) => h)).toBe(true);
    expect(await failovers()).toEqual([]);
    sim.faults.apply('heal', ['cluster-use2', 'us-east-1']);
    await waitForHealth(HEALTHS, () => true, 'us-east-1 healthy again from cluster-use2');
  }, 60_000);

  it('a primary flapping faster than the window creates no Failover', async () => {
    // Each flap: us-east-1 goes down until both vantages have reported a failing round, then comes
    // back until both have reported WINDOW.failing healthy rounds. A vantage thus sees at most
    // WINDOW.failing - 1 failing rounds in any WINDOW.outOf, yet many failing rounds in all.
    const primaryHealths = ['use1-from-use1', 'use1-from-use2'];
    const failing = new Map(primaryHealths.map((name) => [name, 0]));
    const flaps = 4;
    for (let flap = 0; flap < flaps; flap++) {
      sim.faults.apply('region-down', ['us-east-1']);
      await waitForHealth(primaryHealths, () => false, `flap ${flap}: us-east-1 failing from both vantages`);
      sim.faults.apply('region-up', ['us-east-1']);
      const rounds = await watchRounds(primaryHealths, WINDOW.failing + 1);
      for (const name of primaryHealths) {
        const all = rounds.get(name) ?? [];
        // The first round after region-up may still be the failing one in flight.
        failing.set(name, (failing.get(name) ?? 0) + 1 + all.slice(0, 1).filter((h) => !h).length);
        expect(
          all.slice(1).every((h) => h),
          `${name} healthy after flap ${flap}`,
        ).toBe(true);
      }
    }
    for (const name of primaryHealths) expect(failing.get(name)).toBeGreaterThanOrEqual(WINDOW.failing);
    await watchRounds(HEALTHS, WINDOW.outOf);
    expect(await failovers()).toEqual([]);
  }, 90_000);

  it('an ALB-only outage on us-east-1 (no healthy targets, its Aurora writer up) creates no Failover under signalPolicy All', async () => {
    // An app-tier failure: the region's Auto Scaling group emptied, so its ALB answers 503 while
    // the database is fine. Promoting us-east-2's Aurora cluster would not fix it.
    const autoScaling = autoScalingClient(sim, 'us-east-1');
    const group = groupIn('us-east-1');
    const described = await autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }),
    );
    const desired = described.AutoScalingGroups?.[0]?.DesiredCapacity ?? 0;
    expect(desired).toBeGreaterThan(0);
    await autoScaling.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: group, DesiredCapacity: 0 }),
    );
    const primaryHealths = ['use1-from-use1', 'use1-from-use2'];
    await waitForSignals(
      primaryHealths,
      { alb: false, 'aurora-writer': true },
      'us-east-1 ALB failing, Aurora writer healthy, from both vantages',
    );
    const rounds = await watchRounds(HEALTHS, QUIET_ROUNDS);
    for (const name of primaryHealths)
      expect(rounds.get(name)?.filter((h) => !h).length, name).toBeGreaterThanOrEqual(QUIET_ROUNDS - 1);
    await waitForSignals(
      primaryHealths,
      { alb: false, 'aurora-writer': true },
      'the ALB-only outage still on',
    );
    expect(await failovers()).toEqual([]);
    await autoScaling.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: group, DesiredCapacity: desired }),
    );
    await waitForHealth(HEALTHS, () => true, 'us-east-1 serving again');
  }, 60_000);

  it('us-east-1 down on both vantages: the standby controller creates one Failover to us-east-2 that runs to Succeeded', async () => {
    sim.faults.apply('region-down', ['us-east-1']);
    const created = await waitFor(
      async () => (await failovers())[0],
      'an automatic Failover',
      roundsTimeout(WINDOW.outOf * 2),
    );
    expect(created.metadata?.labels).toMatchObject({ 'failover.switchyard.dev/trigger': 'automatic' });
    expect(created.spec).toMatchObject({
      planRef: { name: 'trading' },
      type: 'Failover',
      targetRegion: 'us-east-2',
      allowDataLoss: true,
    });
    expect(created.spec.reason).toMatch(
      /^automatic, signalPolicy All: us-east-1 failed in at least 3 of the last 5 rounds on (cluster-use1 \(alb, aurora-writer\), cluster-use2 \(alb, aurora-writer\)|cluster-use2 \(alb, aurora-writer\), cluster-use1 \(alb, aurora-writer\)); us-east-2 healthy$/,
    );
    const name = created.metadata?.name ?? '';
    const done = await waitForFailover(
      side,
      NS,
      name,
      (f) => f.status?.phase === 'Succeeded' || f.status?.phase === 'Failed',
      'the automatic Failover to finish',
      30_000,
    );
    expect(done.status?.phase).toBe('Succeeded');
    expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
    expect(await planStatusAfter(name)).toMatchObject({
      currentRoles: { primary: 'us-east-2', standby: 'us-east-1' },
      lastExecution: { name, phase: 'Succeeded' },
    });
    // us-east-1 still down for more windows: still exactly one.
    await watchRounds(HEALTHS, WINDOW.outOf);
    expect((await failovers()).map((f) => f.metadata?.name)).toEqual([name]);
  }, 60_000);

  it('after the failover: us-east-1 back and even us-east-2 down make no automatic failback', async () => {
    sim.faults.apply('region-up', ['us-east-1']);
    await waitForHealth(HEALTHS, () => true, 'us-east-1 healthy again');
    await watchRounds(HEALTHS, QUIET_ROUNDS);
    // The strongest temptation: the new primary failing from both vantages, the old one healthy.
    sim.faults.apply('region-down', ['us-east-2']);
    await waitForHealth(HEALTHS, (name) => !name.startsWith('use2-'), 'us-east-2 failing from both vantages');
    await watchRounds(HEALTHS, QUIET_ROUNDS);
    sim.faults.apply('region-up', ['us-east-2']);
    await waitForHealth(HEALTHS, () => true, 'us-east-2 healthy again');
    const all = await failovers();
    expect(all).toHaveLength(1);
    expect(all.filter((f) => f.spec.targetRegion === 'us-east-1')).toEqual([]);
    expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
  }, 90_000);

  it('after a planned failback, us-east-1 down again within the cooldown creates no Failover', async () => {
    const failback = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Failover',
      metadata: { name: 'trading-failback', namespace: NS },
      spec: {
        planRef: { name: 'trading' },
        type: 'Switchover',
        targetRegion: 'us-east-1',
        reason: 'failback',
      },
    };
    await side.ok(['apply', '-f', '-'], JSON.stringify(failback));
    const back = await waitForFailover(
      side,
      NS,
      'trading-failback',
      (f) => f.status?.phase === 'Succeeded' || f.status?.phase === 'Failed',
      'the planned failback to finish',
      30_000,
    );
    expect(back.status?.phase, JSON.stringify(back.status?.conditions)).toBe('Succeeded');
    expect(await writerOf(sim)).toBe(clusterIdIn('us-east-1'));
    // Every rule of the policy but the cooldown now says "fail over": the primary is home again,
    // no execution is active, and the outage is seen from both vantages with the standby healthy.
    const planStatus = await planStatusAfter('trading-failback');
    expect(planStatus).toMatchObject({
      currentRoles: { primary: 'us-east-1', standby: 'us-east-2' },
      lastExecution: { name: 'trading-failback', phase: 'Succeeded' },
    });
    sim.faults.apply('region-down', ['us-east-1']);
    await waitForHealth(HEALTHS, (name) => !name.startsWith('use1-'), 'us-east-1 failing from both vantages');
    const rounds = await watchRounds(HEALTHS, QUIET_ROUNDS);
    for (const name of ['use1-from-use1', 'use1-from-use2'])
      expect(rounds.get(name)?.filter((h) => !h).length).toBeGreaterThanOrEqual(WINDOW.failing);
    expect((await failovers()).map((f) => f.metadata?.name).sort()).toHaveLength(2);
    sim.faults.apply('region-up', ['us-east-1']);
  }, 90_000);
});
