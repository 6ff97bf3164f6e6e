import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memberArn } from '../../controllers/failover/plan-view.js';
import { CONTROLLER_NODE_FLAGS } from '../../controllers/runtime-flags.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { Failover } from '../../src/apis/index.js';
import { projectRoot } from '../../src/schema/paths.js';
import { bundleController } from '../../tools/build-controller.js';
import { examplePlan } from '../controller/estate.js';
import { nextMessage } from './child-message.js';
import {
  API_VERSION,
  type BenchKube,
  benchPlan,
  example,
  pollUntil,
  regionHealth,
  seededSimulator,
} from './controller-env.js';
import { expectStatus, timed } from './kube-http.js';

/**
 * Controller memory (issue 8): the controller alone in a child process (no vantage, readiness off,
 * engine defaults) watching N RegionHealth objects (with status) and 100 already Succeeded
 * Failovers; RSS after /readyz, 2 s of reconciles and a full GC. N is 1,000 (the goal) and then
 * 10,000 (the same namespace grown), in the shape the image runs; at 1,000 also under tsx (as
 * `npm run controller`).
 */

export const MEMORY_FAILOVERS = 100;
const BULK_CONCURRENCY = 8;

export interface MemoryFigures {
  label: string;
  /** The shape the image runs (the goal's), or `npm run controller`'s. */
  shape: 'image' | 'tsx';
  objects: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** RSS after the imports and a GC, before startController. */
  baselineRssBytes: number;
  peakRssBytes: number;
  /** AWS requests the simulator received while the child ran (operation names). */
  awsCalls: string[];
}

interface ChildVariant {
  label: string;
  shape: MemoryFigures['shape'];
  script: string;
  execArgv: string[];
}

/** The child as the image runs it (bundle + flags), and as `npm run controller` runs it (tsx). */
async function childVariants(dir: string): Promise<{ image: ChildVariant; tsx: ChildVariant }> {
  const script = join(projectRoot(), 'test/bench/controller-child.ts');
  const bundle = join(dir, 'controller-child.mjs');
  await bundleController(script, bundle);
  return {
    image: {
      label: 'bundle + image flags',
      shape: 'image',
      script: bundle,
      execArgv: ['--expose-gc', ...CONTROLLER_NODE_FLAGS],
    },
    tsx: {
      label: 'tsx (as npm run controller)',
      shape: 'tsx',
      script,
      execArgv: ['--import', 'tsx', '--expose-gc'],
    },
  };
}

async function measureChild(
  kube: BenchKube,
  sim: AwsSimulator,
  variant: ChildVariant,
  objects: number,
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
    await pollUntil(
      async () => ((await fetch(`${ready.ready}/readyz`)).status === 200 ? true : undefined),
      'controller /readyz',
      60_000,
      50,
    );
    // Let the terminal Failovers (and the informers' initial events) be reconciled.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    child.send('memory');
    const { memory, maxRssKiB } = await nextMessage<{ memory: NodeJS.MemoryUsage; maxRssKiB: number }>(
      child,
      'memory',
      'controller',
    );
    return {
      label: variant.label,
      shape: variant.shape,
      objects,
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

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

const PROBES = [
  {
    name: 'alb',
    type: 'HTTP',
    http: { url: 'https://us-east-1.api.trading.example.com/healthz' },
    interval: '1s',
    timeout: '500ms',
    failureThreshold: 2,
  },
  { name: 'alb-tcp', type: 'TCP', tcp: { host: 'us-east-1.api.trading.example.com', port: 443 } },
  {
    name: 'aurora-writer',
    type: 'AuroraWriter',
    auroraWriter: { clusterArn: memberArn(examplePlan.spec, 'us-east-1') },
  },
];

/** RegionHealth objects `from`..`to`-1 with a healthy status, created BULK_CONCURRENCY at a time. */
async function createHealths(kube: BenchKube, ns: string, from: number, to: number): Promise<void> {
  const base = `/apis/${API_VERSION}/namespaces/${ns}/regionhealths`;
  const at = now();
  await timed(to - from, BULK_CONCURRENCY, async (offset) => {
    const i = from + offset;
    const name = `health-${i}`;
    // Vantages no controller in this bench has: nothing is probed, the objects are only watched.
    const region = i % 2 ? 'us-east-1' : 'us-east-2';
    const created = await kube.http.request(
      'POST',
      base,
      regionHealth(ns, name, region, `vantage-${i % 50}`, PROBES),
    );
    expectStatus(created, `create RegionHealth ${name}`, 201);
    const patched = await kube.http.request(
      'PATCH',
      `${base}/${name}/status`,
      {
        status: {
          healthy: true,
          signals: PROBES.map((p) => ({
            name: p.name,
            healthy: true,
            message: 'HTTP 200',
            lastTransitionTime: at,
            lastProbeTime: at,
          })),
          conditions: [
            {
              type: 'Healthy',
              status: 'True',
              reason: 'AllSignalsHealthy',
              message: `${region} healthy`,
              lastTransitionTime: at,
            },
          ],
        },
      },
      'application/merge-patch+json',
    );
    expectStatus(patched, `patch status of RegionHealth ${name}`, 200);
  });
}

const STEPS = [
  'preflight',
  'approval',
  'fence',
  'scale-down-old',
  'scale-up',
  'promote',
  'wait-writer',
  'verify',
];

async function createSucceededFailovers(kube: BenchKube, ns: string): Promise<void> {
  const base = `/apis/${API_VERSION}/namespaces/${ns}/failovers`;
  const at = now();
  await timed(MEMORY_FAILOVERS, BULK_CONCURRENCY, async (i) => {
    const failover = example<Failover>('failover-unplanned.yaml', ns);
    const name = `done-${i}`;
    failover.metadata.name = name;
    expectStatus(await kube.http.request('POST', base, failover), `create Failover ${name}`, 201);
    const status = {
      phase: 'Succeeded',
      startedAt: at,
      completedAt: at,
      journal: STEPS.map((step) => ({
        name: step,
        state: 'Succeeded',
        region: 'us-east-2',
        attempts: 1,
        startedAt: at,
        finishedAt: at,
      })),
      conditions: [
        { type: 'Succeeded', status: 'True', reason: 'Completed', message: 'done', lastTransitionTime: at },
      ],
    };
    const patched = await kube.http.request(
      'PATCH',
      `${base}/${name}/status`,
      { status },
      'application/merge-patch+json',
    );
    expectStatus(patched, `patch status of Failover ${name}`, 200);
  });
}

/** RSS at each of `sizes` RegionHealth objects (ascending), in one namespace grown between them. */
export async function measureMemory(kube: BenchKube, sizes: readonly number[]): Promise<MemoryFigures[]> {
  const ns = 'bench-memory';
  await kube.createNamespace(ns);
  const sim = await seededSimulator();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-child-'));
  try {
    await kube.create(ns, 'failoverplans', benchPlan(ns));
    await createSucceededFailovers(kube, ns);
    const { image, tsx } = await childVariants(dir);
    const figures: MemoryFigures[] = [];
    let created = 0;
    for (const [index, size] of sizes.entries()) {
      await createHealths(kube, ns, created, size);
      created = size;
      figures.push(await measureChild(kube, sim, image, size));
      // tsx only at the first size: it costs a constant more (the compiler), not more per object.
      if (index === 0) figures.push(await measureChild(kube, sim, tsx, size));
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sim.close();
  }
}
