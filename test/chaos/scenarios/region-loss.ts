/**
 * us-east-1 lost entirely (`switchyard chaos region-down us-east-1`: its AWS, its Kubernetes API,
 * its controller and syncer): us-east-2's controller sees it from two vantages and fails over by
 * itself. Nothing is asked of us-east-1 (the simulator's journal: no call it served, no call of the
 * failover path sent there), Route 53's control plane is never written, and DNS answers us-east-2.
 * The region comes back as a secondary: no automatic failback.
 */

import type { PairRegion } from '../../../src/estate/common/parameters.js';
import { MUTATING } from '../../controller/estate.js';
import { describeCalls, isRoute53Write, journalMark, journalSince } from '../journal.js';
import { homeRegion, otherRegion } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { automaticFailovers, followFailover, runFailover, waitReady, writerRegion } from '../steps.js';

const DETECTION_TIMEOUT_MS = 120_000;

/** Waits for the automatic Failover the standby's trigger creates; returns its name. */
export async function automaticFailover(
  run: ScenarioRun,
  standby: PairRegion,
  since: number,
): Promise<string> {
  const created = await run.waitFor(`an automatic Failover in ${standby}`, DETECTION_TIMEOUT_MS, async () => {
    const [first] = await automaticFailovers(run.platform, standby);
    return first;
  });
  run.note(
    `automatic Failover ${created.metadata.name} created (detection ${((Date.now() - since) / 1000).toFixed(1)} s)`,
  );
  return String(created.metadata.name);
}

/**
 * The plan's home region must be the writer: the trigger fails over from home only. When an
 * earlier scenario left the writer away, an operator's failback (a planned Switchover home) comes
 * first, as in production, where failback is never automatic.
 */
export async function ensureHome(run: ScenarioRun): Promise<PairRegion> {
  const { platform } = run;
  const home = homeRegion(platform.estate);
  if (writerRegion(platform) === home) return home;
  const failback = await runFailover(run, {
    type: 'Switchover',
    target: home,
    name: `chaos-failback-${run.events}`,
  });
  run.require(failback.status?.phase === 'Succeeded', `the failback home ended ${failback.status?.phase}`);
  await run.settled(`writer and DNS back in ${home} before the scenario`);
  return home;
}

export const regionLoss: Scenario = {
  name: 'region-loss',
  summary:
    'us-east-1 lost whole (AWS, cluster, controller): the automatic failover completes, 0 requests served by or sent to us-east-1 by the failover, 0 Route 53 control-plane writes, DNS answers us-east-2; the region returns as a secondary',
  async run(run: ScenarioRun) {
    const { platform } = run;
    const lost = await ensureHome(run);
    const survivor = otherRegion(lost);
    const downAt = Date.now();
    await platform.fault('region-down', lost);
    // From here on: the fault is applied before the region's cluster stops, so what was in flight
    // when it struck has been answered by now.
    const mark = journalMark(platform);
    await run.event(`chaos region-down ${lost}`);
    const name = await automaticFailover(run, survivor, downAt);
    await run.event(`automatic Failover ${name} created in ${survivor}`);
    const failover = await followFailover(run, survivor, name);
    run.require(failover.status?.phase === 'Succeeded', `${name} ended ${failover.status?.phase}`);
    await run.settled(`writer and DNS in ${survivor} with ${lost} gone`);
    run.note(`recovery ${((Date.now() - downAt) / 1000).toFixed(1)} s after region-down`);
    const during = journalSince(platform, mark);
    const toLost = during.filter((entry) => entry.region === lost);
    const served = toLost.filter((entry) => entry.outcome !== 'refused');
    const failoverPath = toLost.filter((entry) => MUTATING.has(entry.operation));
    const route53Writes = during.filter(isRoute53Write);
    run.note(
      `journal while ${lost} was down: ${toLost.length} requests tried it (all refused: ${describeCalls(toLost)}), ${served.length} served; ${failoverPath.length} writes sent there; ${route53Writes.length} Route 53 control-plane writes`,
    );
    run.require(served.length === 0, `${lost} served requests while down: ${describeCalls(served)}`);
    run.require(failoverPath.length === 0, `writes were sent to ${lost}: ${describeCalls(failoverPath)}`);
    run.require(route53Writes.length === 0, `Route 53 control-plane writes: ${describeCalls(route53Writes)}`);
    const skipped = (failover.status?.journal ?? []).filter((entry) => entry.region === lost);
    run.require(
      skipped.every((entry) => entry.state === 'Skipped'),
      `steps in ${lost} ran: ${skipped.map((e) => `${e.name}=${e.state}`).join(', ')}`,
    );
    await platform.fault('region-up', lost);
    await run.event(`chaos region-up ${lost}`);
    await waitReady(run, `${lost} back: synced, probed, connected`);
    await run.settled(`${lost} back as a secondary, the writer stays in ${survivor}`);
    run.require(writerRegion(platform) === survivor, `the writer moved back to ${writerRegion(platform)}`);
    const automatic = [
      ...(await automaticFailovers(platform, survivor)),
      ...(await automaticFailovers(platform, lost)),
    ];
    run.require(automatic.length === 1, `${automatic.length} automatic Failovers`);
  },
};
