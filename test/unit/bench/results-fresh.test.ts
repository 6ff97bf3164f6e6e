/**
 * The committed bench results agree with each other: README.md's table and bench/results/latest.md
 * are what bench/results/latest.json renders to (`npm run bench` writes all three; after editing
 * the rendering, `npm run bench:readme` rewrites the README's table).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeBlockOf, readReport, renderMarkdown, renderReadmeBlock } from '../../../test/bench/report.js';
import { LATEST_JSON, LATEST_MD, README } from '../../../test/bench/results.js';

describe('bench results', () => {
  const report = readReport(LATEST_JSON);

  it("README.md's bench table is rendered from bench/results/latest.json", () => {
    expect(readmeBlockOf(readFileSync(README, 'utf8'))).toBe(renderReadmeBlock(report));
  });

  it('bench/results/latest.md is rendered from bench/results/latest.json', () => {
    expect(readFileSync(LATEST_MD, 'utf8')).toBe(renderMarkdown(report));
  });
});
