/**
 * AWS throttles and slows down (simulator faults, as `switchyard chaos throttle|latency` sets them)
 * while a planned switchover runs: the controllers' calls are refused with the services' throttling
 * errors and retried with backoff, and the switchover still completes within its budget.
 */
import { byControllers, describeCalls, journalMark, journalSince } from '../journal.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { awayFromWriter, runFailover, writerRegion } from '../steps.js';

/** Requests per simulated second: at time-scale 0.01, 0.2 is twenty real requests a second per service. */
const RATE = '0.2';
/** Simulated milliseconds added to every answer: 150 real ms at time-scale 0.01. */
const LATENCY_MS = '15000';
const SERVICES = ['rds', 'cloudwatch', 'autoscaling'];
const BUDGET_MS = 120_000;

export const throttlingAndLatency: Scenario = {
  name: 'throttling-and-latency',
  summary: `RDS, CloudWatch and Auto Scaling throttled to ${RATE} requests per simulated second with ${LATENCY_MS} simulated ms added: a planned switchover completes within ${BUDGET_MS / 1000} s, retrying throttled calls with backoff`,
  async run(run: ScenarioRun) {
    const { platform } = run;
    const target = awayFromWriter(platform);
    for (const service of SERVICES) {
      await platform.fault('throttle', service, RATE);
      await platform.fault('latency', service, LATENCY_MS);
      await run.event(`chaos throttle ${service} ${RATE}; chaos latency ${service} ${LATENCY_MS}`);
    }
    const mark = journalMark(platform);
    const started = Date.now();
    const failover = await runFailover(run, {
      type: 'Switchover',
      target,
      name: 'chaos-throttled-switchover',
      timeoutMs: BUDGET_MS,
    });
    const seconds = (Date.now() - started) / 1000;
    run.require(failover.status?.phase === 'Succeeded', `the switchover ended ${failover.status?.phase}`);
    const calls = byControllers(journalSince(platform, mark));
    const throttled = calls.filter((entry) => /Throttl/.test(entry.errorCode ?? ''));
    run.require(throttled.length > 0, 'no call of the controllers was throttled: the fault did not bite');
    run.note(
      `switchover Succeeded in ${seconds.toFixed(1)} s (budget ${BUDGET_MS / 1000} s); controllers' calls ${calls.length}, throttled ${throttled.length} (${describeCalls(throttled)}), a step took at most ${Math.max(...(failover.status?.journal ?? []).map((e) => e.attempts ?? 0))} attempt(s) (the SDK retried the throttled calls)`,
    );
    for (const service of SERVICES) {
      await platform.fault('throttle', service, 'off');
      await platform.fault('latency', service, '0');
    }
    await run.event('chaos throttle off; chaos latency 0');
    await run.settled(`writer and DNS in ${target}`);
    run.require(writerRegion(platform) === target, `the writer is ${writerRegion(platform)}, not ${target}`);
  },
};
