import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningController, startController } from '../../controllers/controller.js';
import { memberArn } from '../../controllers/failover/plan-view.js';
import { CONTROLLER_NODE_FLAGS } from '../../controllers/runtime-flags.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { Failover, FailoverPlan, RegionHealth } from '../../src/apis/index.js';
import { projectRoot } from '../../src/schema/paths.js';
import { bundleController } from '../../tools/build-controller.js';
import { examplePlan } from '../controller/estate.js';
import { UNPLANNED_STEPS } from '../controller/example-steps.js';
import { sleep, waitFor } from '../support/wait.js';
import { nextMessage } from './child-message.js';
import {
  API_VERSION,
  type BenchControllerSettings,
  type BenchKube,
  benchControllerOptions,
  example,
  patchStatus,
  percentile,
  seededSimulator,
  startBenchKube,
} from './controller-env.js';

/**
 * The failover controller section of `npm run bench` (issue 8):
 * 1. overhead of a full unplanned failover with instant AWS (simulator time scale 0.0001, us-east-1
 *    down): the Failover is created with client-node (what `kubectl apply` does: one POST) and the
 *    clock stops when a poll (every 5 ms) reads phase Succeeded; each run has a fresh seeded
 *    simulator, namespace and controller (started, informers synced, before the clock starts);
 * 2. detection: RegionHealth probes of two vantages (two controllers: us-east-2/cluster-use2, the
 *    survivor that triggers, and us-east-1/cluster-use1) → the automatic trigger; from the
 *    simulator's `region-down us-east-1` to the automatic Failover object existing (polled every 5 ms);
 * 3. memory: the controller alone in a child process watching 1,000 RegionHealth and 100 already
 *    Succeeded Failovers; RSS after its informers synced and the Failovers were reconciled.
 */

export const FAILOVER_GOAL_MS = 1_000;
export const RSS_GOAL_BYTES = 150 * 2 ** 20;
const FAILOVER_RUNS = 10;
const DETECTION_RUNS = 3;
// Whole seconds, like real probe settings (the example uses 10 s), scaled down to keep the bench short.
const PROBE = { interval: '1s', timeout: '500ms', failureThreshold: 2 };
const PROBE_INTERVAL_MS = 1_000;
const MEMORY_HEALTHS = 1_000;
const MEMORY_FAILOVERS = 100;

/** Production defaults, then the test suite's fast engine (poll 20 ms) to show what polling costs. */
const SETTINGS: BenchControllerSettings[] = [
  { label: 'controller defaults (poll 2 s, retry 500 ms)' },
  {
    label: 'fast engine (poll 20 ms, retry 20 ms)',
    engine: { pollIntervalMs: 20, recheckIntervalMs: 100, waitTimeoutMs: 20_000, maxStepAttempts: 6 },
    retryBaseDelayMs: 20,
  },
];

interface FailoverSeries {
  label: string;
  ms: number[];
  journal: string;
}

interface DetectionRun {
  /** region-down → first RegionHealth of us-east-1 with healthy=false (both vantages' first). */
  unhealthyMs: number;
  /** region-down → automatic Failover object exists. */
  createdMs: number;
}

export interface ControllerFigures {
  failovers: FailoverSeries[];
  detection: { window: string; bound: number; runs: DetectionRun[] }[];
  detectionError?: string;
  memory?: MemoryFigures[];
  memoryError?: string;
  loadBefore: number;
  loadAfter: number;
}

interface MemoryFigures {
  label: string;
  rssBytes: number;
  heapUsedBytes: number;
  /** RSS after the imports and a GC, before startController. */
  baselineRssBytes: number;
  peakRssBytes: number;
  /** AWS requests the simulator received while the child ran (operation names). */
  awsCalls: string[];
}

let namespaces = 0;
const nextNamespace = (prefix: string) => `${prefix}-${++namespaces}`;

