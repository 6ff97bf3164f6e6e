/**
 * A seeded random schedule of faults, over N runs: each run draws its events from the palette
 * below (failovers planned and unplanned, a SIGKILL at a random step boundary, latency, throttling,
 * a Route 53 control-plane outage, a vantage partition, a GitOps re-sync, an idle controller
 * killed), plays them, and checks every invariant after each. The seed is printed; CHAOS_SEED=<n>
 * replays the same schedule (the events, not their timing).
 */
import { stepsFor } from '../../../controllers/failover/step-lists.js';
import { EXTERNAL_VANTAGE } from '../../../src/cli/platform/platform.js';
import type { PairRegion } from '../../../src/estate/common/parameters.js';
import { clusterVantage } from '../../../src/plan/region-health.js';
import { startsStep } from '../../controller/kube-holding-proxy.js';
import { seededRandom } from '../../support/random.js';
import { approvedNow, failoverManifest, otherRegion, REGIONS } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import {
  applyFailover,
  automaticFailovers,
  awayFromWriter,
  followFailover,
  runFailover,
  writerRegion,
} from '../steps.js';
import { resync } from './gitops-resync.js';

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

interface Action {
  name: string;
  play(run: ScenarioRun, random: Random, id: string): Promise<void>;
}

async function switchover(run: ScenarioRun, id: string): Promise<void> {
  const target = awayFromWriter(run.platform);
  const failover = await runFailover(run, { type: 'Switchover', target, name: `chaos-${id}` });
  run.require(failover.status?.phase === 'Succeeded', `chaos-${id} ended ${failover.status?.phase}`);
  await run.event(`chaos-${id} Succeeded: the writer is ${target}`);
}

/** A fault on a service around a switchover, then lifted. */
function underFault(name: string, fault: string, values: readonly string[], off: string): Action {
  return {
    name,
    async play(run: ScenarioRun, random: Random, id: string) {
      const service = pick(random, ['rds', 'cloudwatch', 'autoscaling']);
      const value = pick(random, values);
      await run.platform.fault(fault, service, value);
      await run.event(`chaos ${fault} ${service} ${value}`);
      await switchover(run, id);
      await run.platform.fault(fault, service, off);
      await run.event(`chaos ${fault} ${service} ${off}`);
    },
  };
}

const PALETTE: Action[] = [
  { name: 'planned switchover', play: (run, _random, id) => switchover(run, id) },
  {
    name: "unplanned failover after the writer's AWS is lost",
    async play(run: ScenarioRun, _random: Random, id: string) {
      const lost = writerRegion(run.platform);
      const target = otherRegion(lost);
      await run.platform.awsFault('region-down', lost);
      await run.event(`chaos --aws region-down ${lost}`);
      const name = `chaos-${id}`;
      const failover = await runFailover(run, { type: 'Failover', target, name, spec: approvedNow() });
      run.require(failover.status?.phase === 'Succeeded', `${name} ended ${failover.status?.phase}`);
      await run.platform.awsFault('region-up', lost);
      await run.event(`chaos --aws region-up ${lost}`);
    },
  },
  {
    name: 'switchover with its controller SIGKILLed at a random step boundary',
    async play(run: ScenarioRun, random: Random, id: string) {
      const { platform } = run;
      const target = awayFromWriter(platform);
      const name = `chaos-${id}`;
      const manifest = failoverManifest(platform.estate, name, 'Switchover', target, 'chaos: random kill');
      const step = pick(random, stepsFor(manifest.spec, platform.estate.plan)).name;
      const landed = random() < 0.5;
      const held = platform.controllers.kube(target).holdNext(startsStep(name, step), 60_000);
      held.catch(() => undefined);
      await applyFailover(run, target, manifest);
      const release = await held;
      await platform.controllers.crash(target, async () => {
        if (landed) await release();
      });
      await run.event(
        `SIGKILL ${target} controller entering ${step} (its status write ${landed ? 'landed' : 'lost'})`,
      );
      const ended = await followFailover(run, target, name);
      run.require(ended.status?.phase === 'Succeeded', `${name} ended ${ended.status?.phase}`);
    },
  },
  underFault('switchover under latency', 'latency', ['5000', '15000', '30000'], '0'),
  underFault('switchover under throttling', 'throttle', ['0.3', '0.5', '1'], 'off'),
  {
    name: "switchover with Route 53's control plane down",
    async play(run: ScenarioRun, _random: Random, id: string) {
      await run.platform.fault('control-plane-down', 'route53');
      await run.event('chaos control-plane-down route53');
      await switchover(run, id);
      await run.platform.fault('control-plane-up', 'route53');
      await run.event('chaos control-plane-up route53');
    },
  },
  {
    name: 'a vantage partitioned from a region for a probe round',
    async play(run: ScenarioRun, random: Random) {
      const vantage = pick(random, [...REGIONS.map(clusterVantage), EXTERNAL_VANTAGE]);
      const region = pick(random, REGIONS);
      const before = await automaticCount(run);
      await run.platform.fault('partition', vantage, region);
      await run.event(`chaos partition ${vantage} ${region}`);
      await run.pause(12_000);
      await run.platform.fault('heal', vantage, region);
      await run.event(`chaos heal ${vantage} ${region}`);
      run.require(
        (await automaticCount(run)) === before,
        'one partitioned vantage started an automatic failover',
      );
    },
  },
  { name: 'GitOps re-sync', play: (run, random) => resync(run, Math.floor(random() * 1_000_000)) },
  {
    name: 'an idle controller SIGKILLed',
    async play(run: ScenarioRun, random: Random) {
      const region: PairRegion = pick(random, REGIONS);
      await run.platform.controllers.crash(region);
      await run.event(`SIGKILL the idle ${region} controller`);
    },
  },
];

async function automaticCount(run: ScenarioRun): Promise<number> {
  let count = 0;
  for (const region of REGIONS) count += (await automaticFailovers(run.platform, region)).length;
  return count;
}

export interface RandomScheduleOptions {
  seed: number;
  runs: number;
  /** Events per run. */
  events: number;
}

/** The events of run `index` (1-based) of the schedule: the same for the same seed on every machine. */
export function scheduleOf(
  options: RandomScheduleOptions,
  index: number,
): { random: Random; actions: Action[] } {
  const random = seededRandom(options.seed * 1_000 + index);
  return { random, actions: Array.from({ length: options.events }, () => pick(random, PALETTE)) };
}

export function randomSchedule(options: RandomScheduleOptions): Scenario {
  return {
    name: 'random-schedule',
    summary: `${options.runs} runs of ${options.events} events drawn from ${PALETTE.length} kinds of fault by seed ${options.seed} (replay: CHAOS_SEED=${options.seed})`,
    async run(run: ScenarioRun) {
      for (let index = 1; index <= options.runs; index++) {
        const { random, actions } = scheduleOf(options, index);
        run.note(`run ${index}: ${actions.map((action) => action.name).join('; ')}`);
        for (const [step, action] of actions.entries()) {
          await action.play(run, random, `random-${options.seed}-${index}-${step + 1}`);
        }
        await run.settled(`run ${index} done`);
      }
    },
  };
}
