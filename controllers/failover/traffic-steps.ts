/**
 * Traffic switches (ARCHITECTURE §2, ADR 0010). Region R serves while its Route 53 CALCULATED
 * check is healthy: its ALB, its *gate* (an alarm in R that keeps its state) and its *fence* (an
 * alarm in the other region that lapses unless renewed). Setting a switch is one PutMetricData into
 * the metric its alarm watches, in the alarm's region; no step here ever calls Route 53. Publishing
 * is an action; seeing the alarm reach its state is a wait, so the alarm's evaluation period
 * overlaps with the steps in between. Fences are renewed by the gate keeper, not by these steps.
 */
import type { GateAlarmView, RegionalAws } from '../aws/ports.js';
import { describeError } from '../kube/api-errors.js';
import {
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

async function readSwitch(aws: RegionalAws, where: SwitchLocation): Promise<GateAlarmView | undefined> {
  return aws.cloudWatch.describeGateAlarm(where.alarmName);
}

function switchMissing(where: SwitchLocation): StepOutcome {
  return failed(
    'GateNotFound',
    `${where.kind} alarm ${where.alarmName} of ${where.controls} not found in ${where.alarmRegion}; the TrafficRouting composition creates it`,
  );
}

/** Vantages that report `region` down, or undefined: a best-effort call into it is not made then. */
export function reportedDown(ctx: ExecutionContext, region: string): string | undefined {
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
  return {
    name,
    kind: 'action',
    region: alarmRegion,
    describe: `${bestEffort ? 'best effort: ' : ''}PutMetricData ${closed ? 1 : 0} to the ${kind} alarm's metric in ${alarmRegion}: ${closed ? 'drains' : 'opens'} ${region}`,
    async run(ctx) {
      const where = switchOf(ctx.plan, kind, region);
      if (bestEffort) {
        const down = reportedDown(ctx, where.alarmRegion);
        if (down) return skipped(`not called: ${down}`);
      }
      const aws = bestEffort ? ctx.aws.bestEffort(where.alarmRegion) : ctx.aws.region(where.alarmRegion);
      try {
        const alarm = await readSwitch(aws, where);
        if (!alarm) return switchMissing(where);
        if (already(kind, alarm.state, closed)) {
          return succeeded(`${kind} alarm ${alarm.name} already ${alarm.state}: ${region} ${verb(closed)}`);
        }
        await aws.cloudWatch.publishGate(alarm, closed);
        return succeeded(
          `published ${alarm.namespace}/${alarm.metricName}=${closed ? 1 : 0} in ${where.alarmRegion} (alarm ${alarm.name} was ${alarm.state})`,
        );
      } catch (error) {
        if (!bestEffort) throw error;
        return skipped(
          `best effort, not blocking: ${where.alarmRegion} did not answer (${describeError(error)})`,
        );
      }
    },
  };
}

/** Waits until the alarm of one switch of `region` shows the published state, i.e. Route 53 sees it. */
export function switchSettled(
  name: string,
  kind: SwitchKind,
  region: string,
  closed: boolean,
  alarmRegion: string,
): Step {
  return {
    name,
    kind: 'wait',
    region: alarmRegion,
    describe: `wait until the ${kind} alarm of ${region} in ${alarmRegion} is ${wantedState(closed)} (${region} ${verb(closed)})`,
    async run(ctx) {
      const where = switchOf(ctx.plan, kind, region);
      const alarm = await readSwitch(ctx.aws.region(where.alarmRegion), where);
      if (!alarm) return switchMissing(where);
      if (already(kind, alarm.state, closed)) {
        return succeeded(`${kind} alarm ${alarm.name} is ${alarm.state}: ${region} ${verb(closed)}`);
      }
      return waiting(`${kind} alarm ${alarm.name} is ${alarm.state}, waiting for ${wantedState(closed)}`);
    },
  };
}

/**
 * The last word of every execution: the traffic invariant as Route 53 will see it. The target
 * serves (its gate OK; its fence, held in the old primary's region, not in ALARM) and the old
 * primary is drained (its fence in the target in ALARM, or its own gate in ALARM). The old
 * primary's alarms are read where it answers: with `bestEffort`, a region that does not answer
 * cannot hold a fence on the target either, because Route 53 counts a fence it cannot read as open.
 */
export function trafficSettled(target: string, old: string, options: SwitchStepOptions = {}): Step {
  return {
    name: 'traffic-settled',
    kind: 'wait',
    region: target,
    describe: `read both regions' gates and fences: only ${target} serves, ${old} is drained`,
    async run(ctx) {
      const here = ctx.aws.region(target);
      const targetGate = switchOf(ctx.plan, 'gate', target);
      const oldFence = switchOf(ctx.plan, 'fence', old);
      const [gate, fence] = await Promise.all([readSwitch(here, targetGate), readSwitch(here, oldFence)]);
      if (!gate) return switchMissing(targetGate);
      if (!fence) return switchMissing(oldFence);
      if (gate.state !== 'OK') return waiting(`gate of ${target} (${gate.name}) is ${gate.state}, not OK`);

      const there = options.bestEffort ? ctx.aws.bestEffort(old) : ctx.aws.region(old);
      let oldGate: GateAlarmView | undefined;
      let targetFence: GateAlarmView | undefined;
      let unreachable = options.bestEffort ? reportedDown(ctx, old) : undefined;
      try {
        if (!unreachable) {
          [oldGate, targetFence] = await Promise.all([
            readSwitch(there, switchOf(ctx.plan, 'gate', old)),
            readSwitch(there, switchOf(ctx.plan, 'fence', target)),
          ]);
        }
      } catch (error) {
        if (!options.bestEffort) throw error;
        unreachable = `it did not answer (${describeError(error)})`;
      }
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
    },
  };
}
