/**
 * Restarts at step boundaries and in the middle of AWS calls. A proxy holds the next request of an
 * operation; the controller is stopped (in-process) or SIGKILLed (child process) while it waits;
 * the held call then reaches AWS (`release`: effect applied, answer lost) or never does (`drop`);
 * a new controller resumes from the journal. Whatever the point, the end state is the same and
 * FailoverGlobalCluster reaches AWS exactly once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningController } from '../../controllers/controller.js';
import { startController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { clusterIdIn, switchState, writerOf } from './estate.js';
import { UNPLANNED_JOURNAL } from './example-steps.js';
import type { HoldingProxy } from './holding-proxy.js';
import { prepareOutageNamespace, startOutageSimulator } from './outage.js';
import {
  approvedAtApply,
  exampleIn,
  journalOf,
  type KubeSide,
  repoRoot,
  startKubeSide,
  testControllerOptions,
  waitForFailover,
} from './platform.js';

const NAME = 'trading-failover-use1-outage';

/** Every AWS call of an unplanned failover with us-east-1 known down, in order. */
const CALLS = [
  'DescribeGlobalClusters', // preflight
  'DescribeDBClusters',
  'GetMetricData',
  'DescribeAlarms', // fence
  'PutMetricData',
  'DescribeAutoScalingGroups', // scale-up
  'SetDesiredCapacity',
  'DescribeAlarms', // fenced
  'DescribeGlobalClusters', // promote
  'GetMetricData',
  'FailoverGlobalCluster',
  'DescribeAlarms', // open-new
  'PutMetricData',
  'DescribeGlobalClusters', // wait-writer
  'DescribeDBClusters', // verify
  'DescribeAutoScalingGroups',
  'DescribeAlarms', // traffic-settled
];

let side: KubeSide;
let sim: AwsSimulator | undefined;
let proxy: HoldingProxy | undefined;
let namespaceCount = 0;

beforeAll(async () => {
  side = await startKubeSide();
});
afterAll(async () => side?.close());
afterEach(async () => {
  await side?.retireFailovers();
  await proxy?.close();
  await sim?.close();
  proxy = undefined;
  sim = undefined;
});

async function setUp(): Promise<{ ns: string; sim: AwsSimulator; proxy: HoldingProxy }> {
  const ns = `crash${++namespaceCount}`;
  await prepareOutageNamespace(side, ns);
  ({ sim, proxy } = await startOutageSimulator());
  return { ns, sim, proxy };
}

async function expectSameEndState(ns: string, sim: AwsSimulator) {
  const failover = await waitForFailover(
    side,
    ns,
    NAME,
    (f) => f.status?.phase === 'Succeeded',
    'Succeeded after restarts',
    20_000,
  );
  // Every step once, in order, whatever restarts came between; the calls into us-east-1 skipped.
  expect(journalOf(failover)).toEqual(UNPLANNED_JOURNAL);
  expect(sim.journal.list({ operation: 'FailoverGlobalCluster', outcome: 'ok' })).toHaveLength(1);
  expect(sim.journal.list({ operation: 'FailoverGlobalCluster' })).toHaveLength(1);
  expect(sim.journal.list({ region: 'us-east-1' })).toEqual([]);
  expect(sim.journal.list({ service: 'route53' })).toEqual([]);
  expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
  expect(await switchState(sim, 'fence', 'us-east-1')).toBe('ALARM');
  return failover;
}

describe('crash-resume, in-process restarts at every call', () => {
  for (const mode of ['release', 'drop'] as const) {
    it(`stopped in the middle of each of the ${CALLS.length} calls (${mode === 'release' ? 'the call takes effect, its answer is lost' : 'the call never arrives'}) → same end state`, async () => {
      const { ns, sim, proxy } = await setUp();
      const options = () => testControllerOptions(side, sim, proxy.url);
      let controller: RunningController = await startController(options());
      await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns, approvedAtApply()));
      try {
        for (const operation of CALLS) {
          const held = await proxy.holdNext(operation);
          const stopping = controller.stop();
          if (mode === 'release') await held.release();
          else held.drop();
          await stopping;
          proxy.unblock();
          controller = await startController(options());
        }
        const failover = await expectSameEndState(ns, sim);
        const promote = failover.status?.journal?.find((e) => e.name === 'promote');
        expect(promote?.attempts).toBeGreaterThanOrEqual(2);
        if (mode === 'release')
          expect(promote?.message).toMatch(/already (accepted|the writer)|not sent again|not needed/);
      } finally {
        await controller.stop();
      }
    });
  }
});

/** The controller as its own process (`controllers/main.ts` through tsx), for SIGKILL. */
function spawnController(kubeconfig: string, awsUrl: string): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'controllers/main.ts'),
      '--kubeconfig',
      kubeconfig,
      '--region',
      'us-east-2',
      '--aws-endpoint',
      awsUrl,
      '--poll-interval-ms',
      '50',
      // Readiness reads both regions; this test counts the failover path's requests only.
      '--readiness-interval-ms',
      '0',
      // The gate keeper reads both regions too.
      '--gate-keeper-interval-ms',
      '0',
      // A SIGKILLed leader would hold the Lease for its duration; one process at a time here.
      '--no-leader-election',
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('crash-resume, SIGKILL of the controller process', () => {
  it('killed mid-PutMetricData (applied), mid-SetDesiredCapacity (lost) and mid-FailoverGlobalCluster (applied) → Succeeded, one FailoverGlobalCluster', async () => {
    const { ns, sim, proxy } = await setUp();
    let child = spawnController(side.kubeconfig, proxy.url);
    await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns, approvedAtApply()));
    try {
      for (const [operation, outcome] of [
        ['PutMetricData', 'release'],
        ['SetDesiredCapacity', 'drop'],
        ['FailoverGlobalCluster', 'release'],
      ] as const) {
        const held = await proxy.holdNext(operation, 30_000);
        await kill(child);
        if (outcome === 'release') await held.release();
        else held.drop();
        proxy.unblock();
        child = spawnController(side.kubeconfig, proxy.url);
      }
      const failover = await expectSameEndState(ns, sim);
      // One for the fence (not sent again after the kill) and one for open-new.
      expect(sim.journal.list({ operation: 'PutMetricData' })).toHaveLength(2);
      expect(sim.journal.list({ operation: 'SetDesiredCapacity' })).toHaveLength(1);
      expect(failover.status?.journal?.find((e) => e.name === 'promote')).toMatchObject({
        attempts: 2,
        message: expect.stringMatching(/not sent again|already the writer/),
      });
    } finally {
      await kill(child);
    }
  }, 90_000);
});
