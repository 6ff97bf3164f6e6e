import { type RunningController, startController } from '../../controllers/controller.js';
import { memberArn } from '../../controllers/failover/plan-view.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { durationMilliseconds } from '../../src/apis/common.js';
import { type FailoverPlan, type RegionHealth, RegionHealthResource } from '../../src/apis/index.js';
import { examplePlan } from '../controller/estate.js';
import {
  type BenchControllerSettings,
  type BenchKube,
  benchControllerOptions,
  benchPlan,
  nextNamespace,
  pollUntil,
  regionHealth,
  seededSimulator,
} from './controller-env.js';

/**
 * Detection (issue 8): RegionHealth probes of two vantages (two controllers: us-east-2/cluster-use2,
 * the survivor that triggers, and us-east-1/cluster-use1) → the automatic trigger; from the
 * simulator's `region-down us-east-1` to the automatic Failover object existing (polled every 5 ms).
 * The goal's bound is read from the RegionHealth objects the run creates, not from constants.
 */

// Whole seconds, like real probe settings (the example uses 10 s), scaled down to keep the bench short.
const PROBE = { interval: '1s', timeout: '500ms', failureThreshold: 2 };
const PRIMARY_HEALTHS = ['use1-from-use2', 'use1-from-use1'];

export interface DetectionRun {
  /**
   * region-down → both vantages' RegionHealth of us-east-1 report a failed probe
   * (consecutiveFailures > 0, the raw result the trigger counts; `healthy` waits for failureThreshold).
   */
  failingMs: number;
  /** region-down → the automatic Failover exists. */
  createdMs: number;
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

/**
 * How long the plan's signals take to turn unhealthy on `health` once the region is gone: under
 * the plan's policy All every signal must fail, so the slowest probe decides: interval × failure
 * threshold (the schema's defaults where the object leaves them out).
 */
export function signalDetectionMs(health: RegionHealth, signals: readonly string[]): number {
  const probes = RegionHealthResource.parse(health).spec.probes.filter((p) => signals.includes(p.name));
  if (probes.length === 0)
    throw new Error(`bench: ${health.metadata.name} probes none of ${signals.join(', ')}`);
  return Math.max(
    ...probes.map((probe) => (durationMilliseconds(probe.interval) ?? Number.NaN) * probe.failureThreshold),
  );
}

export interface DetectionSetup {
  window: { failing: number; outOf: number };
  /** interval × threshold of the probes the trigger waits for (from the RegionHealth objects). */
  signalMs: number;
  /** The longest probe interval of the same objects (the healthy history before the fault is a window of them). */
  intervalMs: number;
  runs: DetectionRun[];
}

export async function measureDetection(
  kube: BenchKube,
  settings: BenchControllerSettings,
  window: { failing: number; outOf: number },
  runs: number,
): Promise<DetectionSetup> {
  const setup: DetectionSetup = { window, signalMs: Number.NaN, intervalMs: Number.NaN, runs: [] };
  for (let run = 0; run < runs; run++) setup.runs.push(await oneDetection(kube, settings, setup));
  return setup;
}

async function oneDetection(
  kube: BenchKube,
  settings: BenchControllerSettings,
  setup: DetectionSetup,
): Promise<DetectionRun> {
  const ns = nextNamespace('bench-detect');
  await kube.createNamespace(ns);
  const sim = await seededSimulator();
  const controllers: RunningController[] = [];
  try {
    const plan = benchPlan(ns, (p) => {
      p.spec.automatic.window = setup.window;
    });
    await kube.create(ns, 'failoverplans', plan);
    const healths = healthObjects(ns, sim);
    for (const health of healths) await kube.create(ns, 'regionhealths', health);
    const primary = healths.filter((h) => PRIMARY_HEALTHS.includes(h.metadata.name ?? ''));
    setup.signalMs = Math.max(...primary.map((h) => signalDetectionMs(h, signalsOf(plan))));
    setup.intervalMs = Math.max(
      ...primary.flatMap((h) =>
        RegionHealthResource.parse(h).spec.probes.map((p) => durationMilliseconds(p.interval) ?? Number.NaN),
      ),
    );
    controllers.push(
      await startController(
        benchControllerOptions(kube.kubeconfig, sim, 'us-east-2', settings, 'cluster-use2'),
      ),
      await startController(
        benchControllerOptions(kube.kubeconfig, sim, 'us-east-1', settings, 'cluster-use1'),
      ),
    );
    const read = (name: string) => kube.getRegionHealth(ns, name);
    // Every vantage healthy for a full window first, so the trigger has healthy history.
    await pollUntil(
      async () => {
        const all = await Promise.all(healths.map((h) => read(h.metadata.name ?? '')));
        return all.every((h) => h.status?.healthy === true) ? true : undefined;
      },
      'every RegionHealth healthy',
      20_000,
      20,
    );
    await new Promise((resolve) => setTimeout(resolve, setup.intervalMs * setup.window.outOf));
    const start = performance.now();
    sim.faults.apply('region-down', ['us-east-1']);
    let failingMs = Number.NaN;
    const failing = (health: RegionHealth) =>
      health.status?.signals?.some((signal) => (signal.consecutiveFailures ?? 0) > 0) === true;
    await pollUntil(
      async () => {
        if (Number.isNaN(failingMs)) {
          const states = await Promise.all(PRIMARY_HEALTHS.map(read));
          if (states.every(failing)) failingMs = performance.now() - start;
        }
        const created = await kube.listFailovers(ns);
        return created.length > 0 ? created : undefined;
      },
      'the automatic Failover',
      30_000,
    );
    return { failingMs, createdMs: performance.now() - start };
  } finally {
    for (const controller of controllers) await controller.stop();
    await sim.close();
  }
}

const signalsOf = (plan: FailoverPlan) => plan.spec.automatic.signals ?? [];
