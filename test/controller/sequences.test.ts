/**
 * Failover sequences on the simulator over the wire (issue 13, ADR 0010): both regions' controllers
 * (each with its gate keeper), the Route 53 side of the estate, and sequences of planned and
 * unplanned moves, region losses and returns. After every step that leaves a writer in reach, the
 * traffic invariant is checked: one writer, every DNS answer is the writer's region, the plan's
 * currentRoles agree with AWS. While a region returns stale, DNS is sampled until the gate keeper
 * has made its drain permanent, and it must never answer that region.
 *
 * Random sequences are seeded and replayable: `SWITCHYARD_SEQUENCE_SEEDS=7,8` replays seeds 7 and
 * 8; `SWITCHYARD_SEQUENCES=50` runs seeds 1..50 (default 4 in `npm test`).
 */
import { DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type RunningController, startController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { Failover } from '../../src/apis/index.js';
import type { SeededTraffic } from '../../src/cli/seed-traffic.js';
import { fastSimulator, rdsClient } from '../aws/support.js';
import { seededRandom } from '../support/random.js';
import { waitFor } from '../support/wait.js';
import { examplePlan, GLOBAL_ID, seedTradingEstate, seedTradingTraffic, switchState } from './estate.js';
import {
  exampleIn,
  GROUP,
  getPlanStatus,
  type KubeSide,
  startKubeSide,
  testControllerOptions,
  VERSION,
  waitForFailover,
} from './platform.js';
import { observeTraffic, regionOfAddress, trafficViolations } from './traffic-invariant.js';

type Region = 'us-east-1' | 'us-east-2';
const REGIONS: readonly Region[] = ['us-east-1', 'us-east-2'];
const other = (region: Region): Region => (region === 'us-east-1' ? 'us-east-2' : 'us-east-1');

type SequenceStep =
  | { kind: 'planned'; target: Region }
  | { kind: 'unplanned'; target: Region }
  | { kind: 'lose'; region: Region }
  | { kind: 'return'; region: Region };

const describeStep = (step: SequenceStep) =>
  step.kind === 'planned' || step.kind === 'unplanned'
    ? `${step.kind} → ${step.target}`
    : `${step.kind} ${step.region}`;

let side: KubeSide;
let namespaceCount = 0;
/** How many steps and invariant checks ran, reported at the end (the "number of sequences"). */
const tally = { sequences: 0, steps: 0, checks: 0, dnsSamples: 0 };

beforeAll(async () => {
  side = await startKubeSide();
});
afterAll(async () => {
  await side?.close();
  process.stdout.write(
    `traffic sequences: ${tally.sequences} sequences, ${tally.steps} steps, ${tally.checks} invariant checks, ${tally.dnsSamples} DNS samples while regions returned\n`,
  );
});

/** Two regions, their controllers and the estate's traffic, in a namespace of their own. */
class SequencePlatform {
  private readonly controllers = new Map<Region, RunningController>();
  private count = 0;
  readonly down = new Set<Region>();

  private constructor(
    readonly ns: string,
    readonly sim: AwsSimulator,
    readonly traffic: SeededTraffic,
    readonly gateKeeper: boolean,
  ) {}

  static async start(options: PlayOptions = {}): Promise<SequencePlatform> {
    const ns = `seq${++namespaceCount}`;
    const sim = await fastSimulator();
    await seedTradingEstate(sim);
    const traffic = await seedTradingTraffic(sim);
    await side.createNamespace(ns);
    // A person approves nothing here: lag during an outage is the sequence's business, not the test's.
    const plan = parse(exampleIn('failover-plan.yaml', ns));
    plan.spec.automatic = { ...plan.spec.automatic, enabled: false, approval: 'Never' };
    await side.ok(['apply', '-f', '-'], stringify(plan));
    const platform = new SequencePlatform(ns, sim, traffic, options.gateKeeper ?? true);
    for (const region of REGIONS) await platform.startController(region);
    return platform;
  }

  private async startController(region: Region): Promise<void> {
    this.controllers.set(
      region,
      await startController({
        ...testControllerOptions(side, this.sim),
        region,
        identity: `sequence-${region}`,
        gateKeeperIntervalMs: this.gateKeeper ? 25 : 0,
      }),
    );
  }

  async stop(): Promise<void> {
    await Promise.all([...this.controllers.values()].map((c) => c.stop()));
    await this.sim.close();
    // The next sequence's controllers watch every namespace: leave them nothing of this one (a
    // Failover keeps its execution finalizer when its controller stopped: retire strips it).
    await side.retireFailovers();
    await side.ok(['delete', 'failoverplans', '--all', '-n', this.ns, '--wait=false']);
  }

  /** The region dies with its cluster: its AWS endpoints stop answering and its controller stops. */
  async lose(region: Region): Promise<void> {
    this.sim.faults.apply('region-down', [region]);
    this.down.add(region);
    await this.controllers.get(region)?.stop();
    this.controllers.delete(region);
  }

  /** The region comes back as it was when it died (stale switches, stale database), with its controller. */
  async restore(region: Region): Promise<void> {
    this.sim.faults.apply('region-up', [region]);
    this.down.delete(region);
    await this.startController(region);
  }

  async failover(type: 'Switchover' | 'Failover', target: Region): Promise<Failover> {
    const name = `step-${++this.count}-${type.toLowerCase()}-${target}`;
    const manifest = {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'Failover',
      metadata: { name, namespace: this.ns },
      spec: {
        planRef: { name: 'trading' },
        type,
        targetRegion: target,
        ...(type === 'Failover' ? { allowDataLoss: true } : {}),
        reason: 'sequence test',
      },
    };
    await side.ok(['apply', '-f', '-'], JSON.stringify(manifest));
    const ended = (phase: string | undefined) => ['Succeeded', 'Failed', 'Cancelled'].includes(phase ?? '');
    try {
      const finished = await waitForFailover(
        side,
        this.ns,
        name,
        (f) => ended(f.status?.phase),
        `${name} to finish`,
        20_000,
      );
      // The controller then records the end on the plan (lock released, currentRoles written):
      // the invariant is checked after that, not in the moment between.
      await waitFor(
        async () => {
          const last = (await getPlanStatus(side, this.ns))?.lastExecution as
            | { name?: string; phase?: string }
            | undefined;
          return last?.name === name && ended(last.phase);
        },
        `${name} recorded on the plan`,
        5_000,
      );
      return finished;
    } catch (error) {
      const stuck = await side.ok(['get', 'failover', name, '-n', this.ns, '-o', 'yaml']);
      throw new Error(`${String(error)}\n${stuck.slice(stuck.indexOf('status:'))}`);
    }
  }

  async writer(): Promise<Region | undefined> {
    const view = await observeTraffic(this.sim, this.traffic);
    return view.writers[0] as Region | undefined;
  }

  /** Planned moves need every secondary connected again (a returned region resynchronises first). */
  async awaitConnected(): Promise<void> {
    const live = REGIONS.find((r) => !this.down.has(r)) ?? 'us-east-2';
    await waitFor(
      async () => {
        const out = await rdsClient(this.sim, live).send(
          new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL_ID }),
        );
        const members = out.GlobalClusters?.[0]?.GlobalClusterMembers ?? [];
        return members.every((m) => m.IsWriter || m.SynchronizationStatus === 'connected');
      },
      'every secondary to be connected',
      10_000,
    );
  }

  /** The invariant, now. */
  async check(label: string): Promise<void> {
    const status = await getPlanStatus(side, this.ns);
    const roles = status?.currentRoles as { primary?: string } | undefined;
    const view = await observeTraffic(this.sim, this.traffic);
    tally.checks += 1;
    const violations = trafficViolations(this.sim, view, roles?.primary ?? examplePlan.spec.regions.primary);
    if (violations.length > 0) throw new Error(`${label}: ${violations.join('; ')}`);
  }

  /** close-gate actions counted by the running controllers' gate keepers. */
  private async closedGates(): Promise<number> {
    const counts = await Promise.all(
      [...this.controllers.values()].map(async (c) =>
        (await c.metrics.gateKeeperActions.get()).values
          .filter((v) => v.labels.action === 'close-gate')
          .reduce((sum, v) => sum + v.value, 0),
      ),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * A region that came back while the other writes: DNS never answers it, and the gate keeper closes
   * its gate and lifts the fence on it (the drain no longer needs the survivor's controller).
   */
  async watchReturn(region: Region, label: string): Promise<void> {
    const writer = other(region);
    // Counted before the gate is read: a close in between shows as a closed gate, not a lost count.
    const closedBefore = await this.closedGates();
    const gateBefore = await switchState(this.sim, 'gate', region);
    await waitFor(
      async () => {
        const view = await observeTraffic(this.sim, this.traffic);
        tally.dnsSamples += 1;
        for (const [question, values] of Object.entries(view.answers)) {
          expect(
            values.map((v) => regionOfAddress(this.sim, v)),
            `${label}: ${question} while ${region} returns`,
          ).not.toContain(region);
        }
        const [gate, fence] = await Promise.all([
          switchState(this.sim, 'gate', region),
          switchState(this.sim, 'fence', region),
        ]);
        return gate === 'ALARM' && fence !== 'ALARM';
      },
      `the gate keeper to close ${region}'s gate and lift its fence while ${writer} writes`,
      10_000,
    );
    // Its work shows in /metrics: switchyard_gate_keeper_actions_total{action="close-gate"}.
    if (gateBefore !== 'ALARM') {
      expect(await this.closedGates(), `${label}: close-gate counted`).toBeGreaterThan(closedBefore);
    }
  }
}

interface PlayOptions {
  /** Run the controllers' gate keepers (default); off only to show what they are for. */
  gateKeeper?: boolean;
}

/** Plays a sequence, checking the invariant after every step that leaves a writer in reach. */
async function play(steps: readonly SequenceStep[], label: string, options: PlayOptions = {}): Promise<void> {
  const platform = await SequencePlatform.start(options);
  tally.sequences += 1;
  try {
    await platform.check(`${label}: at start`);
    for (const [index, step] of steps.entries()) {
      const at = `${label}: step ${index + 1} (${describeStep(step)})`;
      tally.steps += 1;
      switch (step.kind) {
        case 'lose':
          await platform.lose(step.region);
          break;
        case 'return':
          await platform.restore(step.region);
          break;
        case 'planned':
          await platform.awaitConnected();
          expect((await platform.failover('Switchover', step.target)).status?.phase, at).toBe('Succeeded');
          break;
        case 'unplanned': {
          const failover = await platform.failover('Failover', step.target);
          expect(
            failover.status?.phase,
            `${at}: ${failover.status?.conditions?.find((c) => c.type === 'Failed')?.message ?? ''}`,
          ).toBe('Succeeded');
          break;
        }
      }
      const writer = await platform.writer();
      // With the writer's region gone there is no traffic to check until a failover moves it.
      if (writer && platform.down.has(writer)) continue;
      if (step.kind === 'return' && writer !== step.region && platform.gateKeeper) {
        await platform.watchReturn(step.region, at);
      }
      await platform.check(at);
    }
  } finally {
    await platform.stop();
  }
}

/** A random but always playable sequence: never both regions down, a lost writer is failed over from. */
function randomSequence(seed: number, length: number): SequenceStep[] {
  const next = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  let writer: Region = 'us-east-1';
  const down = new Set<Region>();
  const steps: SequenceStep[] = [];
  while (steps.length < length) {
    let step: SequenceStep;
    if (down.has(writer)) step = { kind: 'unplanned', target: other(writer) };
    else if (down.size > 0) {
      const lost = [...down][0] as Region;
      step = pick<SequenceStep>([
        { kind: 'return', region: lost },
        { kind: 'return', region: lost },
      ]);
    } else {
      step = pick<SequenceStep>([
        { kind: 'planned', target: other(writer) },
        { kind: 'unplanned', target: other(writer) },
        { kind: 'lose', region: writer },
        { kind: 'lose', region: other(writer) },
      ]);
    }
    if (step.kind === 'planned' || step.kind === 'unplanned') writer = step.target;
    if (step.kind === 'lose') down.add(step.region);
    if (step.kind === 'return') down.delete(step.region);
    steps.push(step);
  }
  return steps;
}

function seedsToRun(): number[] {
  const listed = process.env.SWITCHYARD_SEQUENCE_SEEDS;
  if (listed) return listed.split(',').map((s) => Number(s.trim()));
  const count = Number(process.env.SWITCHYARD_SEQUENCES ?? 4);
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** us-east-1 fails, returns, then us-east-2 fails and returns: the sequence ADR 0009 could not survive. */
const DOUBLE_FAILURE: SequenceStep[] = [
  { kind: 'lose', region: 'us-east-1' },
  { kind: 'unplanned', target: 'us-east-2' },
  { kind: 'return', region: 'us-east-1' },
  { kind: 'lose', region: 'us-east-2' },
  { kind: 'unplanned', target: 'us-east-1' },
  { kind: 'return', region: 'us-east-2' },
];

describe('failover sequences keep traffic on the writer (ADR 0010)', () => {
  it('fail-back: planned to us-east-2 and back', async () => {
    await play(
      [
        { kind: 'planned', target: 'us-east-2' },
        { kind: 'planned', target: 'us-east-1' },
      ],
      'fail-back',
    );
  });

  it('double failure: us-east-1 fails → us-east-2; us-east-1 returns drained; us-east-2 fails → us-east-1 reopens itself alone; us-east-2 returns stale and stays drained', async () => {
    await play(DOUBLE_FAILURE, 'double failure');
  });

  it('stale region returning: never answered before it is the writer again, then a planned fail-back', async () => {
    await play(
      [
        { kind: 'lose', region: 'us-east-1' },
        { kind: 'unplanned', target: 'us-east-2' },
        { kind: 'return', region: 'us-east-1' },
        { kind: 'planned', target: 'us-east-1' },
      ],
      'stale return',
    );
  });

  it('an unplanned failover while the old primary still answers: its gate closed there, fence lifted after', async () => {
    await play(
      [
        { kind: 'unplanned', target: 'us-east-2' },
        { kind: 'lose', region: 'us-east-1' },
        { kind: 'return', region: 'us-east-1' },
      ],
      'unplanned drill',
    );
  });

  it('the checker catches a broken design: without the gate keeper, the fence us-east-2 set in the first failure drains the writer when us-east-2 returns', async () => {
    // Every record unhealthy: Route 53 answers as if all were healthy, so the stale region gets
    // latency traffic from its own resolvers.
    await expect(play(DOUBLE_FAILURE, 'no gate keeper', { gateKeeper: false })).rejects.toThrow(
      /step 6 \(return us-east-2\)[\s\S]*latency from us-east-2 answers \[us-east-2\], want \[us-east-1\]/,
    );
  });

  for (const seed of seedsToRun()) {
    it(`random sequence, seed ${seed} (replay: SWITCHYARD_SEQUENCE_SEEDS=${seed})`, async () => {
      const steps = randomSequence(seed, 8);
      await play(steps, `seed ${seed} [${steps.map(describeStep).join('; ')}]`);
    }, 60_000);
  }
});
