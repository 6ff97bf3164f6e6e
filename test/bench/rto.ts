/**
 * Modelled RTO (issue 19): on the AWS simulator, with AWS's published durations (Aurora promotion
 * 5 + 60 s, Route 53 checks 30 s × 3, 60 s TTL on ALB aliases, switch alarms evaluated once per
 * 10-second period; local/aws cites them), run
 *  (a) Switchyard's schedule: the real controller in us-east-2 and the external probe agent with the
 *      example's RegionHealth probes and plan (detection, the trigger's window, the unplanned
 *      steps), from `region-down us-east-1` until Route 53 (TestDNSAnswer) answers us-east-2;
 *  (b) the seed design's schedule (seed-actor.ts) on the same simulator, to the same moment.
 * Both then add the record's TTL: a client may keep the old answer that long, so fault → every
 * client resolving us-east-2 is the RTO the goals apply to.
 *
 * The simulator runs at a time scale (real ms per AWS ms) and every duration of the controller
 * (probe intervals and timeouts, engine polling and retries, the gate keeper) is scaled by the same
 * factor, so the whole schedule runs on one compressed clock; times are read on the simulator's
 * clock, i.e. in AWS seconds. What does not compress is the processes' own work (kube API calls,
 * SDK round trips): each real millisecond of it counts 1/scale simulated ones, which makes the
 * figures conservative. Switchyard's controller does much more of it than the seed's few calls,
 * so it runs at a slower scale (measured: 0.05 added ~20 s to its 134 s at 0.1 under load); the
 * seed's figures did not move between the two.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import { parseAllDocuments } from 'yaml';
import {
  DEFAULT_ENGINE_OPTIONS,
  type RunningController,
  startController,
} from '../../controllers/controller.js';
import { startProbeAgent } from '../../controllers/probe-agent.js';
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import { DEFAULT_AURORA_TIMINGS } from '../../local/aws/rds/global-failover.js';
import { durationMilliseconds } from '../../src/apis/common.js';
import { type RegionHealth, RegionHealthResource } from '../../src/apis/index.js';
import { seedTrafficForPlan } from '../../src/cli/seed-traffic.js';
import { projectRoot } from '../../src/schema/paths.js';
import { route53Client } from '../aws/support.js';
import { examplePlan, seedTradingEstate } from '../controller/estate.js';
import {
  type BenchKube,
  benchControllerOptions,
  benchPlan,
  nextNamespace,
  percentile,
  pollUntil,
  startBenchKube,
} from './controller-env.js';
import { atLeast, atMost, type Figure, measured, type Section } from './figures.js';
import { deploySeedDesign, type SeedDeployment } from './seed-actor.js';
import { detectionDelayMs, SEED_SCHEDULE, seedRtoBounds } from './seed-design.js';

/**
 * Real ms per AWS ms for Switchyard's runs (its 2.5 minutes take 15 s) and the seed's (4 minutes
 * in 12 s). SWITCHYARD_BENCH_RTO_TIME_SCALE changes Switchyard's, to see how much the processes'
 * own work weighs.
 */
export const RTO_TIME_SCALE = Number(process.env.SWITCHYARD_BENCH_RTO_TIME_SCALE ?? 0.1);
export const SEED_TIME_SCALE = 0.05;
const RTO_RUNS = 3;
/** Issue 19's goals: Switchyard within 2.5 min, and at least twice as fast as the seed. */
const RTO_GOAL_MS = 150_000;
const RATIO_GOAL = 2;
/** How often the bench asks Route 53 (AWS ms). */
const DNS_POLL_MS = 1_000;
const PROMOTION_MS = DEFAULT_AURORA_TIMINGS.pendingMs + DEFAULT_AURORA_TIMINGS.failoverMs;
const EXTERNAL_VANTAGE = 'external';

interface RtoRun {
  /** Fault → Route 53 answers us-east-2 (AWS ms). */
  dnsMs: number;
  ttlMs: number;
  /** Switchyard only: fault → the automatic Failover exists; its steps from the fault (AWS ms). */
  createdMs?: number;
  steps?: { name: string; startMs: number; endMs: number }[];
  /** Seed only: fault → the Lambda asked for the promotion. */
  requestedMs?: number;
}

