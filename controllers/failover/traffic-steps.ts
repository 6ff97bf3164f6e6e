/**
 * Traffic gates (ARCHITECTURE §2, ADR 0009): the gate of region R is a CloudWatch alarm in the
 * *other* region that R's Route 53 gate health check reads; in ALARM it drains R. Setting a gate
 * is one PutMetricData into the metric the alarm watches, in the surviving region only, and no step
 * here ever calls Route 53. Publishing is an action; seeing the alarm reach its state is a wait,
 * so the alarm's evaluation period overlaps with the steps in between.
 */
import type { GateAlarmView } from '../aws/ports.js';
import { type ExecutionContext, failed, type Step, type StepOutcome, succeeded, waiting } from './model.js';
import { type GateLocation, gateOf } from './plan-view.js';

/** The alarm state that means the gate is where we want it (closed drains, open serves). */
const wantedState = (closed: boolean) => (closed ? 'ALARM' : 'OK');
const verb = (closed: boolean) => (closed ? 'drained' : 'open');

async function readGate(
  ctx: ExecutionContext,
  region: string,
): Promise<{ gate: GateLocation; alarm?: GateAlarmView }> {
  const gate = gateOf(ctx.plan, region);
  const alarm = await ctx.aws.region(gate.alarmRegion).cloudWatch.describeGateAlarm(gate.alarmName);
  return { gate, ...(alarm ? { alarm } : {}) };
}

function gateMissing(gate: GateLocation): StepOutcome {
  return failed(
    'GateNotFound',
    `gate alarm ${gate.alarmName} of ${gate.controls} not found in ${gate.alarmRegion}; the TrafficRouting composition creates it`,
  );
}

/**
 * Publishes the gate state of `region` (closed: drain it; open: let Route 53 send it traffic
 * again), unless the alarm already shows it (a resumed step does not publish twice). An alarm
 * cannot show a stale state here: every execution waits for its gates to settle before it ends,
 * and the plan lock lets only one execution run at a time.
 */
export function setGate(name: string, region: string, closed: boolean, alarmRegion: string): Step {
  return {
    name,
    kind: 'action',
    region: alarmRegion,
    describe: `PutMetricData ${closed ? 1 : 0} to the gate alarm's metric in ${alarmRegion}: ${closed ? 'drains' : 'opens'} ${region}`,
    async run(ctx) {
      const { gate, alarm } = await readGate(ctx, region);
      if (!alarm) return gateMissing(gate);
      if (alarm.state === wantedState(closed)) {
        return succeeded(`gate alarm ${alarm.name} already ${alarm.state}: ${region} ${verb(closed)}`);
      }
      await ctx.aws.region(gate.alarmRegion).cloudWatch.publishGate(alarm, closed);
      return succeeded(
        `published ${alarm.namespace}/${alarm.metricName}=${closed ? 1 : 0} in ${gate.alarmRegion} (alarm ${alarm.name} was ${alarm.state})`,
      );
    },
  };
}

/** Waits until the gate alarm of `region` shows the published state, i.e. Route 53 sees it. */
export function gateSettled(name: string, region: string, closed: boolean, alarmRegion: string): Step {
  return {
    name,
    kind: 'wait',
    region: alarmRegion,
    describe: `wait until the gate alarm of ${region} in ${alarmRegion} is ${wantedState(closed)} (${region} ${verb(closed)})`,
    async run(ctx) {
      const { gate, alarm } = await readGate(ctx, region);
      if (!alarm) return gateMissing(gate);
      if (alarm.state === wantedState(closed)) {
        return succeeded(`gate alarm ${alarm.name} is ${alarm.state}: ${region} ${verb(closed)}`);
      }
      return waiting(`gate alarm ${alarm.name} is ${alarm.state}, waiting for ${wantedState(closed)}`);
    },
  };
}
