/**
 * The committed chaos results agree with each other: README.md's summary and chaos/results/latest.md
 * are what chaos/results/latest.json renders to (a whole `npm run chaos` writes all three), and that
 * run played every scenario the suite has, with none failed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CHAOS_BLOCK,
  LATEST_JSON,
  LATEST_MD,
  README,
  readReport,
  renderMarkdown,
  renderReadmeBlock,
} from '../../chaos/report.js';
import { chaosScenarios } from '../../chaos/scenarios/index.js';

describe('chaos results', () => {
  const report = readReport(LATEST_JSON);

  it("README.md's chaos summary is rendered from chaos/results/latest.json", () => {
    expect(CHAOS_BLOCK.of(readFileSync(README, 'utf8'))).toBe(renderReadmeBlock(report));
  });

  it('chaos/results/latest.md is rendered from chaos/results/latest.json', () => {
    expect(readFileSync(LATEST_MD, 'utf8')).toBe(renderMarkdown(report));
  });

  it('the committed run is a whole one: every scenario of the suite, none failed or skipped', () => {
    const names = chaosScenarios({ seed: report.seed, runs: report.randomRuns, events: 3 }).map(
      (s) => s.name,
    );
    expect(report.selected).toBe('all');
    expect(report.scenarios.map((s) => s.name)).toEqual(names);
    expect(report.scenarios.filter((s) => s.result !== 'passed')).toEqual([]);
  });
});