const scaled = (awsMs: number) => `${Math.max(1, Math.round(awsMs * RTO_TIME_SCALE))}ms`;

function startSimulator(timeScale: number): Promise<AwsSimulator> {
  return startAwsSimulator({ timeScale, alarmEvaluation: 'per-period' });
}

/**
 * The example's RegionHealth objects of the standby's cluster vantage, and the same for the
 * external agent (npm start's topology: the primary's cluster dies with its region), with the
 * ALB probes pointed at the simulator's listeners and every duration scaled. The alb-5xx alarm
 * probe is left out: the seeded simulator has no such alarm, and it is not one of the plan's signals.
 */
function regionHealths(ns: string, sim: AwsSimulator): RegionHealth[] {
  const file = join(projectRoot(), 'examples/failover/region-health.yaml');
  const examples = parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => RegionHealthResource.parse(document.toJS()))
    .filter((health) => health.spec.vantage === 'cluster-use2');
  return examples.flatMap((health) =>
    ['cluster-use2', EXTERNAL_VANTAGE].map((vantage): RegionHealth => {
      const alb = sim.albs.find((a) => a.region === health.spec.region);
      return {
        apiVersion: health.apiVersion,
        kind: health.kind,
        metadata: {
          name: `${health.metadata.name}-${vantage}`.replace('-cluster-use2-', '-'),
          namespace: ns,
        },
        spec: {
          ...health.spec,
          vantage,
          probes: health.spec.probes
            .filter((probe) => probe.type !== 'CloudWatchAlarm')
            .map((probe) => ({
              ...probe,
              ...(probe.http ? { http: { ...probe.http, url: `${alb?.url ?? ''}/healthz` } } : {}),
              interval: scaled(durationMilliseconds(probe.interval) ?? Number.NaN),
              timeout: scaled(durationMilliseconds(probe.timeout) ?? Number.NaN),
            })),
        },
      } as RegionHealth;
    }),
  );
}

/** Polls TestDNSAnswer (over the SDK, as a client's resolver would ask) until it answers `address`. */
async function untilDnsAnswers(
  sim: AwsSimulator,
  zoneId: string,
  name: string,
  address: string,
  onPoll: () => Promise<void> = async () => undefined,
): Promise<number> {
  const route53 = route53Client(sim);
  return pollUntil(
    async () => {
      await onPoll();
      const out = await route53.send(
        new TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: name, RecordType: 'A' }),
      );
      return out.RecordData?.length === 1 && out.RecordData[0] === address ? sim.clock.now() : undefined;
    },
    `${name} to answer ${address}`,
    sim.clock.toRealMs(20 * 60_000),
    sim.clock.toRealMs(DNS_POLL_MS),
  );
}

const albAddress = (sim: AwsSimulator, region: string) =>
  sim.albs.find((a) => a.region === region)?.address ?? '';
const ttlMsOf = (sim: AwsSimulator, name: string) =>
  (sim.route53.resolve(name, 'A', 'us-east-1').ttl ?? 0) * 1000;

