/**
 * Traffic switches (ARCHITECTURE §2, ADR 0010). Region R serves while its Route 53 CALCULATED
 * check is healthy: its ALB, its *gate* (an alarm in R that keeps its state) and its *fence* (an
 * alarm in the other region that lapses unless renewed). Setting a switch is one PutMetricData into
 * the metric its alarm watches, in the alarm's region; no step here ever calls Route 53. Publishing
 * is an action; seeing the alarm reach its state is a wait, so the alarm's evaluation period
 * overlaps with the steps in between. Fences are renewed by the gate keeper, not by these steps.
 */
import type { GateAlarmView } from '../aws/ports.js';
import { describeError } from '../kube/api-errors.js';
import {
  act,
  type DecideInput,
  defineStep,
  type ExecutionContext,
  failed,
  type Step,
  type StepOutcome,
  skipped,
  succeeded,
  waiting,
} from './model.js';
import { type SwitchKind, type SwitchLocation, switchOf } from './plan-view.js';

/** The alarm state to publish towards (closed drains, open serves). */
const wantedState = (closed: boolean) => (closed ? 'ALARM' : 'OK');
const verb = (closed: boolean) => (closed ? 'drained' : 'open');

/**
 * Whether the switch already is where we want it. A fence without data is open (its check counts
 * INSUFFICIENT_DATA as healthy); a gate without data is not known to be anything, so it is published.
 */
const already = (kind: SwitchKind, state: string, closed: boolean) =>
  state === wantedState(closed) || (kind === 'fence' && !closed && state === 'INSUFFICIENT_DATA');

function switchMissing(where: SwitchLocation): StepOutcome {
  return failed(
    'GateNotFound',
    `${where.kind} alarm ${where.alarmName} of ${where.controls} not found in ${where.alarmRegion}; the TrafficRouting composition creates it`,
  );
}

/** Vantages that report `region` down, or undefined: a best-effort call into it is not made then. */
export function reportedDown(
  ctx: Pick<ExecutionContext, 'regionHealth'>,
  region: string,
): string | undefined {
  const down = ctx.regionHealth(region).filter((h) => h.status?.healthy === false);
  return down.length > 0
    ? `${region} is reported unhealthy from ${down.map((h) => h.spec.vantage).join(', ')}`
    : undefined;
}

export interface SwitchStepOptions {
  /**
   * The call goes into a region that may be gone (the old primary of an unplanned failover): one
   * short attempt, not made when RegionHealth reports the region down, and never failing the run.
   */
  bestEffort?: boolean;
}

/** A switch's alarm as read, or why it was not read (a best-effort region reported down). */
type SwitchObservation = { notCalled: string } | { alarm: GateAlarmView | undefined };

/**
 * Publishes the state of one switch of `region` (closed: drain it; open: let Route 53 send it
 * traffic again), unless its alarm already shows it (a resumed step does not publish twice).
 */
export function setSwitch(
  name: string,
  kind: SwitchKind,
  region: string,
  closed: boolean,
  alarmRegion: string,
  options: SwitchStepOptions = {},
): Step {
  const bestEffort = options.bestEffort ?? false;
  const portsOf = (ctx: ExecutionContext) =>
    bestEffort ? ctx.aws.bestEffort(alarmRegion) : ctx.aws.region(alarmRegion);
  return defineStep<SwitchObservation, GateAlarmView>({
    name,
    kind: 'action',
    region: alarmRegion,
    bestEffort,
    describe: `${bestEffort ? 'best effort: ' : ''}PutMetricData ${closed ? 1 : 0} to the ${kind} alarm's metric in ${alarmRegion}: ${closed ? 'drains' : 'opens'} ${region}`,
    async observe(ctx) {
      const where = switchOf(ctx.plan, kind, region);
      const down = bestEffort ? reportedDown(ctx, where.alarmRegion) : undefined;
      if (down) return { notCalled: down };
      return { alarm: await portsOf(ctx).cloudWatch.describeGateAlarm(where.alarmName) };
    },
    decide({ observed, plan }) {
      if ('notCalled' in observed) return skipped(`not called: ${observed.notCalled}`);
      const where = switchOf(plan, kind, region);
      const { alarm } = observed;
      if (!alarm) return switchMissing(where);
      if (already(kind, alarm.state, closed)) {
        return succeeded(`${kind} alarm ${alarm.name} already ${alarm.state}: ${region} ${verb(closed)}`);
      }
      return act(
        alarm,
        `PutMetricData ${alarm.namespace}/${alarm.metricName}=${closed ? 1 : 0} in ${where.alarmRegion}`,
        `published ${alarm.namespace}/${alarm.metricName}=${closed ? 1 : 0} in ${where.alarmRegion} (alarm ${alarm.name} was ${alarm.state})`,
      );
    },
    act: (ctx, alarm) => portsOf(ctx).cloudWatch.publishGate(alarm, closed),
  });
}

