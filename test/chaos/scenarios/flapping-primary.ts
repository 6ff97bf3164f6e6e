/**
 * A flapping primary: us-east-1 lost and back several times (`switchyard chaos region-down` /
 * `region-up`, the whole region each time). At most one automatic failover happens within the
 * plan's cooldown; once failed over, the returning old primary never takes the writer back by
 * itself (failback is a planned Switchover, never automatic).
 */
import { otherRegion } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { approvePending, automaticFailovers, followFailover, waitReady, writerRegion } from '../steps.js';
import { ensureHome } from './region-loss.js';

/** Down, then up, in ms: shorter downs than the trigger's window would need, then one long enough. */
const FLAPS = [
  { downMs: 10_000, upMs: 6_000 },
  { downMs: 10_000, upMs: 6_000 },
  { downMs: 30_000, upMs: 6_000 },
];
/** How long the writer is watched after the flapping: no failback, no second failover. */
const WATCH_MS = 15_000;

export const flappingPrimary: Scenario = {
  name: 'flapping-primary',
  summary: `the primary region lost and back ${FLAPS.length} times: at most one automatic failover per cooldown, no automatic failback`,
  async run(run: ScenarioRun) {
    const { platform } = run;
    const home = await ensureHome(run);
    const standby = otherRegion(home);
    for (const [index, flap] of FLAPS.entries()) {
      await platform.fault('region-down', home);
      await run.event(`flap ${index + 1}: chaos region-down ${home} for ${flap.downMs / 1000} s`);
      await run.pause(flap.downMs);
      await approvePending(run, standby);
      await platform.fault('region-up', home);
      await run.event(`flap ${index + 1}: chaos region-up ${home}`);
      await run.pause(flap.upMs);
      await approvePending(run, standby);
    }
    const automatic = [
      ...(await automaticFailovers(platform, standby)),
      ...(await automaticFailovers(platform, home)),
    ];
    run.require(automatic.length <= 1, `${automatic.length} automatic Failovers within the cooldown`);
    const [failover] = automatic;
    if (failover) {
      const ended = await followFailover(run, standby, String(failover.metadata.name));
      run.require(
        ended.status?.phase === 'Succeeded',
        `${failover.metadata.name} ended ${ended.status?.phase}`,
      );
    }
    const writer = failover ? standby : home;
    await waitReady(run, `${home} back: synced, probed, connected`);
    await run.settled(`after ${FLAPS.length} flaps the writer is ${writer}`);
    await run.pause(WATCH_MS);
    const after = [
      ...(await automaticFailovers(platform, standby)),
      ...(await automaticFailovers(platform, home)),
    ];
    run.require(
      after.length === automatic.length,
      `another automatic Failover: ${after.map((f) => f.metadata.name).join(', ')}`,
    );
    run.require(writerRegion(platform) === writer, `the writer moved to ${writerRegion(platform)} by itself`);
    await run.event(
      `${WATCH_MS / 1000} s later: still ${automatic.length} automatic Failover(s), the writer still ${writer}`,
    );
    run.note(
      `${FLAPS.length} flaps; ${automatic.length} automatic failover${failover ? ` (${failover.metadata.name}, to ${standby})` : ''}; no failback: the writer stays ${writer}`,
    );
  },
};
