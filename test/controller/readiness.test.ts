/**
 * FailoverPlan readiness over the wire: kubectl applies the example plan to the embedded Kubernetes
 * API, the standby region's controller reads the simulator through the SDK and writes the plan's
 * conditions through /status; the simulator's journal proves the readiness pass only reads.
 */

import { SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningController, startController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { FailoverPlan } from '../../src/apis/index.js';
import { rdsClient } from '../aws/support.js';
import { waitFor } from '../support/wait.js';
import {
  clusterIdIn,
  type EstateOptions,
  examplePlan,
  GLOBAL_ID,
  mutatingCalls,
  publishSwitch,
  writerOf,
} from './estate.js';
import {
  exampleIn,
  getPlanStatus,
  type KubeSide,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
} from './platform.js';

interface PlanCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

let side: KubeSide;
let sim: AwsSimulator | undefined;
let controllers: RunningController[] = [];
let namespaceCount = 0;

beforeAll(async () => {
  side = await startKubeSide();
});
afterAll(async () => side?.close());
afterEach(async () => {
  await Promise.all(controllers.map((c) => c.stop()));
  await side?.retireFailovers();
  await sim?.close();
  controllers = [];
  sim = undefined;
});

/** A fresh namespace with the example plan, a seeded simulator, and the standby's controller. */
async function setUp(estate: EstateOptions = {}): Promise<{ ns: string; sim: AwsSimulator }> {
  const ns = `r${++namespaceCount}`;
  await side.ok(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
  );
  sim = await startSeededSimulator(estate);
  sim.journal.clear();
  await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
  controllers.push(await startController({ ...testControllerOptions(side, sim), readinessIntervalMs: 30 }));
  return { ns, sim };
}

async function conditions(ns: string): Promise<Map<string, PlanCondition>> {
  const status = await getPlanStatus(side, ns);
  const list = (status?.conditions ?? []) as PlanCondition[];
  return new Map(list.map((c) => [c.type, c]));
}

/** Bounded polling until the plan's conditions satisfy `predicate` (no fixed sleeps). */
function waitForConditions(
  ns: string,
  predicate: (c: Map<string, PlanCondition>) => boolean,
  what: string,
): Promise<Map<string, PlanCondition>> {
  return waitFor(
    async () => {
      const current = await conditions(ns);
      return predicate(current) && current;
    },
    what,
    10_000,
  );
}

const statusOf = (c: Map<string, PlanCondition>, type: string) => c.get(type)?.status;

describe('FailoverPlan readiness', () => {
  it('healthy seeded estate → Ready=True with the four conditions True, and only read calls', async () => {
    const { ns, sim } = await setUp();
    const ready = await waitForConditions(ns, (c) => statusOf(c, 'Ready') === 'True', 'Ready=True');
    for (const type of [
      'EngineVersionsMatch',
      'StandbyHasInstances',
      'StandbyEndpointHealthy',
      'LagWithinBudget',
    ]) {
      expect(ready.get(type)?.status, `${type}: ${ready.get(type)?.message}`).toBe('True');
    }
    expect(ready.get('EngineVersionsMatch')?.message).toMatch(/^both members run \S+/);
    expect(ready.get('LagWithinBudget')?.message).toMatch(/RPO budget 5\.0 s/);
    // Engine versions are read in each region, from that region's endpoint.
    const describes = sim.journal.list({ operation: 'DescribeDBClusters' }).map((e) => e.region);
    expect(new Set(describes)).toEqual(new Set(['us-east-1', 'us-east-2']));
    expect(mutatingCalls(sim)).toEqual([]);
    const status = await getPlanStatus(side, ns);
    expect(status?.observedGeneration).toBe(1);
    // Before any controller published, the estate's defaults route: a gate without data is open in
    // the primary region and closed in the standby.
    expect(ready.get('PrimaryServing')?.status).toBe('True');
    expect(ready.get('StandbyDrained')).toMatchObject({ status: 'True', reason: 'GateClosed' });
  });

  it('traffic conditions follow the switches: the primary serving, the standby drained by its gate or only by a fence', async () => {
    const { ns, sim } = await setUp();
    const publish = (kind: 'gate' | 'fence', region: string, closed: boolean) =>
      publishSwitch(sim, kind, region, closed);
    await publish('gate', 'us-east-1', false);
    await publish('gate', 'us-east-2', false);
    let c = await waitForConditions(
      ns,
      (current) => statusOf(current, 'StandbyDrained') === 'False',
      'StandbyDrained=False while the standby gate is open',
    );
    expect(c.get('StandbyDrained')?.message).toMatch(
      /us-east-1: gate OK, fence INSUFFICIENT_DATA; us-east-2: gate OK, fence INSUFFICIENT_DATA/,
    );
    expect(statusOf(c, 'PrimaryServing')).toBe('True');
    await publish('fence', 'us-east-2', true);
    c = await waitForConditions(
      ns,
      (current) => current.get('StandbyDrained')?.reason === 'Fenced',
      'Fenced',
    );
    expect(c.get('StandbyDrained')?.message).toMatch(/drained by its fence in us-east-1 only/);
    await publish('gate', 'us-east-2', true);
    c = await waitForConditions(
      ns,
      (current) => current.get('StandbyDrained')?.reason === 'GateClosed',
      'GateClosed',
    );
    expect(statusOf(c, 'StandbyDrained')).toBe('True');
    // Readiness itself published nothing: the only PutMetricData are the test's own.
    expect(mutatingCalls(sim).map((call) => call.operation)).toEqual(Array(4).fill('PutMetricData'));
  });

  it('standby cluster without instances → StandbyHasInstances=False, Ready=False, no mutating call', async () => {
    const { ns, sim } = await setUp({ headlessStandby: true });
    const c = await waitForConditions(
      ns,
      (current) =>
        statusOf(current, 'StandbyHasInstances') === 'False' && statusOf(current, 'Ready') === 'False',
      'StandbyHasInstances=False',
    );
    expect(c.get('StandbyHasInstances')).toMatchObject({
      reason: 'NoInstances',
      message: expect.stringContaining(`${clusterIdIn('us-east-2')} in us-east-2 has no DB instance`),
    });
    expect(c.get('Ready')?.message).toMatch(/StandbyHasInstances=False/);
    expect(statusOf(c, 'EngineVersionsMatch')).toBe('True');
    expect(mutatingCalls(sim)).toEqual([]);
  });

  it('lag above the RPO budget → LagWithinBudget=False, Ready=False; back within budget → Ready=True', async () => {
    const { ns, sim } = await setUp();
    await waitForConditions(ns, (c) => statusOf(c, 'Ready') === 'True', 'Ready=True first');
    sim.faults.apply('lag', ['12000']);
    const c = await waitForConditions(
      ns,
      (current) => statusOf(current, 'LagWithinBudget') === 'False',
      'LagWithinBudget=False',
    );
    expect(c.get('LagWithinBudget')).toMatchObject({
      reason: 'LagAboveBudget',
      message: expect.stringMatching(/12\.0 s, RPO budget 5\.0 s/),
    });
    expect(statusOf(c, 'Ready')).toBe('False');
    sim.faults.apply('lag', ['20']);
    await waitForConditions(ns, (current) => statusOf(current, 'Ready') === 'True', 'Ready=True again');
    expect(mutatingCalls(sim)).toEqual([]);
  });

  it('the primary region does not answer → EngineVersionsMatch=Unknown naming it; the standby checks still run', async () => {
    const { ns, sim } = await setUp();
    sim.faults.apply('region-down', ['us-east-1']);
    const c = await waitForConditions(
      ns,
      (current) => statusOf(current, 'EngineVersionsMatch') === 'Unknown',
      'EngineVersionsMatch=Unknown',
    );
    expect(c.get('EngineVersionsMatch')).toMatchObject({
      reason: 'RegionUnreachable',
      message: expect.stringContaining(`could not read ${clusterIdIn('us-east-1')} in us-east-1`),
    });
    expect(statusOf(c, 'StandbyHasInstances')).toBe('True');
    expect(statusOf(c, 'Ready')).not.toBe('True');
    expect(mutatingCalls(sim)).toEqual([]);
  });

  it('only the standby region writes: the us-east-1 controller reads only the roles and leaves the plan alone', async () => {
    const ns = `r${++namespaceCount}`;
    await side.ok(
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
    );
    sim = await startSeededSimulator();
    sim.journal.clear();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    controllers.push(
      await startController({
        ...testControllerOptions(side, sim),
        region: 'us-east-1',
        readinessIntervalMs: 30,
        logger,
      }),
    );
    // Two passes of the primary's controller (the first, then a requeue) prove it looked and stood back.
    await waitFor(
      () =>
        lines.filter((l) => l.includes('plan readiness left to the standby region') && l.includes(ns))
          .length >= 2,
      'two readiness passes of the us-east-1 controller',
    );
    expect((await getPlanStatus(side, ns))?.conditions).toBeUndefined();
    // Its one read is who the writer is, from its own region's endpoint: AWS agrees with the
    // plan's regions, so it writes no roles either.
    expect(new Set(sim.journal.list().map((e) => `${e.region} ${e.operation}`))).toEqual(
      new Set(['us-east-1 DescribeGlobalClusters']),
    );
    expect((await getPlanStatus(side, ns))?.currentRoles).toBeUndefined();
  });

  it("a cluster's copy of the plan takes its roles from AWS: after a failover run elsewhere, the writer decides", async () => {
    const ns = `r${++namespaceCount}`;
    await side.ok(
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
    );
    sim = await startSeededSimulator();
    // A switchover run by another cluster's controller: AWS changed, this copy of the plan did not.
    await switchoverInAws(sim, 'us-east-2');
    await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
    controllers.push(
      await startController({
        ...testControllerOptions(side, sim),
        region: 'us-east-1',
        readinessIntervalMs: 30,
      }),
    );
    await waitFor(
      async () => (await planStatus(ns))?.currentRoles?.primary === 'us-east-2',
      'roles brought to the writer in AWS',
    );
    const status = await planStatus(ns);
    expect(status?.currentRoles).toMatchObject({ primary: 'us-east-2', standby: 'us-east-1' });
    // us-east-1 is the standby now, so its controller writes the readiness conditions too.
    await waitFor(async () => ((await planStatus(ns))?.conditions?.length ?? 0) > 0, 'readiness written');
  });
});

const planStatus = async (ns: string) => (await getPlanStatus(side, ns)) as FailoverPlan['status'];

/** A planned switchover straight in AWS (as another cluster's controller would have run it), waited for. */
async function switchoverInAws(sim: AwsSimulator, target: string): Promise<void> {
  const targetArn = examplePlan.spec.database.members.find((m) => m.region === target)?.clusterArn ?? '';
  await rdsClient(sim, examplePlan.spec.regions.primary).send(
    new SwitchoverGlobalClusterCommand({
      GlobalClusterIdentifier: GLOBAL_ID,
      TargetDbClusterIdentifier: targetArn,
    }),
  );
  await waitFor(async () => (await writerOf(sim, target)) === clusterIdIn(target), `writer in ${target}`);
}
