/**
 * An unplanned failover while the old primary still answers (a drill), slowed between its fence
 * and the promotion for longer than a gate keeper's period, as a slow CloudWatch evaluation or a
 * controller restart would. The old primary's controller runs in the other cluster, which holds no
 * Failover; both regions agree the old primary writes until the promotion. Its gate keeper must
 * leave the fresh fence alone (it lives in the target's region, whose keeper alone clears it at
 * once: ADR 0010). controller-sigkill found that it did not; the run then waited at `fenced` for a
 * fence that was gone until its wait timeout.
 */
import { startsStep } from '../../controller/kube-holding-proxy.js';
import { approvedNow, failoverManifest } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { applyFailover, awayFromWriter, followFailover } from '../steps.js';

/** Longer than the gate keeper's period (10 s by default). */
const SLOW_MS = 15_000;

export const drillOldPrimaryAlive: Scenario = {
  name: 'drill-old-primary-alive',
  summary: `an unplanned failover with the old primary alive, ${SLOW_MS / 1000} s between its fence and the check that the fence holds: the old primary's gate keeper must not lift the new fence`,
  async run(run: ScenarioRun) {
    const { platform } = run;
    const target = awayFromWriter(platform);
    const name = 'chaos-drill-old-primary-alive';
    const held = platform.controllers.kube(target).holdNext(startsStep(name, 'fenced'), 60_000);
    await applyFailover(
      run,
      target,
      failoverManifest(
        platform.estate,
        name,
        'Failover',
        target,
        'chaos: drill, both regions up',
        approvedNow(),
      ),
    );
    const release = await held;
    await run.pause(SLOW_MS);
    await release();
    await run.event(`${name} entered fenced ${SLOW_MS / 1000} s after its fence was set`);
    const failover = await followFailover(run, target, name, 60_000);
    run.require(failover.status?.phase === 'Succeeded', `${name} ended ${failover.status?.phase}`);
    await run.settled(`writer and DNS in ${target}`);
  },
};
