/**
 * The gate keeper (ADR 0010): between executions, brings the traffic switches back to what Aurora
 * says. When both regions answer and agree on the writer, with no operation in progress and no
 * execution of the plan running here, it
 * 1. closes the non-writer's gate, so a region that returned after a failover stays drained for good
 *    (whoever is alive later: the gate lives in that region and keeps its state);
 * 2. then lifts the fence on the non-writer: with its gate closed the fence is not needed, and a
 *    fence left standing could outlive its region and drain the writer after a second failover;
 * 3. clears a fence the non-writer's region still holds on the writer (left behind when that region
 *    died before the keeper could lift it).
 * It never opens a gate: only an execution that has made a region the writer does that. Without
 * agreement it does nothing, so a controller with a stale view of the writer cannot act on it.
 */
import type { Failover, FailoverPlan, FailoverPlanSpec } from '../../src/apis/index.js';
import type { AwsPorts, GlobalClusterView } from '../aws/ports.js';
import { describeError } from '../kube/api-errors.js';
import { serverMeta } from '../kube/resources.js';
import { writerOf } from './database-steps.js';
import { isTerminal } from './phase.js';
import { otherRegion, type SwitchLocation, switchOf } from './plan-view.js';

/** What one region's endpoint says about the global cluster. */
export type WriterRead =
  | { answered: true; writerArn: string | undefined; busy: boolean }
  | { answered: false; error: string };

/** States of the switches the keeper may change. */
export interface KeeperSwitches {
  /** The non-writer's own gate (in the non-writer's region). */
  nonWriterGate: string | undefined;
  /** The fence on the non-writer (in the writer's region). */
  nonWriterFence: string | undefined;
  /** The fence on the writer (in the non-writer's region). */
  writerFence: string | undefined;
}

export type KeeperActionKind = 'close-gate' | 'lift-fence' | 'clear-stale-fence';
export type KeeperAction = { kind: KeeperActionKind; switch: SwitchLocation };

export type KeeperDecision =
  | { kind: 'agreed'; writer: string; nonWriter: string }
  | { kind: 'idle'; reason: string };

/** Step one: is there a writer both regions agree on, and may the keeper act at all? */
export function decideAgreement(
  plan: FailoverPlanSpec,
  reads: Readonly<Record<string, WriterRead>>,
  runningExecution: string | undefined,
): KeeperDecision {
  if (runningExecution) {
    return { kind: 'idle', reason: `Failover ${runningExecution} is running; it owns the switches` };
  }
  const writers = new Set<string | undefined>();
  for (const region of [plan.regions.primary, plan.regions.standby]) {
    const read = reads[region];
    if (!read) return { kind: 'idle', reason: `${region} was not read` };
    if (!read.answered)
      return { kind: 'idle', reason: `no agreement: ${region} did not answer (${read.error})` };
    if (read.busy)
      return { kind: 'idle', reason: `an Aurora operation is in progress (seen from ${region})` };
    writers.add(read.writerArn);
  }
  const [writerArn] = [...writers];
  if (writers.size !== 1 || !writerArn) {
    return { kind: 'idle', reason: `no agreement on the writer (${[...writers].join(' vs ') || 'none'})` };
  }
  const writer = plan.database.members.find((m) => m.clusterArn === writerArn)?.region;
  if (!writer) return { kind: 'idle', reason: `the writer ${writerArn} is not a member of the plan` };
  return { kind: 'agreed', writer, nonWriter: otherRegion(plan, writer) };
}

/** Step two: which switches differ from the truth, in the order they must change. */
export function keeperActions(
  plan: FailoverPlanSpec,
  agreed: { writer: string; nonWriter: string },
  switches: KeeperSwitches,
): KeeperAction[] {
  const actions: KeeperAction[] = [];
  const gateClosing = switches.nonWriterGate !== undefined && switches.nonWriterGate !== 'ALARM';
  if (gateClosing) actions.push({ kind: 'close-gate', switch: switchOf(plan, 'gate', agreed.nonWriter) });
  // Only once the gate holds the region drained (closed now or already), never instead of it.
  if (switches.nonWriterFence === 'ALARM' && (gateClosing || switches.nonWriterGate === 'ALARM')) {
    actions.push({ kind: 'lift-fence', switch: switchOf(plan, 'fence', agreed.nonWriter) });
  }
  if (switches.writerFence === 'ALARM') {
    actions.push({ kind: 'clear-stale-fence', switch: switchOf(plan, 'fence', agreed.writer) });
  }
  return actions;
}

const CLOSES: Record<KeeperActionKind, boolean> = {
  'close-gate': true,
  'lift-fence': false,
  'clear-stale-fence': false,
};

/**
 * How long a keeper must see a fence on the writer held in the other region before clearing it:
 * longer than a run there can hold its fence before the promotion (its scaling and fence waits,
 * each bounded by the engine's 15-minute wait timeout). The fence's own region clears it at once.
 */
export const FOREIGN_FENCE_GRACE_MS = 30 * 60_000;

/**
 * When this keeper first saw each fence held in the other region on the writer, by alarm. Kept
 * between passes in memory: a restarted keeper starts the grace again, the safe direction.
 */
export class ForeignFenceSightings {
  private readonly since = new Map<string, number>();

