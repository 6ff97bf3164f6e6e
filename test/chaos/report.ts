/**
 * The chaos suite's summary: a table (scenario, events, invariant checks, result, duration) printed
 * and written to chaos/results/latest.json and latest.md with the machine it ran on, the seed and
 * each scenario's figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ScenarioResult } from './scenario.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  /** 1-minute load average when the suite started and when it ended (others may share the cores). */
  loadAverage: { start: number; end: number };
}

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

export function machine(loadAtStart: number): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    loadAverage: { start: loadAtStart, end: Number(loadavg()[0]?.toFixed(2)) },
  };
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

function markdown(report: ChaosReport): string {
  const m = report.machine;
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
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node} (${m.platform}); load average ${m.loadAverage.start} at the start, ${m.loadAverage.end} at the end (others share the cores). Time scale ${report.timeScale}; seed ${report.seed} (replay: \`CHAOS_SEED=${report.seed} npm run chaos\`), ${report.randomRuns} random runs${report.selected === 'all' ? '' : `; only ${report.selected.join(', ')} (CHAOS_ONLY)`}.`,
    '',
    ...table,
    ...details,
    '',
  ].join('\n');
}

export function writeReport(dir: string, report: ChaosReport): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'latest.md'), markdown(report));
}