/** Waits until the alarm of one switch of `region` shows the published state, i.e. Route 53 sees it. */
export function switchSettled(
  name: string,
  kind: SwitchKind,
  region: string,
  closed: boolean,
  alarmRegion: string,
): Step {
  return defineStep<GateAlarmView | undefined>({
    name,
    kind: 'wait',
    region: alarmRegion,
    describe: `wait until the ${kind} alarm of ${region} in ${alarmRegion} is ${wantedState(closed)} (${region} ${verb(closed)})`,
    observe: (ctx) =>
      ctx.aws.region(alarmRegion).cloudWatch.describeGateAlarm(switchOf(ctx.plan, kind, region).alarmName),
    decide({ observed: alarm, plan }) {
      if (!alarm) return switchMissing(switchOf(plan, kind, region));
      if (already(kind, alarm.state, closed)) {
        return succeeded(`${kind} alarm ${alarm.name} is ${alarm.state}: ${region} ${verb(closed)}`);
      }
      return waiting(`${kind} alarm ${alarm.name} is ${alarm.state}, waiting for ${wantedState(closed)}`);
    },
  });
}

/** Both regions' switches as read from the target, and from the old primary where it answers. */
export interface TrafficObservation {
  targetGate: GateAlarmView | undefined;
  oldFence: GateAlarmView | undefined;
  oldGate?: GateAlarmView | undefined;
  targetFence?: GateAlarmView | undefined;
  /** Why the old primary's alarms were not read. */
  unreachable?: string;
}

/** The traffic invariant as Route 53 will see it, from what {@link trafficSettled} read. */
export function decideTraffic(
  input: Pick<DecideInput<TrafficObservation>, 'observed' | 'plan'>,
  target: string,
  old: string,
): StepOutcome {
  const { targetGate: gate, oldFence: fence, oldGate, targetFence, unreachable } = input.observed;
  if (!gate) return switchMissing(switchOf(input.plan, 'gate', target));
  if (!fence) return switchMissing(switchOf(input.plan, 'fence', old));
  if (gate.state !== 'OK') return waiting(`gate of ${target} (${gate.name}) is ${gate.state}, not OK`);
  if (targetFence?.state === 'ALARM') {
    return waiting(`fence of ${target} (${targetFence.name}) in ${old} is ALARM`);
  }
  const drainedBy = [
    fence.state === 'ALARM' ? `its fence ${fence.name} in ${target}` : undefined,
    oldGate?.state === 'ALARM' ? `its gate ${oldGate.name}` : undefined,
  ].filter((d): d is string => d !== undefined);
  if (drainedBy.length === 0) {
    return waiting(
      `${old} is not drained: fence ${fence.state}, gate ${oldGate?.state ?? (unreachable ? 'unreadable' : 'missing')}`,
    );
  }
  const remote = unreachable
    ? `${old} not read: ${unreachable}; a fence there cannot hold ${target}`
    : `fence of ${target} in ${old} ${targetFence?.state ?? 'missing'}`;
  return succeeded(
    `${target} serves (gate ${gate.state}; ${remote}); ${old} drained by ${drainedBy.join(' and ')}`,
  );
}

/**
 * The last word of every execution: the traffic invariant as Route 53 will see it. The target
 * serves (its gate OK; its fence, held in the old primary's region, not in ALARM) and the old
 * primary is drained (its fence in the target in ALARM, or its own gate in ALARM). The old
 * primary's alarms are read where it answers: with `bestEffort`, a region that does not answer
 * cannot hold a fence on the target either, because Route 53 counts a fence it cannot read as open.
 */
export function trafficSettled(target: string, old: string, options: SwitchStepOptions = {}): Step {
  return defineStep<TrafficObservation>({
    name: 'traffic-settled',
    kind: 'wait',
    region: target,
    describe: `read both regions' gates and fences: only ${target} serves, ${old} is drained`,
    async observe(ctx) {
      const here = ctx.aws.region(target).cloudWatch;
      const [targetGate, oldFence] = await Promise.all([
        here.describeGateAlarm(switchOf(ctx.plan, 'gate', target).alarmName),
        here.describeGateAlarm(switchOf(ctx.plan, 'fence', old).alarmName),
      ]);
      // Until the target serves there is nothing to confirm in the old primary's region.
      if (targetGate?.state !== 'OK' || !oldFence) return { targetGate, oldFence };
      const down = options.bestEffort ? reportedDown(ctx, old) : undefined;
      if (down) return { targetGate, oldFence, unreachable: down };
      const there = (options.bestEffort ? ctx.aws.bestEffort(old) : ctx.aws.region(old)).cloudWatch;
      try {
        const [oldGate, targetFence] = await Promise.all([
          there.describeGateAlarm(switchOf(ctx.plan, 'gate', old).alarmName),
          there.describeGateAlarm(switchOf(ctx.plan, 'fence', target).alarmName),
        ]);
        return { targetGate, oldFence, oldGate, targetFence };
      } catch (error) {
        if (!options.bestEffort) throw error;
        return { targetGate, oldFence, unreachable: `it did not answer (${describeError(error)})` };
      }
    },
    decide: (input) => decideTraffic(input, target, old),
  });
}