async function switchyardRun(kube: BenchKube): Promise<RtoRun> {
  const ns = nextNamespace('bench-rto');
  await kube.createNamespace(ns);
  const sim = await startSimulator(RTO_TIME_SCALE);
  const running: RunningController[] = [];
  try {
    await seedTradingEstate(sim);
    const traffic = await seedTrafficForPlan(examplePlan.spec, sim.url, {
      domainName: 'trading.example.com',
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
    const healths = regionHealths(ns, sim);
    for (const health of healths) await kube.create(ns, 'regionhealths', health);
    const scale = (ms: number) => Math.max(1, Math.round(ms * RTO_TIME_SCALE));
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
    const window = examplePlan.spec.automatic.window.outOf;
    await sim.clock.sleep(window * 10_000);
    await untilDnsAnswers(sim, traffic.zoneId, traffic.failoverName, albAddress(sim, 'us-east-1'));

    const fault = sim.clock.now();
    const faultWall = Date.now();
    sim.faults.apply('region-down', ['us-east-1']);
    let createdAt: number | undefined;
    const dnsAt = await untilDnsAnswers(
      sim,
      traffic.zoneId,
      traffic.failoverName,
      albAddress(sim, 'us-east-2'),
      async () => {
        if (createdAt === undefined && (await kube.listFailovers(ns)).length > 0) createdAt = sim.clock.now();
      },
    );
    // The journal's wall-clock times, on the simulated clock from the fault.
    const done = await pollUntil(
      async () => (await kube.listFailovers(ns)).find((f) => f.status?.phase === 'Succeeded'),
      'the automatic Failover to succeed',
      30_000,
      20,
    );
    const fromFault = (iso: string | undefined) =>
      iso === undefined ? Number.NaN : (Date.parse(iso) - faultWall) / RTO_TIME_SCALE;
    return {
      dnsMs: dnsAt - fault,
      ttlMs: ttlMsOf(sim, traffic.failoverName),
      ...(createdAt === undefined ? {} : { createdMs: createdAt - fault }),
      steps: (done.status?.journal ?? []).map((entry) => ({
        name: entry.name,
        startMs: fromFault(entry.startedAt),
        endMs: fromFault(entry.finishedAt),
      })),
    };
  } finally {
    for (const process of running) await process.stop();
    await sim.close();
  }
}

async function seedRun(run: number): Promise<RtoRun> {
  const sim = await startSimulator(SEED_TIME_SCALE);
  let seed: SeedDeployment | undefined;
  try {
    await seedTradingEstate(sim);
    seed = await deploySeedDesign(sim, examplePlan.spec, SEED_SCHEDULE, 'seed.example.com');
    const standbyCheck = seed.checks['us-east-2'] ?? '';
    // New checks start healthy: wait until the standby's has seen it is not writable.
    await pollUntil(
      async () => (sim.route53.isHealthy(standbyCheck) ? undefined : true),
      "the seed's standby check to turn unhealthy",
      sim.clock.toRealMs(10 * 60_000),
      20,
    );
    await untilDnsAnswers(sim, seed.zoneId, seed.failoverName, albAddress(sim, 'us-east-1'));
    const delay = detectionDelayMs(run, RTO_RUNS, SEED_SCHEDULE.lambdaPeriodMs);
    let wait = seed.nextInvocationAt() - delay - sim.clock.now();
    if (wait < 0) wait += SEED_SCHEDULE.lambdaPeriodMs;
    await sim.clock.sleep(wait);
    const fault = sim.clock.now();
    sim.faults.apply('region-down', ['us-east-1']);
    const dnsAt = await untilDnsAnswers(sim, seed.zoneId, seed.failoverName, albAddress(sim, 'us-east-2'));
    const requestedAt = seed.failoverRequestedAt();
    return {
      dnsMs: dnsAt - fault,
      ttlMs: ttlMsOf(sim, seed.failoverName),
      ...(requestedAt === undefined ? {} : { requestedMs: requestedAt - fault }),
    };
  } finally {
    await seed?.stop();
    await sim.close();
  }
}

const seconds = (ms: number) => ms / 1000;
const median = (values: number[]) => percentile(values, 50);
const list = (values: (number | undefined)[]) =>
  values.map((v) => (v === undefined ? '?' : seconds(v).toFixed(0))).join(', ');

/** The run whose DNS time is the median (the lower middle for an even count). */
function medianRun(runs: RtoRun[]): RtoRun | undefined {
  return [...runs].sort((a, b) => a.dnsMs - b.dnsMs)[Math.floor((runs.length - 1) / 2)];
}

/** `preflight 53, fence 54, …, wait-writer 64–131`: each step's start, and its end when it took ≥ 1 s. */
export function stepTimeline(run: RtoRun | undefined): string {
  return (run?.steps ?? [])
    .map(({ name, startMs, endMs }) => {
      const start = seconds(startMs).toFixed(0);
      return endMs - startMs >= 1_000 ? `${name} ${start}–${seconds(endMs).toFixed(0)}` : `${name} ${start}`;
    })
    .join(', ');
}

export function rtoFigures(switchyard: RtoRun[], seed: RtoRun[]): Figure[] {
  const client = (runs: RtoRun[]) => runs.map((r) => r.dnsMs + r.ttlMs);
  const ttl = seconds(switchyard[0]?.ttlMs ?? Number.NaN);
  const switchyardClient = median(client(switchyard));
  const seedClient = median(client(seed));
  const bounds = seedRtoBounds(SEED_SCHEDULE, PROMOTION_MS, seed[0]?.ttlMs ?? Number.NaN);
  const within = seed.every((r) => r.dnsMs >= bounds.dnsMs[0] && r.dnsMs <= bounds.dnsMs[1] + DNS_POLL_MS);
  return [
    measured(
      'rto.switchyard.dns',
      'Switchyard: region-down → DNS answers us-east-2 (median)',
      seconds(median(switchyard.map((r) => r.dnsMs))),
      's',
      {
        note: `runs: ${list(switchyard.map((r) => r.dnsMs))} s; automatic Failover created after ${list(switchyard.map((r) => r.createdMs))} s; steps of the median run (s from the fault): ${stepTimeline(medianRun(switchyard))}`,
      },
    ),
    measured(
      'rto.switchyard',
      `Switchyard modelled RTO: + TTL ${ttl.toFixed(0)} s, every client on us-east-2 (median)`,
      seconds(switchyardClient),
      's',
      {
        goal: atMost(seconds(RTO_GOAL_MS)),
      },
    ),
    measured(
      'rto.seed.dns',
      'seed design: region-down → DNS answers us-east-2 (median)',
      seconds(median(seed.map((r) => r.dnsMs))),
      's',
      {
        note: `runs: ${list(seed.map((r) => r.dnsMs))} s, ${within ? 'each within' : 'NOT all within'} the schedule's bounds ${seconds(bounds.dnsMs[0])}–${seconds(bounds.dnsMs[1])} s; the Lambda asked for the promotion after ${list(seed.map((r) => r.requestedMs))} s`,
      },
    ),
    measured(
      'rto.seed',
      `seed design modelled RTO: + TTL ${ttl.toFixed(0)} s (median)`,
      seconds(seedClient),
      's',
      {
        note: `the schedule allows ${seconds(bounds.clientMs[0])}–${seconds(bounds.clientMs[1])} s`,
      },
    ),
    measured('rto.ratio', 'seed RTO / Switchyard RTO, same run', seedClient / switchyardClient, '×', {
      goal: atLeast(RATIO_GOAL),
      note: `without the TTL both pay: ${(median(seed.map((r) => r.dnsMs)) / median(switchyard.map((r) => r.dnsMs))).toFixed(2)}×`,
    }),
  ];
}

export async function measureRto(): Promise<Section> {
  const started = performance.now();
  const kube = await startBenchKube();
  const switchyard: RtoRun[] = [];
  const seed: RtoRun[] = [];
  try {
    // Alternated, so both designs see the same load over the section.
    for (let run = 0; run < RTO_RUNS; run++) {
      switchyard.push(await switchyardRun(kube));
      seed.push(await seedRun(run));
    }
  } finally {
    await kube.close();
  }
  return {
    id: 'rto',
    title: 'Modelled RTO (issue 19): Switchyard vs the seed design on the AWS simulator',
    setup: `AWS simulator at time scale ${RTO_TIME_SCALE} for Switchyard and ${SEED_TIME_SCALE} for the seed (${RTO_RUNS} runs of each design, alternated; ${((performance.now() - started) / 1000).toFixed(0)} s real), times in simulated AWS seconds, \`region-down us-east-1\` → Route 53 answers us-east-2, + the record's TTL. AWS durations: Aurora promotion ${seconds(PROMOTION_MS)} s, Route 53 checks 30 s × 3, switch alarms evaluated per 10 s period, ALB alias TTL 60 s. Switchyard: the controller in us-east-2 + the external probe agent, the example plan (window 3 of 5, approval Never) and RegionHealth probes (10 s × 3), every controller duration scaled alike. Seed: a Lambda every ${seconds(SEED_SCHEDULE.lambdaPeriodMs)} s acting on ${SEED_SCHEDULE.failuresToAct} failed check, failover records with ${seconds(SEED_SCHEDULE.checkIntervalMs)} s × ${SEED_SCHEDULE.checkFailureThreshold} checks of each region's writability, no fencing. The processes' own work does not compress: each real ms of Switchyard's counts ${(1 / RTO_TIME_SCALE).toFixed(0)} AWS ms (conservative).`,
    figures: rtoFigures(switchyard, seed),
  };
}
