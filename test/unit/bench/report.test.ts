/**
 * The figures of `npm run bench` and their renderings (test/bench/figures.ts, report.ts): a goal
 * gives MET or MISSED, a figure not measured says why and counts as skipped, and the console text,
 * latest.md and the README block print the same values and verdicts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  atLeast,
  atMost,
  failedSection,
  measured,
  notMeasured,
  verdictOf,
} from '../../../test/bench/figures.js';
import {
  type BenchReport,
  formatNumber,
  formatValue,
  readmeBlockOf,
  readReport,
  renderMarkdown,
  renderReadmeBlock,
  renderText,
  reportJson,
  verdictCounts,
  withReadmeBlock,
} from '../../../test/bench/report.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const report: BenchReport = {
  date: '2026-12-03T16:00:00.000Z',
  durationSeconds: 300,
  machine: {
    cpu: 'Test CPU',
    cores: 2,
    memoryGiB: 8,
    node: 'v20.19.0',
    platform: 'linux/x64',
    loadAtStart: [1.5, 1, 0.5],
    loadAtEnd: [2, 1.25, 0.75],
  },
  sections: [
    {
      id: 'controller',
      title: 'Failover controller',
      setup: 'how it was measured',
      seconds: 42,
      figures: [
        measured('controller.unplanned.median', 'unplanned failover: median', 712.4, 'ms', {
          goal: atMost(1000),
          note: '20 runs',
        }),
        measured('controller.rss.1000', 'controller RSS', 163, 'MB', { goal: atMost(150) }),
        measured('controller.throughput', 'throughput', 12345.6, 'req/s'),
      ],
    },
    {
      id: 'kube',
      title: 'Kubernetes API',
      setup: 'two servers',
      figures: [
        measured('kube.ratio.get', 'emulator/real: get', 1.234, '×', { goal: atLeast(1) }),
        notMeasured(
          'kube.ratio.list',
          'emulator/real: list',
          '×',
          'the real apiserver is not built',
          atLeast(1),
        ),
      ],
    },
    failedSection('platform', 'npm start', new Error('npm start exited 1')),
  ],
};

describe('figures', () => {
  it('a goal decides MET or MISSED, either way round; no goal is INFO; no value is SKIPPED', () => {
    expect(verdictOf(measured('a', 'a', 1000, 'ms', { goal: atMost(1000) }))).toBe('MET');
    expect(verdictOf(measured('a', 'a', 1000.1, 'ms', { goal: atMost(1000) }))).toBe('MISSED');
    expect(verdictOf(measured('a', 'a', 0.99, '×', { goal: atLeast(1) }))).toBe('MISSED');
    expect(verdictOf(measured('a', 'a', 2, '×', { goal: atLeast(2) }))).toBe('MET');
    expect(verdictOf(measured('a', 'a', 5, 'ms'))).toBe('INFO');
    expect(verdictOf(notMeasured('a', 'a', 'ms', 'why', atMost(1)))).toBe('SKIPPED');
  });

  it('a value that is not a number is not measured, never a verdict on NaN', () => {
    const figure = measured('a', 'median of nothing', Number.NaN, 'ms', { goal: atMost(1000) });
    expect(figure).toMatchObject({ value: null, note: 'not measured: the measurement gave NaN' });
    expect(verdictOf(figure)).toBe('SKIPPED');
  });

  it('a failed section is one skipped figure carrying the error', () => {
    const section = failedSection('platform', 'npm start', new Error('boom'));
    expect(section.figures).toEqual([
      { id: 'platform.failed', title: 'npm start', value: null, unit: '', note: 'not measured: boom' },
    ]);
  });
});

describe('rendering', () => {
  it('numbers keep three significant digits or all the integer ones', () => {
    expect([formatNumber(12345.6), formatNumber(712.4), formatNumber(12.34), formatNumber(0.456)]).toEqual([
      '12,346',
      '712',
      '12.3',
      '0.46',
    ]);
    expect([formatValue(1.234, '×'), formatValue(null, 'ms'), formatValue(3, '')]).toEqual([
      '1.23×',
      '—',
      '3.00',
    ]);
  });

  it('counts verdicts over every section', () => {
    expect(verdictCounts(report)).toEqual({ MET: 2, MISSED: 1, SKIPPED: 2, INFO: 1 });
  });

  it('the text has the machine, each figure with value, goal and verdict, and why one was skipped', () => {
    const text = renderText(report);
    expect(text).toContain('2 met, 1 missed, 2 skipped (not measured), 1 without a goal');
    expect(text).toContain(
      'Test CPU, 2 cores, 8 GiB, Node v20.19.0, linux/x64; load average (1/5/15 min) 1.50 1.00 0.50 at start, 2.00 1.25 0.75 at end',
    );
    expect(text).toContain('\nFailover controller (42 s)\n  how it was measured\n');
    expect(text).toMatch(/unplanned failover: median +712 ms +≤ 1,000 ms +MET +\(20 runs\)/);
    expect(text).toMatch(/controller RSS +163 MB +≤ 150 MB +MISSED/);
    expect(text).toMatch(
      /emulator\/real: list +— +≥ 1\.00× +SKIPPED +\(not measured: the real apiserver is not built\)/,
    );
  });

  it('latest.md has a table per section with notes', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toContain(
      '## Failover controller (42 s)\n\nhow it was measured\n\n| figure | value | goal | result | note |',
    );
    expect(markdown).toContain('## Kubernetes API\n');
    expect(markdown).toContain('| controller RSS | 163 MB | ≤ 150 MB | **MISSED** |  |');
    expect(markdown).toContain('| throughput | 12,346 req/s |  |  |  |');
  });

  it('the README block lists only figures with a goal, between its markers', () => {
    const block = renderReadmeBlock(report);
    expect(block.startsWith('<!-- bench:start -->')).toBe(true);
    expect(block.endsWith('<!-- bench:end -->')).toBe(true);
    expect(block).toContain('| unplanned failover: median | 712 ms | ≤ 1,000 ms | MET |');
    expect(block).toContain('| emulator/real: list | — | ≥ 1.00× | **SKIPPED** |');
    expect(block).not.toContain('throughput');
  });

  it('replaces the README block and keeps the rest; refuses a README without markers', () => {
    const readme = 'intro\n<!-- bench:start -->\nold\n<!-- bench:end -->\noutro\n';
    const updated = withReadmeBlock(readme, renderReadmeBlock(report));
    expect(updated.startsWith('intro\n<!-- bench:start -->')).toBe(true);
    expect(updated.endsWith('<!-- bench:end -->\noutro\n')).toBe(true);
    expect(readmeBlockOf(updated)).toBe(renderReadmeBlock(report));
    expect(() => withReadmeBlock('no markers', 'x')).toThrow(/no <!-- bench:start -->/);
  });

  it('latest.json reads back to the same report', () => {
    const file = join(dir, 'latest.json');
    writeFileSync(file, reportJson(report));
    expect(readReport(file)).toEqual(report);
  });
});
