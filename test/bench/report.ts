/**
 * One run of `npm run bench` as data (bench/results/latest.json) and its three renderings: the
 * console text, bench/results/latest.md, and the README's table of figures against goals.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { machineLine as describeMachine, type Machine } from '../support/machine.js';
import { readmeBlock } from '../support/readme-block.js';
import { type Figure, type Goal, type Section, type Verdict, verdictOf } from './figures.js';

export interface BenchReport {
  /** ISO time the run started. */
  date: string;
  durationSeconds: number;
  machine: Machine;
  sections: Section[];
}

const goalSchema = z.object({ comparison: z.enum(['<=', '>=']), value: z.number() });
const reportSchema = z.object({
  date: z.string(),
  durationSeconds: z.number(),
  machine: z.object({
    cpu: z.string(),
    cores: z.number(),
    memoryGiB: z.number(),
    node: z.string(),
    platform: z.string(),
    loadAtStart: z.array(z.number()),
    loadAtEnd: z.array(z.number()),
  }),
  sections: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      setup: z.string(),
      seconds: z.number().optional(),
      figures: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          value: z.number().nullable(),
          unit: z.string(),
          goal: goalSchema.optional(),
          met: z.boolean().optional(),
          note: z.string().optional(),
        }),
      ),
    }),
  ),
});

export function readReport(file: string): BenchReport {
  return reportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

export const reportJson = (report: BenchReport) => `${JSON.stringify(report, null, 2)}\n`;

/** 1234.5 → "1,235"; 12.34 → "12.3"; 0.456 → "0.46". */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatValue(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (unit === '×') return `${formatNumber(value)}×`;
  return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
}

export function formatGoal(goal: Goal | undefined, unit: string): string {
  if (!goal) return '';
  return `${goal.comparison === '<=' ? '≤' : '≥'} ${formatValue(goal.value, unit)}`;
}

export function allFigures(report: BenchReport): Figure[] {
  return report.sections.flatMap((section) => section.figures);
}

export function verdictCounts(report: BenchReport): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { MET: 0, MISSED: 0, SKIPPED: 0, INFO: 0 };
  for (const figure of allFigures(report)) counts[verdictOf(figure)] += 1;
  return counts;
}

function machineLine(report: BenchReport): string {
  return describeMachine(report.machine);
}

function summaryLine(report: BenchReport): string {
  const counts = verdictCounts(report);
  return `${counts.MET} met, ${counts.MISSED} missed, ${counts.SKIPPED} skipped (not measured), ${counts.INFO} without a goal`;
}

const minutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;
const took = (section: Section) => (section.seconds === undefined ? '' : ` (${section.seconds} s)`);

export function renderText(report: BenchReport): string {
  const lines = [
    `npm run bench, ${report.date}, ${minutes(report.durationSeconds)}: ${summaryLine(report)}`,
    `machine: ${machineLine(report)} (figures are noisy when others share the cores)`,
  ];
  for (const section of report.sections) {
    lines.push('', `${section.title}${took(section)}`, `  ${section.setup}`);
    for (const figure of section.figures) {
      const verdict = verdictOf(figure);
      const goal = formatGoal(figure.goal, figure.unit);
      lines.push(
        `  ${figure.title.padEnd(58)} ${formatValue(figure.value, figure.unit).padStart(14)}  ${goal.padEnd(14)} ${verdict === 'INFO' ? '' : verdict}${figure.note ? `  (${figure.note})` : ''}`.trimEnd(),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const verdictCell = (figure: Figure) => {
  const verdict = verdictOf(figure);
  return verdict === 'INFO' ? '' : verdict === 'MET' ? 'MET' : `**${verdict}**`;
};

function figureRow(figure: Figure, withNote: boolean): string {
  const cells = [
    figure.title,
    formatValue(figure.value, figure.unit),
    formatGoal(figure.goal, figure.unit),
    verdictCell(figure),
    ...(withNote ? [figure.note ?? ''] : []),
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

export function renderMarkdown(report: BenchReport): string {
  const lines = [
    '# `npm run bench` results',
    '',
    `Written by \`npm run bench\` (test/bench/run.ts); do not edit. Data: \`latest.json\` beside this file.`,
    '',
    `- date: ${report.date}; the run took ${minutes(report.durationSeconds)}`,
    `- machine: ${machineLine(report)}`,
    `- ${summaryLine(report)}`,
  ];
  for (const section of report.sections) {
    lines.push(
      '',
      `## ${section.title}${took(section)}`,
      '',
      section.setup,
      '',
      '| figure | value | goal | result | note |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const figure of section.figures) lines.push(figureRow(figure, true));
  }
  return `${lines.join('\n')}\n`;
}

export const BENCH_BLOCK = readmeBlock('bench');
export const README_START = BENCH_BLOCK.start;
export const README_END = BENCH_BLOCK.end;

/** The README's block: every figure that has a goal, from the last run. */
export function renderReadmeBlock(report: BenchReport): string {
  const day = report.date.slice(0, 10);
  const rows = allFigures(report)
    .filter((figure) => figure.goal)
    .map((figure) => figureRow(figure, false));
  return [
    README_START,
    '<!-- generated from bench/results/latest.json by `npm run bench:readme` (npm run bench runs it); do not edit -->',
    `Last \`npm run bench\` (${day}, ${minutes(report.durationSeconds)}) on ${machineLine(report)}: ${summaryLine(report)}. Every figure, with how it was measured: [bench/results/latest.md](bench/results/latest.md).`,
    '',
    '| figure | value | goal | result |',
    '| --- | --- | --- | --- |',
    ...rows,
    README_END,
  ].join('\n');
}

/** `readme` with its bench block replaced; throws when the markers are missing. */
export const withReadmeBlock = (readme: string, block: string): string =>
  BENCH_BLOCK.replaceIn(readme, block);

/** The block currently in `readme`, markers included (undefined when absent). */
export const readmeBlockOf = (readme: string): string | undefined => BENCH_BLOCK.of(readme);
