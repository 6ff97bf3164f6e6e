/**
 * Modelled RTO (issue 19): on the AWS simulator, with AWS's published durations (Aurora promotion
 * 5 + 60 s, Route 53 checks 30 s × 3, 60 s TTL on ALB aliases, switch alarms evaluated once per
 * 10-second period; local/aws cites them), run
 *  (a) Switchyard's schedule (rto-switchyard.ts): the real controller and probes with the example's
 *      plan, from `region-down us-east-1` until Route 53 (TestDNSAnswer) answers us-east-2;
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
import { DEFAULT_AURORA_TIMINGS } from '../../local/aws/rds/global-failover.js';
import { examplePlan, seedTradingEstate } from '../controller/estate.js';
import { percentile, pollUntil, startBenchKube } from './controller-env.js';
import { atLeast, atMost, type Figure, measured, type Section } from './figures.js';
import {
  albAddress,
  DNS_POLL_MS,
  type RtoRun,
  startSimulator,
  ttlMsOf,
  untilDnsAnswers,
  watchWriter,
} from './rto-sim.js';
import { switchyardRun } from './rto-switchyard.js';
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
const PROMOTION_MS = DEFAULT_AURORA_TIMINGS.pendingMs + DEFAULT_AURORA_TIMINGS.failoverMs;

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
    await untilDnsAnswers(sim, seed.failoverName, albAddress(sim, 'us-east-1'));
    const delay = detectionDelayMs(run, RTO_RUNS, SEED_SCHEDULE.lambdaPeriodMs);
    let wait = seed.nextInvocationAt() - delay - sim.clock.now();
    if (wait < 0) wait += SEED_SCHEDULE.lambdaPeriodMs;
    await sim.clock.sleep(wait);
    const fault = sim.clock.now();
    sim.faults.apply('region-down', ['us-east-1']);
    const writer = watchWriter(sim, 'us-east-2');
    const dnsAt = await untilDnsAnswers(sim, seed.failoverName, albAddress(sim, 'us-east-2'), writer.poll);
    const writerAt = await writer.at();
    const requestedAt = seed.failoverRequestedAt();
    return {
      dnsMs: dnsAt - fault,
      writerMs: writerAt - fault,
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
  // A client is served in us-east-2 once its cached answer expired and the cluster there writes.
  const client = (runs: RtoRun[]) => runs.map((r) => Math.max(r.dnsMs + r.ttlMs, r.writerMs));
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
      `Switchyard modelled RTO: + TTL ${ttl.toFixed(0)} s and us-east-2 writing, every client served there (median)`,
      seconds(switchyardClient),
      's',
      {
        goal: atMost(seconds(RTO_GOAL_MS)),
        note: `runs: ${list(client(switchyard))} s; us-east-2 writing after ${list(switchyard.map((r) => r.writerMs))} s, DNS + TTL after ${list(switchyard.map((r) => r.dnsMs + r.ttlMs))} s`,
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
      `seed design modelled RTO: + TTL ${ttl.toFixed(0)} s and us-east-2 writing (median)`,
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
      switchyard.push(await switchyardRun(kube, RTO_TIME_SCALE));
      seed.push(await seedRun(run));
    }
  } finally {
    await kube.close();
  }
  return {
    id: 'rto',
    title: 'Modelled RTO (issue 19): Switchyard vs the seed design on the AWS simulator',
    setup: `AWS simulator at time scale ${RTO_TIME_SCALE} for Switchyard and ${SEED_TIME_SCALE} for the seed (${RTO_RUNS} runs of each design, alternated; ${((performance.now() - started) / 1000).toFixed(0)} s real), times in simulated AWS seconds, \`region-down us-east-1\` → Route 53 answers us-east-2, + the record's TTL. AWS durations: Aurora promotion ${seconds(PROMOTION_MS)} s, Route 53 checks 30 s × 3, switch alarms evaluated per 10 s period, ALB alias TTL 60 s. Switchyard: the controller in us-east-2 + the external probe agent, the example plan (window 3 of 5, approval Never) and RegionHealth probes every 10 s (the window counts raw results), every controller duration scaled alike. Seed: a Lambda every ${seconds(SEED_SCHEDULE.lambdaPeriodMs)} s acting on ${SEED_SCHEDULE.failuresToAct} failed check, failover records with ${seconds(SEED_SCHEDULE.checkIntervalMs)} s × ${SEED_SCHEDULE.checkFailureThreshold} checks of each region's writability, no fencing. The processes' own work does not compress: each real ms of Switchyard's counts ${(1 / RTO_TIME_SCALE).toFixed(0)} AWS ms (conservative).`,
    figures: rtoFigures(switchyard, seed),
  };
}