function plan(namespace: string, edit: (p: FailoverPlan) => void = () => undefined): FailoverPlan {
  const object = example<FailoverPlan>('failover-plan.yaml', namespace);
  edit(object);
  return object;
}

async function oneFailover(kube: BenchKube, settings: BenchControllerSettings) {
  const ns = nextNamespace('bench-failover');
  await kube.createNamespace(ns);
  await kube.create(ns, 'failoverplans', plan(ns));
  const sim = await seededSimulator();
  let controller: RunningController | undefined;
  try {
    sim.faults.apply('region-down', ['us-east-1']);
    controller = await startController(benchControllerOptions(kube.kubeconfig, sim, 'us-east-2', settings));
    const failover = example<Failover>('failover-unplanned.yaml', ns);
    // The example ships unapproved; with us-east-1 down the lag exceeds the budget, and the
    // simulator's clock runs fast, so the approval accepts any lag the run can reach.
    failover.spec.approval = {
      approvedBy: 'bench',
      approvedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      maxDataLossSeconds: 2_000_000_000,
    };
    const start = performance.now();
    const name = failover.metadata.name ?? 'trading-failover-use1-outage';
    await kube.create(ns, 'failovers', failover);
    const done = await waitFor(
      async () => {
        const current = await kube.getFailover(ns, name);
        const phase = current.status?.phase;
        return phase === 'Succeeded' || phase === 'Failed' ? current : undefined;
      },
      `Failover ${ns}/${name} to finish`,
      60_000,
    );
    const ms = performance.now() - start;
    if (done.status?.phase !== 'Succeeded')
      throw new Error(
        `bench: Failover ${ns} ended ${done.status?.phase}: ${JSON.stringify(done.status?.conditions)}`,
      );
    const journal = (done.status?.journal ?? []).map((e) => `${e.name}:${e.state}`).join(' ');
    return { ms, journal };
  } finally {
    await controller?.stop();
    await sim.close();
  }
}

function regionHealth(
  ns: string,
  name: string,
  region: string,
  vantage: string,
  probes: object[],
): RegionHealth {
  return {
    apiVersion: API_VERSION,
    kind: 'RegionHealth',
    metadata: { name, namespace: ns },
    spec: { region, vantage, probes },
  } as RegionHealth;
}

function healthObjects(ns: string, sim: AwsSimulator): RegionHealth[] {
  const albUrl = (region: string) => {
    const alb = sim.albs.find((a) => a.region === region);
    if (!alb) throw new Error(`bench: the simulator has no ALB in ${region}`);
    return `http://${alb.address}:${alb.port}/`;
  };
  const primaryProbes = [
    { name: 'alb', type: 'HTTP', http: { url: albUrl('us-east-1') }, ...PROBE },
    {
      name: 'aurora-writer',
      type: 'AuroraWriter',
      auroraWriter: { clusterArn: memberArn(examplePlan.spec, 'us-east-1') },
      ...PROBE,
    },
  ];
  return [
    regionHealth(ns, 'use1-from-use2', 'us-east-1', 'cluster-use2', primaryProbes),
    regionHealth(ns, 'use1-from-use1', 'us-east-1', 'cluster-use1', primaryProbes),
    // The standby's secondary cluster has no writer: its health is its ALB only.
    regionHealth(ns, 'use2-from-use2', 'us-east-2', 'cluster-use2', [
      { name: 'alb', type: 'HTTP', http: { url: albUrl('us-east-2') }, ...PROBE },
    ]),
  ];
}

