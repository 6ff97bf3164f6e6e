/**
 * `npm start` and GitOps (issues 17 and 18): `npm start --state-dir <tmp>` spawned as a newcomer
 * runs it, timed to its `platform ready` line; then, on that running platform, a change to the
 * TradingPlatform published into its environments repository (what `switchyard publish` does) and
 * timed until both regions' syncers serve the new commit Synced; and `switchyard publish` of the
 * whole tree into a fresh bare repository, as a command.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStatus, statusFile } from '../../local/gitops/index.js';
import { PLATFORM_VANTAGES } from '../../src/cli/platform/platform.js';
import { platformPaths } from '../../src/cli/platform/state-dir.js';
import { REGION_PAIR } from '../../src/estate/common/parameters.js';
import { EXAMPLE_PLATFORM_FILE } from '../../src/generate/derived-plan.js';
import { publish } from '../../src/gitops/publish.js';
import { projectRoot } from '../../src/schema/paths.js';
import { interruptNpmStart, spawnNpmStart } from '../support/npm-start.js';
import { pollUntil } from './controller-env.js';
import { atMost, errorText, type Figure, measured, notMeasured, type Section } from './figures.js';

/** ADR 0025: ready (launch → both regions synced, healthy and probed) within 20 s. */
const READY_GOAL_S = 20;
const READY_TIMEOUT_MS = 180_000;
const APPLIED_TIMEOUT_MS = 120_000;

interface StartedPlatform {
  /** Spawn → the `platform ready in N s` line. */
  wallSeconds: number;
  /** N: the platform's own launch → ready. */
  readySeconds: number;
  stop(): Promise<void>;
}

async function startPlatform(stateDir: string): Promise<StartedPlatform> {
  const begin = performance.now();
  const started = spawnNpmStart(stateDir);
  const stop = async () => {
    await interruptNpmStart(started);
  };
  try {
    const readySeconds = await pollUntil(
      async () => {
        const { exitCode } = started.child;
        if (exitCode !== null) throw new Error(`npm start exited ${exitCode}:\n${started.output()}`);
        const match = /platform ready in ([\d.]+) s/.exec(started.output());
        return match ? Number(match[1]) : undefined;
      },
      'npm start to print platform ready',
      READY_TIMEOUT_MS,
      100,
    );
    return { wallSeconds: (performance.now() - begin) / 1000, readySeconds, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A copy of the example platform with one field changed, so publishing it changes both clusters. */
function changedPlatform(dir: string): string {
  const file = join(dir, 'trading-platform.yaml');
  const text = readFileSync(join(projectRoot(), EXAMPLE_PLATFORM_FILE), 'utf8');
  const changed = text.replace(
    'endpoint: oncall@trading.example.com',
    'endpoint: oncall+bench@trading.example.com',
  );
  if (changed === text) throw new Error(`bench: ${EXAMPLE_PLATFORM_FILE} has no alerting endpoint to change`);
  writeFileSync(file, changed);
  return file;
}

/** Publish the change into the platform's repository; then until each region serves it Synced. */
async function pushToApplied(
  stateDir: string,
  dir: string,
): Promise<{ publishMs: number; appliedMs: Record<string, number> }> {
  const paths = platformPaths(stateDir);
  const begin = performance.now();
  const outcome = await publish({
    root: projectRoot(),
    inputs: [changedPlatform(dir)],
    remote: paths.repo,
    branch: 'main',
    vantages: PLATFORM_VANTAGES,
  });
  const publishMs = performance.now() - begin;
  if (!outcome.changed) throw new Error('bench: publishing the changed platform changed nothing');
  const changedClusters = new Set(outcome.changes.map((change) => change.path.split('/')[1]));
  const appliedMs: Record<string, number> = {};
  await pollUntil(
    async () => {
      for (const region of REGION_PAIR) {
        const status = readStatus(statusFile(paths.root, { region }));
        if (
          appliedMs[region] === undefined &&
          status?.sync.revision === outcome.commit &&
          status.sync.status === 'Synced'
        )
          appliedMs[region] = performance.now() - begin;
      }
      return REGION_PAIR.every((region) => appliedMs[region] !== undefined) ? true : undefined;
    },
    `both regions to serve ${outcome.commit.slice(0, 12)} (changed: ${[...changedClusters].join(', ')})`,
    APPLIED_TIMEOUT_MS,
    50,
  );
  return { publishMs, appliedMs };
}

/** `switchyard publish` as a command, the whole tree into a fresh bare repository. */
function publishCommand(dir: string): number {
  const remote = join(dir, 'fresh.git');
  execFileSync('git', ['init', '--quiet', '--bare', remote]);
  const begin = performance.now();
  execFileSync('node', ['bin/switchyard.mjs', 'publish', '--remote', remote, EXAMPLE_PLATFORM_FILE], {
    cwd: projectRoot(),
    stdio: 'ignore',
  });
  return performance.now() - begin;
}

export async function measurePlatform(): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-platform-'));
  const stateDir = join(dir, 'state');
  const figures: Figure[] = [];
  try {
    figures.push(
      measured(
        'gitops.publish-command',
        '`switchyard publish` of the whole tree into a fresh bare repo',
        publishCommand(dir),
        'ms',
        {
          note: 'the command as a user runs it: node + tsx start-up, render, validation, commit, push',
        },
      ),
    );
    const platform = await startPlatform(stateDir);
    try {
      figures.push(
        measured(
          'start.ready',
          '`npm start` on a fresh state dir: launch → ready',
          platform.readySeconds,
          's',
          {
            goal: atMost(READY_GOAL_S),
            note: `ADR 0025's measure (the platform's own clock); ${platform.wallSeconds.toFixed(1)} s from spawning npm start to its ready line (checks of generated files and manifests first)`,
          },
        ),
      );
      try {
        const { publishMs, appliedMs } = await pushToApplied(stateDir, dir);
        const both = Math.max(...Object.values(appliedMs));
        figures.push(
          measured(
            'gitops.publish',
            'publish a changed platform into the running environments repo',
            publishMs,
            'ms',
          ),
          measured(
            'gitops.applied',
            'push → applied (Synced at the new commit) in both clusters',
            both,
            'ms',
            {
              note: `from the start of the publish; per region: ${Object.entries(appliedMs)
                .map(([region, ms]) => `${region} ${ms.toFixed(0)} ms`)
                .join(', ')}; the local syncer polls the repository every second`,
            },
          ),
        );
      } catch (error) {
        figures.push(
          notMeasured('gitops.applied', 'push → applied in both clusters', 'ms', errorText(error)),
        );
      }
    } finally {
      await platform.stop();
    }
  } catch (error) {
    figures.push(
      notMeasured('start.ready', '`npm start` launch → ready', 's', errorText(error), atMost(READY_GOAL_S)),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    id: 'platform',
    title: 'npm start and GitOps',
    setup:
      "`npm start -- --state-dir <tmp>` spawned as a newcomer runs it (two clusters, syncers, local Crossplane, controllers, AWS simulator; first provisioning of the estate included); on the running platform, a changed TradingPlatform published into its environments repository and watched until both regions' syncers serve the commit Synced (their status files).",
    figures,
  };
}
