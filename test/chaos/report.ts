/**
 * The chaos suite's summary: a table (scenario, events, invariant checks, result, duration) printed
 * and written to chaos/results/latest.json and latest.md with the machine it ran on, the seed and
 * each scenario's figures.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/schema/paths.js';
import { type Machine, machineLine } from '../support/machine.js';
import { readmeBlock } from '../support/readme-block.js';
import type { ScenarioResult } from './scenario.js';

/** Where a whole `npm run chaos` leaves its results, committed so the README's summary has a source. */
export const RESULTS_DIR = join(projectRoot(), 'chaos', 'results');
export const LATEST_JSON = join(RESULTS_DIR, 'latest.json');
export const LATEST_MD = join(RESULTS_DIR, 'latest.md');
export const README = join(projectRoot(), 'README.md');
export const CHAOS_BLOCK = readmeBlock('chaos');

export interface ChaosReport {
  startedAt: string;
  seed: number;
  randomRuns: number;
  timeScale: number;
  /** Only these scenarios were selected (CHAOS_ONLY), or all. */
  selected: string[] | 'all';
  platformReadySeconds: number;
  totalSeconds: number;
  controllerKills: number;
  machine: Machine;
  scenarios: ScenarioResult[];
  totals: { passed: number; failed: number; skipped: number; events: number; checks: number };
}

export function totals(scenarios: readonly ScenarioResult[]): ChaosReport['totals'] {
  const count = (result: ScenarioResult['result']) => scenarios.filter((s) => s.result === result).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    events: scenarios.reduce((sum, s) => sum + s.events, 0),
    checks: scenarios.reduce((sum, s) => sum + s.checks, 0),
  };
}

const HEADER = ['SCENARIO', 'EVENTS', 'INVARIANT CHECKS', 'RESULT', 'DURATION'];

function rows(report: ChaosReport): string[][] {
  return report.scenarios.map((s) => [
    s.name,
    String(s.events),
    String(s.checks),
    s.result,
    `${s.seconds.toFixed(1)} s`,
  ]);
}

export function formatTable(report: ChaosReport): string {
  const all = [HEADER, ...rows(report)];
  const widths = HEADER.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  const { totals: t } = report;
  return [
    ...all.map(line),
    '',
    `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped · ${t.events} events · ${t.checks} invariant checks · ${report.controllerKills} controller SIGKILLs · ${report.totalSeconds.toFixed(0)} s (platform ready in ${report.platformReadySeconds.toFixed(1)} s) · seed ${report.seed} (CHAOS_SEED=${report.seed})`,
  ].join('\n');
}

export function renderMarkdown(report: ChaosReport): string {
  const table = [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map(() => '---').join('|')}|`,
    ...rows(report).map((row) => `| ${row.join(' | ')} |`),
  ];
  const details = report.scenarios.flatMap((s) => [
    '',
    `### ${s.name}: ${s.result}`,
    '',
    s.summary,
    '',
    ...(s.reason ? [`**${s.result === 'skipped' ? 'Skipped' : 'Failed'}:** ${s.reason}`, ''] : []),
    ...s.details.map((d) => `- ${d}`),
  ]);
  const t = report.totals;
  return [
    '# Chaos suite: latest run',
    '',
    `\`npm run chaos\` on ${report.startedAt}: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped; ${t.events} events, ${t.checks} invariant checks, ${report.controllerKills} controller SIGKILLs; ${report.totalSeconds.toFixed(0)} s in all, the platform ready in ${report.platformReadySeconds.toFixed(1)} s.`,
    '',
    `Machine: ${machineLine(report.machine)} (others may share the cores). Time scale ${report.timeScale}; seed ${report.seed} (replay: \`CHAOS_SEED=${report.seed} npm run chaos\`), ${report.randomRuns} random runs${report.selected === 'all' ? '' : `; only ${report.selected.join(', ')} (CHAOS_ONLY)`}.`,
    '',
    ...table,
    ...details,
    '',
  ].join('\n');
}

const summaryLine = (report: ChaosReport) => {
  const t = report.totals;
  return `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped; ${t.events} events, ${t.checks} invariant checks, ${report.controllerKills} controller SIGKILLs`;
};

/** The README's block: one row per scenario with what it proves, from the last whole run. */
export function renderReadmeBlock(report: ChaosReport): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  return [
    CHAOS_BLOCK.start,
    '<!-- generated from chaos/results/latest.json by `npm run chaos:readme` (a whole npm run chaos runs it); do not edit -->',
    `Last \`npm run chaos\` (${report.startedAt.slice(0, 10)}, ${(report.totalSeconds / 60).toFixed(1)} min, seed ${report.seed}, time scale ${report.timeScale}) on ${machineLine(report.machine)}: ${summaryLine(report)}. Every event and figure: [chaos/results/latest.md](chaos/results/latest.md).`,
    '',
    '| scenario | what must hold | events | invariant checks | result |',
    '| --- | --- | --- | --- | --- |',
    ...report.scenarios.map(
      (s) =>
        `| ${s.name} | ${cell(s.summary)} | ${s.events} | ${s.checks} | ${s.result === 'passed' ? s.result : `**${s.result.toUpperCase()}**`} |`,
    ),
    CHAOS_BLOCK.end,
  ].join('\n');
}

export function readReport(path = LATEST_JSON): ChaosReport {
  return JSON.parse(readFileSync(path, 'utf8')) as ChaosReport;
}

/** Rewrites the README's chaos block from `report`; returns whether the file changed. */
export function updateReadme(report: ChaosReport = readReport()): boolean {
  return CHAOS_BLOCK.rewrite(README, renderReadmeBlock(report));
}

/** Writes latest.json and latest.md to `dir`; a whole run into the committed results also rewrites the README's block. */
export function writeReport(dir: string, report: ChaosReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), renderMarkdown(report));
  if (dir === RESULTS_DIR && report.selected === 'all') updateReadme(report);
}
