/**
 * Switchyard's schedule for the modelled RTO (rto.ts): the real controller in us-east-2 and the
 * external probe agent (npm start's topology: the primary's cluster dies with its region) with the
 * example's plan and RegionHealth probes, every duration of theirs scaled to the simulator's clock;
 * from `region-down us-east-1` until Route 53 answers us-east-2.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  DEFAULT_ENGINE_OPTIONS,
  type RunningController,
  startController,
} from '../../controllers/controller.js';
import { startProbeAgent } from '../../controllers/probe-agent.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { durationMilliseconds } from '../../src/apis/common.js';
import { type RegionHealth, RegionHealthResource } from '../../src/apis/index.js';
import { EXTERNAL_VANTAGE } from '../../src/cli/platform/platform.js';
import { seedTrafficForPlan } from '../../src/cli/seed-traffic.js';
import { projectRoot } from '../../src/schema/paths.js';
import { examplePlan, seedTradingEstate } from '../controller/estate.js';
import {
  type BenchKube,
  benchControllerOptions,
  benchPlan,
  nextNamespace,
  pollUntil,
} from './controller-env.js';
import { albAddress, type RtoRun, startSimulator, ttlMsOf, untilDnsAnswers, watchWriter } from './rto-sim.js';

/** An AWS duration on the compressed clock (at least 1 ms). */
const onClock = (awsMs: number, timeScale: number) => Math.max(1, Math.round(awsMs * timeScale));

/** The example's probes this bench runs (see regionHealths). */
const probedHere = (health: RegionHealth) =>
  health.spec.probes.filter((probe) => probe.type !== 'CloudWatchAlarm');

/**
 * The example's RegionHealth objects of the standby's cluster vantage, and the same for the
 * external agent (npm start's topology: the primary's cluster dies with its region), with the
 * ALB probes pointed at the simulator's listeners and every duration scaled. The alb-5xx alarm
 * probe is left out: the seeded simulator has no such alarm, and it is not one of the plan's signals.
 */
function regionHealths(
  ns: string,
  sim: AwsSimulator,
  timeScale: number,
): { healths: RegionHealth[]; longestIntervalMs: number } {
  const scaled = (awsMs: number) => `${onClock(awsMs, timeScale)}ms`;
  const file = join(projectRoot(), 'examples/failover/region-health.yaml');
  const examples = parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => RegionHealthResource.parse(document.toJS()))
    .filter((health) => health.spec.vantage === 'cluster-use2');
  const healths = examples.flatMap((health) =>
    ['cluster-use2', EXTERNAL_VANTAGE].map((vantage): RegionHealth => {
      const alb = sim.albs.find((a) => a.region === health.spec.region);
      return {
        apiVersion: health.apiVersion,
        kind: health.kind,
        metadata: { name: (health.metadata.name ?? '').replace('cluster-use2', vantage), namespace: ns },
        spec: {
          ...health.spec,
          vantage,
          probes: probedHere(health).map((probe) => ({
            ...probe,
            ...(probe.http ? { http: { ...probe.http, url: `${alb?.url ?? ''}/healthz` } } : {}),
            interval: scaled(durationMilliseconds(probe.interval) ?? Number.NaN),
            timeout: scaled(durationMilliseconds(probe.timeout) ?? Number.NaN),
          })),
        },
      } as RegionHealth;
    }),
  );
  const intervals = examples.flatMap((h) => probedHere(h).map((p) => durationMilliseconds(p.interval) ?? 0));
  return { healths, longestIntervalMs: Math.max(...intervals) };
}

export async function switchyardRun(kube: BenchKube, timeScale: number): Promise<RtoRun> {
  const ns = nextNamespace('bench-rto');
  await kube.createNamespace(ns);
  const sim = await startSimulator(timeScale);
  const running: RunningController[] = [];
  try {
    await seedTradingEstate(sim);
    const traffic = await seedTrafficForPlan(examplePlan.spec, sim.url, {
      albDnsName: (region) => sim.albs.find((a) => a.region === region)?.dnsName ?? '',
    });
    // Fully automatic, like the seed: with WhenLagExceedsBudget a person's decision would be part of the RTO.
    await kube.create(
      ns,
      'failoverplans',
      benchPlan(ns, (plan) => {
        plan.spec.automatic.approval = 'Never';
      }),
    );
    const { healths, longestIntervalMs } = regionHealths(ns, sim, timeScale);
    for (const health of healths) await kube.create(ns, 'regionhealths', health);
    const scale = (ms: number) => onClock(ms, timeScale);
    const settings = {
      label: 'production defaults on the simulated clock',
      engine: {
        maxStepAttempts: DEFAULT_ENGINE_OPTIONS.maxStepAttempts,
        pollIntervalMs: scale(DEFAULT_ENGINE_OPTIONS.pollIntervalMs),
        waitTimeoutMs: scale(DEFAULT_ENGINE_OPTIONS.waitTimeoutMs),
        recheckIntervalMs: scale(DEFAULT_ENGINE_OPTIONS.recheckIntervalMs),
      },
      retryBaseDelayMs: scale(500),
    };
    const options = benchControllerOptions(kube.kubeconfig, sim, 'us-east-2', settings, 'cluster-use2');
    running.push(
      await startController({
        ...options,
        retryMaxDelayMs: scale(30_000),
        gateKeeperIntervalMs: scale(10_000),
      }),
      await startProbeAgent({ ...options, vantage: EXTERNAL_VANTAGE }),
    );
    // Healthy everywhere for a whole trigger window, and DNS on the primary, before the fault.
    await pollUntil(
      async () => {
        const all = await Promise.all(healths.map((h) => kube.getRegionHealth(ns, h.metadata.name ?? '')));
        return all.every((h) => h.status?.healthy === true) ? true : undefined;
      },
      'every RegionHealth healthy',
      30_000,
      20,
    );
    await sim.clock.sleep(examplePlan.spec.automatic.window.outOf * longestIntervalMs);
    await untilDnsAnswers(sim, traffic.failoverName, albAddress(sim, 'us-east-1'));

    const fault = sim.clock.now();
    const faultWall = Date.now();
    sim.faults.apply('region-down', ['us-east-1']);
    let createdAt: number | undefined;
    const writer = watchWriter(sim, 'us-east-2');
    const dnsAt = await untilDnsAnswers(sim, traffic.failoverName, albAddress(sim, 'us-east-2'), async () => {
      await writer.poll();
      if (createdAt === undefined && (await kube.listFailovers(ns)).length > 0) createdAt = sim.clock.now();
    });
    const writerAt = await writer.at();
    // The journal's wall-clock times, on the simulated clock from the fault.
    const done = await pollUntil(
      async () => (await kube.listFailovers(ns)).find((f) => f.status?.phase === 'Succeeded'),
      'the automatic Failover to succeed',
      30_000,
      20,
    );
    const fromFault = (iso: string | undefined) =>
      iso === undefined ? Number.NaN : (Date.parse(iso) - faultWall) / timeScale;
    return {
      dnsMs: dnsAt - fault,
      writerMs: writerAt - fault,
      ttlMs: ttlMsOf(sim, traffic.failoverName),
      ...(createdAt === undefined ? {} : { createdMs: createdAt - fault }),
      steps: (done.status?.journal ?? []).map((entry) => ({
        name: entry.name,
        startMs: fromFault(entry.startedAt),
        endMs: fromFault(entry.finishedAt),
      })),
    };
  } finally {
    for (const part of running) await part.stop();
    await sim.close();
  }
}
