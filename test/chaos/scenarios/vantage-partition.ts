/**
 * One vantage partitioned from a healthy primary (`switchyard chaos partition cluster-use2
 * us-east-1`: the standby controller's probes and AWS calls to us-east-1 are dropped): that vantage
 * votes the primary down on every signal of the plan, the external vantage still sees it healthy,
 * and the automatic trigger holds for want of a second vantage: 0 automatic failovers.
 */

import { EXTERNAL_VANTAGE } from '../../../src/cli/platform/platform.js';
import { clusterVantage } from '../../../src/plan/region-health.js';
import { otherRegion } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { automaticFailovers, writerRegion } from '../steps.js';
import { ensureHome } from './region-loss.js';

/** Probe rounds of the derived RegionHealths (their alb probe's interval). */
const ROUND_MS = 10_000;
const HOLD_MESSAGE = 'primary failing on 1 fresh vantage(s)';

export const vantagePartition: Scenario = {
  name: 'vantage-partition',
  summary:
    "the standby's own vantage partitioned from a healthy primary: it votes the primary down, the external vantage does not, the trigger holds: 0 automatic failovers",
  async run(run: ScenarioRun) {
    const { platform } = run;
    const home = await ensureHome(run);
    const standby = otherRegion(home);
    const vantage = clusterVantage(standby);
    const signals = platform.estate.plan.automatic.signals ?? [];
    const logFrom = platform.controllerLog(standby).length;
    await platform.fault('partition', vantage, home);
    await run.event(`chaos partition ${vantage} ${home}`);
    const healthFrom = async (from: string) =>
      (await platform.observer.regionHealths(standby)).find(
        (h) => h.spec.region === home && h.spec.vantage === from,
      );
    await run.waitFor(
      `${vantage} to report ${home} failing on ${signals.join(', ')}`,
      6 * ROUND_MS,
      async () => {
        const failing =
          (await healthFrom(vantage))?.status?.signals?.filter((s) => !s.healthy).map((s) => s.name) ?? [];
        return signals.every((signal) => failing.includes(signal)) ? true : undefined;
      },
    );
    await run.event(`${vantage} reports ${home} failing on ${signals.join(', ')}`);
    const hold = await run.waitFor('the trigger to hold on one failing vantage', 6 * ROUND_MS, async () =>
      platform
        .controllerLog(standby)
        .slice(logFrom)
        .split('\n')
        .find((line) => line.includes(HOLD_MESSAGE)),
    );
    await run.event(`the ${standby} trigger holds with ${vantage} voting ${home} down`);
    run.note(`trigger: ${(JSON.parse(hold) as { msg: string }).msg}`);
    // Another round with the vote standing: a trigger that fires on one vantage would have by now.
    await run.pause(ROUND_MS);
    const external = await healthFrom(EXTERNAL_VANTAGE);
    run.require(
      external?.status?.healthy === true,
      `the external vantage sees ${home} ${external?.status?.healthy}`,
    );
    const automatic = [
      ...(await automaticFailovers(platform, standby)),
      ...(await automaticFailovers(platform, home)),
    ];
    run.require(
      automatic.length === 0,
      `automatic Failovers: ${automatic.map((f) => f.metadata.name).join(', ')}`,
    );
    run.require(writerRegion(platform) === home, `the writer moved to ${writerRegion(platform)}`);
    run.note(`0 automatic Failovers; the external vantage reports ${home} healthy`);
    await platform.fault('heal', vantage, home);
    await run.event(`chaos heal ${vantage} ${home}`);
    await run.settled(`writer and DNS still in ${home}`);
  },
};