  /** How long `key` has been seen held, counting this sighting at `now`. */
  heldFor(key: string, now: number): number {
    const first = this.since.get(key) ?? now;
    this.since.set(key, first);
    return now - first;
  }

  forget(key: string): void {
    this.since.delete(key);
  }
}

export interface GateKeeperDeps {
  aws: AwsPorts;
  /** The region this controller runs in: fences whose alarm lives here are only set by its runs. */
  region: string;
  foreignFences: ForeignFenceSightings;
  /** Default FOREIGN_FENCE_GRACE_MS. */
  foreignFenceGraceMs?: number;
  now?: () => number;
  plans(): FailoverPlan[];
  failovers(namespace: string): Failover[];
  /** Records what the keeper changed (an Event on the plan, a metric). */
  changed(plan: FailoverPlan, action: KeeperActionKind, message: string): Promise<void>;
  log(level: 'debug' | 'info' | 'warn', message: string, fields?: object): void;
}

function readWriter(aws: AwsPorts, plan: FailoverPlanSpec, region: string): Promise<WriterRead> {
  return aws
    .bestEffort(region)
    .rds.describeGlobalCluster(plan.database.globalClusterIdentifier)
    .then(
      (global: GlobalClusterView | undefined): WriterRead =>
        global
          ? { answered: true, writerArn: writerOf(global), busy: global.failoverState !== undefined }
          : { answered: false, error: `global cluster ${plan.database.globalClusterIdentifier} not found` },
      (error: unknown): WriterRead => ({ answered: false, error: describeError(error) }),
    );
}

/** One pass over every plan this controller sees. Read-only unless both regions agree. */
export async function keepGates(deps: GateKeeperDeps): Promise<void> {
  for (const plan of deps.plans()) {
    const { namespace, name } = serverMeta(plan);
    const running = deps
      .failovers(namespace)
      .find((f) => f.spec.planRef.name === name && f.status?.journal && !isTerminal(f.status.phase));
    const spec = plan.spec;
    const regions = [spec.regions.primary, spec.regions.standby];
    const reads = running
      ? {}
      : Object.fromEntries(
          await Promise.all(regions.map(async (r) => [r, await readWriter(deps.aws, spec, r)] as const)),
        );
    const decision = decideAgreement(spec, reads, running ? serverMeta(running).name : undefined);
    if (decision.kind === 'idle') {
      deps.log('debug', 'gate keeper idle', { namespace, plan: name, reason: decision.reason });
      continue;
    }
    try {
      const switches = {
        nonWriterGate: switchOf(spec, 'gate', decision.nonWriter),
        nonWriterFence: switchOf(spec, 'fence', decision.nonWriter),
        writerFence: switchOf(spec, 'fence', decision.writer),
      };
      const read = (where: SwitchLocation) =>
        deps.aws.bestEffort(where.alarmRegion).cloudWatch.describeGateAlarm(where.alarmName);
      const [gateAlarm, fenceAlarm, writerFenceAlarm] = await Promise.all([
        read(switches.nonWriterGate),
        read(switches.nonWriterFence),
        read(switches.writerFence),
      ]);
      const alarms = {
        'close-gate': gateAlarm,
        'lift-fence': fenceAlarm,
        'clear-stale-fence': writerFenceAlarm,
      };
      const actions = keeperActions(spec, decision, {
        nonWriterGate: gateAlarm?.state,
        nonWriterFence: fenceAlarm?.state,
        writerFence: writerFenceAlarm?.state,
      });
      const sighting = `${switches.writerFence.alarmRegion}/${switches.writerFence.alarmName}`;
      if (!actions.some((a) => a.kind === 'clear-stale-fence')) deps.foreignFences.forget(sighting);
      for (const action of actions) {
        const alarm = alarms[action.kind];
        if (!alarm) continue;
        if (action.kind === 'clear-stale-fence' && action.switch.alarmRegion !== deps.region) {
          const grace = deps.foreignFenceGraceMs ?? FOREIGN_FENCE_GRACE_MS;
          const held = deps.foreignFences.heldFor(sighting, deps.now?.() ?? Date.now());
          if (held < grace) {
            deps.log('debug', 'gate keeper leaves a fence to its region', {
              namespace,
              plan: name,
              alarm: alarm.name,
              reason: `the fence on ${decision.writer} lives in ${action.switch.alarmRegion}, whose controller may be running a failover that set it; cleared from here after ${grace} ms held (seen ${held} ms)`,
            });
            continue;
          }
        }
        await deps.aws
          .bestEffort(action.switch.alarmRegion)
          .cloudWatch.publishGate(alarm, CLOSES[action.kind]);
        const message = `${action.kind}: ${action.switch.kind} of ${action.switch.controls} (${alarm.name} in ${action.switch.alarmRegion}, was ${alarm.state}); both regions agree ${decision.writer} is the writer`;
        deps.log('info', 'gate keeper', { namespace, plan: name, action: action.kind, alarm: alarm.name });
        await deps.changed(plan, action.kind, message);
      }
    } catch (error) {
      deps.log('warn', 'gate keeper could not read or set a switch', {
        namespace,
        plan: name,
        err: describeError(error),
      });
    }
  }
}
