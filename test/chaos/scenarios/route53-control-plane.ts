/**
 * Only Route 53's control plane is down (its API answers 503; health checks and DNS answers, the
 * data plane, go on): a planned switchover still completes and DNS still moves, because the
 * failover path never writes Route 53 (ADR 0010: traffic moves through CloudWatch alarms that Route
 * 53's health checkers read). The only Route 53 calls the controllers may make are verify-dns's
 * reads, best effort: refused here, so the step is Skipped and the run Succeeds all the same.
 */
import { byControllers, describeCalls, isRoute53Write, journalMark, journalSince } from '../journal.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { awayFromWriter, runFailover, writerRegion } from '../steps.js';

export const route53ControlPlaneDown: Scenario = {
  name: 'route53-control-plane-down',
  summary:
    "Route 53's control plane answers 503 during a planned switchover: it completes, DNS follows the writer, 0 Route 53 writes, the controllers only read it (verify-dns, best effort: Skipped)",
  async run(run: ScenarioRun) {
    const { platform } = run;
    const target = awayFromWriter(platform);
    const mark = journalMark(platform);
    await platform.fault('control-plane-down', 'route53');
    await run.event('chaos control-plane-down route53');
    const failover = await runFailover(run, {
      type: 'Switchover',
      target,
      name: 'chaos-r53-down-switchover',
    });
    run.require(failover.status?.phase === 'Succeeded', `the switchover ended ${failover.status?.phase}`);
    await run.settled(`writer and DNS in ${target} with Route 53's control plane still down`);
    run.require(writerRegion(platform) === target, `the writer is ${writerRegion(platform)}, not ${target}`);
    const route53 = journalSince(platform, mark).filter((entry) => entry.service === 'route53');
    const fromControllers = byControllers(route53);
    const controllerWrites = fromControllers.filter(isRoute53Write);
    run.require(
      controllerWrites.length === 0,
      `the controllers wrote to Route 53: ${describeCalls(controllerWrites)}`,
    );
    const verifyDns = failover.status?.journal?.find((entry) => entry.name === 'verify-dns');
    run.require(
      fromControllers.length === 0 || verifyDns?.state === 'Skipped',
      `the controllers read Route 53 (${describeCalls(fromControllers)}) but verify-dns is ${verifyDns?.state}`,
    );
    const writes = route53.filter((entry) => isRoute53Write(entry) && entry.outcome === 'ok');
    run.require(writes.length === 0, `Route 53 writes went through: ${describeCalls(writes)}`);
    run.note(
      `Route 53 calls while its control plane was down: ${route53.length} (${route53.filter((e) => e.status === 503).length} answered 503); from the controllers: ${describeCalls(fromControllers)}, 0 writes; verify-dns ${verifyDns?.state}: ${verifyDns?.message ?? ''}`,
    );
    await platform.fault('control-plane-up', 'route53');
    await run.event('chaos control-plane-up route53');
  },
};
