import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/schema/paths.js';
import {
  BENCH_BLOCK,
  type BenchReport,
  readReport,
  renderMarkdown,
  renderReadmeBlock,
  reportJson,
} from './report.js';

/** Where `npm run bench` leaves its last run, committed so the README's table has a source. */
export const RESULTS_DIR = join(projectRoot(), 'bench', 'results');
export const LATEST_JSON = join(RESULTS_DIR, 'latest.json');
export const LATEST_MD = join(RESULTS_DIR, 'latest.md');
export const README = join(projectRoot(), 'README.md');

export function writeResults(report: BenchReport): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(LATEST_JSON, reportJson(report));
  writeFileSync(LATEST_MD, renderMarkdown(report));
  updateReadme(report);
}

/** Rewrites the README's bench block from `report`; returns whether the file changed. */
export function updateReadme(report: BenchReport = readReport(LATEST_JSON)): boolean {
  return BENCH_BLOCK.rewrite(README, renderReadmeBlock(report));
}