async function oneDetection(
  kube: BenchKube,
  window: { failing: number; outOf: number },
): Promise<DetectionRun> {
  const ns = nextNamespace('bench-detect');
  await kube.createNamespace(ns);
  const sim = await seededSimulator();
  const controllers: RunningController[] = [];
  try {
    await kube.create(
      ns,
      'failoverplans',
      plan(ns, (p) => {
        p.spec.automatic.window = window;
      }),
    );
    const healths = healthObjects(ns, sim);
    for (const health of healths) await kube.create(ns, 'regionhealths', health);
    const fast = SETTINGS[1] ?? { label: 'fast' };
    controllers.push(
      await startController(benchControllerOptions(kube.kubeconfig, sim, 'us-east-2', fast, 'cluster-use2')),
      await startController(benchControllerOptions(kube.kubeconfig, sim, 'us-east-1', fast, 'cluster-use1')),
    );
    const read = async (name: string) =>
      (await kube.api.getNamespacedCustomObject({
        group: 'failover.switchyard.dev',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'regionhealths',
        name,
      })) as RegionHealth;
    // Every vantage healthy for a full window first, so the trigger has healthy history.
    await waitFor(
      async () => {
        const all = await Promise.all(healths.map((h) => read(h.metadata.name ?? '')));
        return all.every((h) => h.status?.healthy === true) ? true : undefined;
      },
      'every RegionHealth healthy',
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    await sleep(PROBE_INTERVAL_MS * 2);
    const start = performance.now();
    sim.faults.apply('region-down', ['us-east-1']);
    let unhealthyMs = Number.NaN;
    await waitFor(
      async () => {
        if (Number.isNaN(unhealthyMs)) {
          const primary = await Promise.all(['use1-from-use2', 'use1-from-use1'].map(read));
          if (primary.every((h) => h.status?.healthy === false)) unhealthyMs = performance.now() - start;
        }
        const created = await kube.listFailovers(ns);
        return created.length > 0 ? created : undefined;
      },
      'the automatic Failover',
      30_000,
    );
    return { unhealthyMs, createdMs: performance.now() - start };
  } finally {
    for (const controller of controllers) await controller.stop();
    await sim.close();
  }
}

interface ChildVariant {
  label: string;
  script: string;
  execArgv: string[];
}

/** The child as `npm run controller` runs it (tsx), bundled for plain node, and as the image runs it. */
async function childVariants(dir: string): Promise<ChildVariant[]> {
  const script = join(projectRoot(), 'test/bench/controller-child.ts');
  const bundle = join(dir, 'controller-child.mjs');
  await bundleController(script, bundle);
  return [
    { label: 'tsx (as npm run controller)', script, execArgv: ['--import', 'tsx', '--expose-gc'] },
    { label: 'bundle, plain node', script: bundle, execArgv: ['--expose-gc'] },
    {
      label: 'bundle + image flags',
      script: bundle,
      execArgv: ['--expose-gc', ...CONTROLLER_NODE_FLAGS],
    },
  ];
}

async function measureChild(
  kube: BenchKube,
  sim: AwsSimulator,
  variant: ChildVariant,
): Promise<MemoryFigures> {
  sim.journal.clear();
  const child = fork(variant.script, [kube.kubeconfig, sim.url], {
    execArgv: variant.execArgv,
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  // The AWS SDK's Node version notice is noise here; anything else goes through.
  child.stderr?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    if (!/NodeVersionSupportWarning|node >=22|a\.co\/|trace-warnings|AWS services|^\s*$/m.test(text))
      process.stderr.write(text);
  });
  try {
    const ready = await nextMessage<{ ready: string; baselineRss: number }>(child, 'ready', 'controller');
    await waitFor(
      async () => ((await fetch(`${ready.ready}/readyz`)).status === 200 ? true : undefined),
      'controller /readyz',
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    // Let the 100 terminal Failovers (and the informers' initial events) be reconciled.
    await sleep(2_000);
    child.send('memory');
    const { memory, maxRssKiB } = await nextMessage<{ memory: NodeJS.MemoryUsage; maxRssKiB: number }>(
      child,
      'memory',
      'controller',
    );
    return {
      label: variant.label,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      baselineRssBytes: ready.baselineRss,
      peakRssBytes: maxRssKiB * 1024,
      awsCalls: sim.journal.list().map((e) => e.operation),
    };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

async function measureMemory(kube: BenchKube): Promise<MemoryFigures[]> {
  const ns = 'bench-memory';
  await kube.createNamespace(ns);
  const sim = await seededSimulator();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-child-'));
  try {
    await kube.create(ns, 'failoverplans', plan(ns));
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const probes = [
      {
        name: 'alb',
        type: 'HTTP',
        http: { url: 'https://us-east-1.api.trading.example.com/healthz' },
        ...PROBE,
      },
      { name: 'alb-tcp', type: 'TCP', tcp: { host: 'us-east-1.api.trading.example.com', port: 443 } },
      {
        name: 'aurora-writer',
        type: 'AuroraWriter',
        auroraWriter: { clusterArn: memberArn(examplePlan.spec, 'us-east-1') },
      },
    ];
    for (let i = 0; i < MEMORY_HEALTHS; i++) {
      const name = `health-${i}`;
      // Vantages no controller in this bench has: nothing is probed, the objects are only watched.
      const region = i % 2 ? 'us-east-1' : 'us-east-2';
      await kube.create(ns, 'regionhealths', regionHealth(ns, name, region, `vantage-${i % 50}`, probes));
      await patchStatus(kube, ns, 'regionhealths', name, {
        healthy: true,
        signals: probes.map((p) => ({
          name: p.name,
          healthy: true,
          message: 'HTTP 200',
          lastTransitionTime: now,
          lastProbeTime: now,
        })),
        conditions: [
          {
            type: 'Healthy',
            status: 'True',
            reason: 'AllSignalsHealthy',
            message: `${region} healthy`,
            lastTransitionTime: now,
          },
        ],
      });
    }
    for (let i = 0; i < MEMORY_FAILOVERS; i++) {
      const failover = example<Failover>('failover-unplanned.yaml', ns);
      failover.metadata.name = `done-${i}`;
      await kube.create(ns, 'failovers', failover);
      await patchStatus(kube, ns, 'failovers', failover.metadata.name, {
        phase: 'Succeeded',
        startedAt: now,
        completedAt: now,
        journal: UNPLANNED_STEPS.map((step) => ({
          name: step,
          state: 'Succeeded',
          region: 'us-east-2',
          attempts: 1,
          startedAt: now,
          finishedAt: now,
        })),
        conditions: [
          {
            type: 'Succeeded',
            status: 'True',
            reason: 'Completed',
            message: 'done',
            lastTransitionTime: now,
          },
        ],
      });
    }
    const figures: MemoryFigures[] = [];
    for (const variant of await childVariants(dir)) figures.push(await measureChild(kube, sim, variant));
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
  }
}

export async function measureController(): Promise<ControllerFigures> {
  const loadBefore = loadavg()[0] ?? Number.NaN;
  const kube = await startBenchKube();
  try {
    const failovers: FailoverSeries[] = [];
    for (const settings of SETTINGS) {
      const series: FailoverSeries = { label: settings.label, ms: [], journal: '' };
      for (let run = 0; run < FAILOVER_RUNS; run++) {
        const result = await oneFailover(kube, settings);
        series.ms.push(result.ms);
        series.journal = result.journal;
      }
      failovers.push(series);
    }
    const figures: ControllerFigures = { failovers, detection: [], loadBefore, loadAfter: Number.NaN };
    try {
      for (const window of [
        { failing: 1, outOf: 1 },
        { failing: 3, outOf: 5 },
      ]) {
        const runs: DetectionRun[] = [];
        for (let run = 0; run < DETECTION_RUNS; run++) runs.push(await oneDetection(kube, window));
        figures.detection.push({
          window: `${window.failing} of ${window.outOf}`,
          bound: PROBE_INTERVAL_MS * (PROBE.failureThreshold + window.failing - 1) + 1_000,
          runs,
        });
      }
    } catch (error) {
      figures.detectionError = error instanceof Error ? error.message : String(error);
    }
    try {
      figures.memory = await measureMemory(kube);
    } catch (error) {
      figures.memoryError = error instanceof Error ? error.message : String(error);
    }
    figures.loadAfter = loadavg()[0] ?? Number.NaN;
    return figures;
  } finally {
    await kube.close();
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');

export function controllerLines(figures: ControllerFigures): string[] {
  const lines = [
    `Failover controller (issue 8): embedded kube API + AWS simulator (time scale 0.0001, i.e. instant AWS), client-node; load average ${figures.loadBefore.toFixed(1)} before, ${figures.loadAfter.toFixed(1)} after`,
    `  unplanned failover, us-east-1 down, ${FAILOVER_RUNS} runs each on a fresh seeded simulator: create the Failover (client-node POST, as kubectl apply) → phase Succeeded (polled every 5 ms)`,
  ];
  for (const series of figures.failovers) {
    const median = percentile(series.ms, 50);
    lines.push(
      `  ${series.label.padEnd(48)} median ${fmt(median).padStart(7)}, p95 ${fmt(percentile(series.ms, 95)).padStart(7)}; goal median <= ${FAILOVER_GOAL_MS} ms: ${verdict(median <= FAILOVER_GOAL_MS)}`,
    );
  }
  const journal = figures.failovers[0]?.journal;
  if (journal) lines.push(`    journal: ${journal}`);
  if (figures.detectionError) {
    lines.push(`  detection: NOT MEASURED: ${figures.detectionError}`);
  } else {
    lines.push(
      `  detection: probes every ${PROBE.interval} (timeout ${PROBE.timeout}, failureThreshold ${PROBE.failureThreshold}) from 2 vantages (2 controllers), region-down us-east-1 → automatic Failover created; ${DETECTION_RUNS} runs per trigger window`,
    );
    for (const { window, bound, runs } of figures.detection) {
      const created = runs.map((r) => r.createdMs);
      const median = percentile(created, 50);
      const worst = Math.max(...created);
      const isGoal = window === '1 of 1';
      lines.push(
        `  window ${window.padEnd(7)} RegionHealth unhealthy median ${fmt(
          percentile(
            runs.map((r) => r.unhealthyMs),
            50,
          ),
        )}; Failover created median ${fmt(median)}, max ${fmt(worst)}; ${
          isGoal
            ? `goal <= interval × threshold + 1 s = ${fmt(bound)}: ${verdict(worst <= bound)}`
            : `no goal (the example plan's window needs ${window.split(' ')[0]} failing rounds after the flip; about interval × (threshold + ${window.split(' ')[0]} − 1) + 1 s = ${fmt(bound)})`
        }`,
      );
    }
  }
  if (figures.memory) {
    lines.push(
      `  memory: the controller alone in a child process (no vantage, readiness off, engine defaults) watching ${MEMORY_HEALTHS} RegionHealth (with status) + ${MEMORY_FAILOVERS} Succeeded Failovers; RSS after /readyz, 2 s of reconciles and a GC`,
    );
    for (const m of figures.memory) {
      lines.push(
        `  ${m.label.padEnd(30)} RSS ${mib(m.rssBytes).padStart(6)} (${mib(m.baselineRssBytes)} after imports, before startController; V8 heap ${mib(m.heapUsedBytes)}; peak ${mib(m.peakRssBytes)}; ${m.awsCalls.length} AWS calls${m.awsCalls.length ? `: ${[...new Set(m.awsCalls)].join(', ')}` : ''}); goal <= ${mib(RSS_GOAL_BYTES)}: ${verdict(m.rssBytes <= RSS_GOAL_BYTES)}`,
      );
    }
  } else {
    lines.push(`  memory: NOT MEASURED: ${figures.memoryError ?? 'unknown error'}`);
  }
  return lines;
}
