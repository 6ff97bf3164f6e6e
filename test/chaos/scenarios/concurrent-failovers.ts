/**
 * Two Failovers of the same plan applied at once (one kubectl apply): the plan lock lets exactly one
 * execution act at a time. Its actions and the other's never overlap in time, and Aurora's
 * switchover is called once; the second finds the work done and ends without repeating it.
 */
import { plannedSteps } from '../../../controllers/failover/step-lists.js';
import type { Failover } from '../../../src/apis/index.js';
import { countOf, journalMark, journalSince } from '../journal.js';
import { failoverManifest } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';
import { awayFromWriter, followFailover, writerRegion } from '../steps.js';

/** When a Failover's action steps ran: from the first one's start to the last one's end. */
function actionSpan(
  failover: Failover,
  actions: readonly string[],
): { from: number; to: number } | undefined {
  const entries = (failover.status?.journal ?? []).filter(
    (entry) => actions.includes(entry.name) && entry.startedAt && entry.finishedAt,
  );
  if (entries.length === 0) return undefined;
  return {
    from: Math.min(...entries.map((e) => Date.parse(e.startedAt ?? ''))),
    to: Math.max(...entries.map((e) => Date.parse(e.finishedAt ?? ''))),
  };
}

export const concurrentFailovers: Scenario = {
  name: 'concurrent-failovers',
  summary:
    'two Switchovers of one plan applied at once: one acts at a time (their action steps never overlap), SwitchoverGlobalCluster called once, both end, at least one Succeeded (the second finds the work done)',
  async run(run: ScenarioRun) {
    const { platform } = run;
    const target = awayFromWriter(platform);
    const names = ['chaos-concurrent-a', 'chaos-concurrent-b'];
    const mark = journalMark(platform);
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: names.map((name) =>
        failoverManifest(platform.estate, name, 'Switchover', target, 'chaos: two at once'),
      ),
    };
    await platform.kubectlOk(target, ['apply', '-f', '-'], JSON.stringify(list));
    await run.event(`kubectl apply: two Switchovers → ${target} in one request`);
    const ended = [];
    for (const name of names) {
      ended.push(await followFailover(run, target, name));
      await run.event(`${name} ended ${ended.at(-1)?.status?.phase}`);
    }
    await run.settled(`writer and DNS in ${target}`);
    run.require(writerRegion(platform) === target, `the writer is ${writerRegion(platform)}, not ${target}`);
    const switchovers = countOf(journalSince(platform, mark), 'SwitchoverGlobalCluster');
    run.require(switchovers === 1, `SwitchoverGlobalCluster reached AWS ${switchovers} times`);
    const actions = plannedSteps(platform.estate.plan, target)
      .filter((step) => step.kind === 'action')
      .map((step) => step.name);
    // One acts; the other waits for the plan lock and finds the work done, or its preflight sees
    // Aurora busy with the first one's switchover and refuses: either way their actions never overlap.
    const spans = ended.flatMap((failover) => {
      const span = actionSpan(failover, actions);
      return span ? [span] : [];
    });
    const [a, b] = spans;
    run.require(a !== undefined, 'neither Failover journaled an action step');
    run.require(
      !b || a.to <= b.from || b.to <= a.from,
      `their action steps overlap: ${JSON.stringify(spans)}`,
    );
    run.require(
      ended.some((failover) => failover.status?.phase === 'Succeeded'),
      'neither Failover Succeeded',
    );
    run.note(
      `${ended.map((f) => `${f.metadata.name} ${f.status?.phase}`).join(', ')}; ${spans.length} of them acted${b ? `, ${((Math.max(a.from, b.from) - Math.min(a.to, b.to)) / 1000).toFixed(1)} s apart` : ''}; 1 SwitchoverGlobalCluster`,
    );
  },
};
