/**
 * The corpus of invalid manifests (invalid-corpus.ts) applied with the real kubectl to a cluster,
 * then pushed through Git to both clusters' folders: every one refused with its message, by the API
 * server and by the syncers (which refuse the whole commit and keep serving the last good one),
 * nothing of it created, and no call that changes AWS while it happened.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { projectRoot } from '../../../src/schema/paths.js';
import { formatProblem } from '../../../src/schema/validate.js';
import { MUTATING } from '../../controller/estate.js';
import { type InvalidCase, invalidCorpus } from '../invalid-corpus.js';
import { describeCalls, journalMark, journalSince } from '../journal.js';
import { type ChaosPlatform, REGIONS } from '../platform.js';
import type { Scenario, ScenarioRun } from '../scenario.js';

const KUBECTL_CONTEXT = 'us-east-2';
const FOLDER = 'chaos-invalid';
/** kubectl processes at once: the cores are shared with the platform. */
const PARALLEL = 4;

async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

/** Each case through kubectl; returns the cases not refused with their fragment. */
async function throughKubectl(platform: ChaosPlatform, cases: readonly InvalidCase[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-chaos-corpus-'));
  try {
    return (
      await inParallel(cases, PARALLEL, async (item) => {
        const file = join(dir, `${item.name}.yaml`);
        writeFileSync(file, stringify(item.manifest));
        const result = await platform.kubectl(KUBECTL_CONTEXT, ['apply', '-f', file]);
        if (result.code === 0) return `${item.name}: accepted by the API server (${item.why})`;
        return result.stderr.includes(item.expect)
          ? undefined
          : `${item.name}: refused without "${item.expect}": ${result.stderr.trim()}`;
      })
    ).filter((miss): miss is string => miss !== undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The corpus pushed to both folders: each syncer refuses the commit, naming every case. */
async function throughGit(run: ScenarioRun, cases: readonly InvalidCase[]): Promise<string[]> {
  const { platform } = run;
  const commit = await platform.environments.commit(`chaos: ${cases.length} invalid manifests`, (tree) => {
    for (const region of REGIONS)
      for (const item of cases)
        tree.write(`clusters/${region}/${FOLDER}/${item.name}.yaml`, stringify(item.manifest));
  });
  await run.event(
    `git push ${commit.slice(0, 12)}: ${cases.length} invalid manifests in both clusters' folders`,
  );
  const misses: string[] = [];
  for (const region of REGIONS) {
    const rejected = await run.waitFor(
      `the ${region} syncer to refuse ${commit.slice(0, 12)}`,
      60_000,
      async () => {
        const status = platform.syncStatus(region);
        return status?.rejected?.revision === commit ? status.rejected : undefined;
      },
    );
    for (const item of cases) {
      const problems = rejected.problems
        .filter((p) => p.file.endsWith(`/${item.name}.yaml`))
        .map(formatProblem);
      if (!problems.some((problem) => problem.includes(item.expect)))
        misses.push(
          `${region} syncer, ${item.name}: not refused with "${item.expect}": ${problems.join(' | ') || 'no problem named it'}`,
        );
    }
    const serving = platform.syncStatus(region)?.sync.revision;
    if (serving === commit) misses.push(`${region} syncer serves the refused commit`);
  }
  await run.event(`both syncers refused ${commit.slice(0, 12)} and kept serving the last good commit`);
  const revert = await platform.environments.commit('chaos: remove the invalid manifests', (tree) => {
    for (const region of REGIONS) tree.remove(`clusters/${region}/${FOLDER}`);
  });
  for (const region of REGIONS)
    await run.waitFor(`the ${region} syncer to sync ${revert.slice(0, 12)}`, 60_000, async () => {
      const status = platform.syncStatus(region);
      return status?.sync.revision === revert && status.sync.status === 'Synced' && !status.rejected
        ? true
        : undefined;
    });
  await run.event(`git push ${revert.slice(0, 12)} (the corpus removed): both syncers synced`);
  return misses;
}

/** Objects of the corpus that exist in either cluster (none may). */
async function created(platform: ChaosPlatform): Promise<string[]> {
  const found: string[] = [];
  for (const region of REGIONS) {
    const names = await platform.kubectlOk(region, [
      'get',
      'failovers,failoverplans,regionhealths,tradingplatforms',
      '-n',
      platform.estate.namespace,
      '-o',
      'name',
    ]);
    found.push(
      ...names
        .split('\n')
        .filter((name) => name.includes('chaos-invalid'))
        .map((name) => `${region}: ${name}`),
    );
  }
  return found;
}

export const invalidManifests: Scenario = {
  name: 'invalid-manifests',
  summary:
    'a corpus of invalid Failover, FailoverPlan, RegionHealth and TradingPlatform manifests applied with kubectl and pushed through Git: each refused with its message, none created, 0 AWS calls that change anything',
  async run(run: ScenarioRun) {
    const { platform } = run;
    const cases = invalidCorpus(projectRoot());
    run.require(cases.length >= 50, `the corpus has ${cases.length} cases, fewer than 50`);
    const mark = journalMark(platform);
    const kubectlMisses = await throughKubectl(platform, cases);
    await run.event(
      `kubectl apply of ${cases.length} invalid manifests (${kubectlMisses.length} not refused as expected)`,
    );
    const gitMisses = await throughGit(run, cases);
    const leftOver = await created(platform);
    const writes = journalSince(platform, mark).filter(
      (entry) => MUTATING.has(entry.operation) || /^(Create|Delete|Modify|Update|Put)/.test(entry.operation),
    );
    const kinds = [...new Set(cases.map((c) => c.kind))].map(
      (kind) => `${cases.filter((c) => c.kind === kind).length} ${kind}`,
    );
    run.note(`corpus: ${cases.length} cases (${kinds.join(', ')})`);
    run.note(
      `kubectl: ${cases.length - kubectlMisses.length}/${cases.length} refused with the expected message; git: ${cases.length * REGIONS.length - gitMisses.length}/${cases.length * REGIONS.length} (both syncers)`,
    );
    run.note(`AWS calls that change anything meanwhile: ${writes.length} (${describeCalls(writes)})`);
    run.require(kubectlMisses.length === 0, `kubectl: ${kubectlMisses.join('; ')}`);
    run.require(gitMisses.length === 0, `git: ${gitMisses.join('; ')}`);
    run.require(leftOver.length === 0, `created: ${leftOver.join(', ')}`);
    run.require(writes.length === 0, `AWS calls that change something: ${describeCalls(writes)}`);
    await run.settled('the platform as it was');
  },
};
