/**
 * `npm run chaos` (issue 19): the chaos suite on the platform `npm start` runs, over the wire. One
 * platform is started (time-scale 0.01, as npm start), its controllers as child processes the suite
 * can SIGKILL; the scenarios run one after another on it, each from a reset, healthy platform, and
 * each event is followed by the invariant checks. Prints a summary table and writes
 * chaos/results/latest.json and latest.md; exits 1 when a scenario failed.
 *
 *   CHAOS_SEED=<n>     the random schedule's seed (printed; default: from the clock)
 *   CHAOS_RUNS=<n>     runs of the random schedule (default 2)
 *   CHAOS_ONLY=a,b     only these scenarios (the others are reported as skipped, not selected)
 *   CHAOS_RESULTS=dir  where latest.* go (default chaos/results)
 *   CHAOS_KEEP_STATE=1 keep the platform's state dir (logs of every component); kept anyway on a failure
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/schema/paths.js';
import { bundleController } from '../../tools/build-controller.js';
import { finish, machineAtStart } from '../support/machine.js';
import { Invariants } from './invariants.js';
import { ChaosPlatform } from './platform.js';
import { type ChaosReport, formatTable, RESULTS_DIR, totals, writeReport } from './report.js';
import { type Scenario, type ScenarioResult, ScenarioRun, ScenarioSkipped } from './scenario.js';
import { chaosScenarios } from './scenarios/index.js';
import { resetPlatform } from './steps.js';

const TIME_SCALE = 0.01;
/** A scenario that runs longer than this is stopped and failed; the suite goes on. */
const SCENARIO_BUDGET_MS = 240_000;

const root = projectRoot();
const log = (line: string) => process.stdout.write(`${line}\n`);
const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
const randomRuns = Number(process.env.CHAOS_RUNS ?? 2);
/** Events per run of the random schedule. */
const RANDOM_EVENTS = 3;
const only = process.env.CHAOS_ONLY?.split(',').map((name) => name.trim());
const resultsDir = process.env.CHAOS_RESULTS ?? RESULTS_DIR;

/** Resets that failed in a row: after two, the platform is taken for broken and the rest is skipped at once. */
let failedResets = 0;
const MAX_FAILED_RESETS = 2;

const skipped = (scenario: Scenario, reason: string): ScenarioResult => ({
  name: scenario.name,
  summary: scenario.summary,
  result: 'skipped',
  events: 0,
  checks: 0,
  seconds: 0,
  details: [],
  reason,
});

async function runScenario(
  scenario: Scenario,
  platform: ChaosPlatform,
  invariants: Invariants,
): Promise<ScenarioResult> {
  const base = { name: scenario.name, summary: scenario.summary };
  if (failedResets >= MAX_FAILED_RESETS)
    return skipped(
      scenario,
      `the platform did not come back to a healthy state ${failedResets} times in a row`,
    );
  const reset = new ScenarioRun(platform, invariants, log);
  try {
    await resetPlatform(platform, reset);
    failedResets = 0;
  } catch (error) {
    failedResets += 1;
    // Not run, but not a skip: the platform did not recover from what came before, which is a failure.
    return {
      ...skipped(scenario, `the platform did not come back to a healthy state before it: ${String(error)}`),
      result: 'failed',
    };
  }
  const checksBefore = invariants.checks;
  const started = Date.now();
  const run = new ScenarioRun(platform, invariants, log);
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const why = `did not finish within its ${SCENARIO_BUDGET_MS / 1000} s budget`;
      run.abandon(why);
      reject(new Error(why));
    }, SCENARIO_BUDGET_MS);
  });
  let outcome: Pick<ScenarioResult, 'result' | 'reason'>;
  try {
    await Promise.race([scenario.run(run), budget]);
    const lost = await invariants.nothingLost();
    if (lost.length > 0) throw new Error(`at its end: ${lost.join('; ')}`);
    outcome = { result: 'passed' };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    outcome = { result: error instanceof ScenarioSkipped ? 'skipped' : 'failed', reason };
  } finally {
    clearTimeout(timer);
  }
  return {
    ...base,
    ...outcome,
    events: run.events,
    checks: invariants.checks - checksBefore,
    seconds: (Date.now() - started) / 1000,
    details: run.details,
  };
}

async function main(): Promise<number> {
  // The SDK's notice about node 20 would interleave with the report (the controllers' env says the same).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const machineThen = machineAtStart();
  const startedAt = new Date();
  log(
    `chaos: seed ${seed} (replay: CHAOS_SEED=${seed} npm run chaos), ${randomRuns} random runs, time scale ${TIME_SCALE}`,
  );
  const buildDir = mkdtempSync(join(tmpdir(), 'switchyard-chaos-build-'));
  const entry = join(buildDir, 'controller.mjs');
  await bundleController(join(root, 'src/cli/platform/controller-child.ts'), entry);
  log('starting the platform (npm start, controllers as child processes) …');
  const platform = await ChaosPlatform.start({
    root,
    timeScale: TIME_SCALE,
    controllerEntry: { path: entry, execArgv: [] },
    readyTimeoutMs: 240_000,
  });
  log(`platform ready in ${platform.readySeconds.toFixed(1)} s`);
  const results: ScenarioResult[] = [];
  try {
    const invariants = new Invariants(platform);
    await invariants.takeBaseline();
    for (const scenario of chaosScenarios({ seed, runs: randomRuns, events: RANDOM_EVENTS })) {
      if (only && !only.includes(scenario.name)) {
        results.push(skipped(scenario, `not selected (CHAOS_ONLY=${only.join(',')})`));
        continue;
      }
      log(`\n▶ ${scenario.name}: ${scenario.summary}`);
      const result = await runScenario(scenario, platform, invariants);
      log(`  ${result.result}${result.reason ? `: ${result.reason}` : ''} (${result.seconds.toFixed(1)} s)`);
      results.push(result);
    }
  } finally {
    const keep = results.some((result) => result.result === 'failed') || process.env.CHAOS_KEEP_STATE === '1';
    await platform.stop(keep);
    if (keep) log(`\nlogs kept: ${platform.logs}`);
    rmSync(buildDir, { recursive: true, force: true });
  }
  const report: ChaosReport = {
    startedAt: startedAt.toISOString(),
    seed,
    randomRuns,
    timeScale: TIME_SCALE,
    selected: only ?? 'all',
    platformReadySeconds: platform.readySeconds,
    totalSeconds: (Date.now() - startedAt.getTime()) / 1000,
    controllerKills: platform.controllers.kills,
    machine: finish(machineThen),
    scenarios: results,
    totals: totals(results),
  };
  writeReport(resultsDir, report);
  log(`\n${formatTable(report)}\nwritten: ${join(resultsDir, 'latest.json')}, latest.md`);
  return report.totals.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `chaos: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
