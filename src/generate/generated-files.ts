/**
 * The files Switchyard generates and commits: one cdk8s Chart per generated object, rendered to
 * YAML in memory. `npm run synth` (src/synth.ts), `switchyard generate` and the staleness test all
 * use this, so they cannot disagree about what "up to date" means.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApiObject, type App, Chart, Yaml } from 'cdk8s';
import { customResources } from '../apis/index.js';

export const CRD_DIR = 'charts/switchyard/crds';

export const GENERATED_HEADER = '# Generated from src/apis by `npm run synth`; do not edit.\n';

export interface GeneratedFile {
  /** Relative to the project root, forward slashes. */
  path: string;
  content: string;
}

/** Adds one namespace-less Chart per CRD (CRDs are cluster-scoped) and returns each chart's target file. */
export function addGeneratedCharts(app: App): { path: string; chart: Chart }[] {
  return customResources.map((resource) => {
    const crd = resource.crd();
    const chart = new Chart(app, `crd-${resource.plural}`);
    // CRDs are plain objects; ApiObject passes unknown top-level keys (spec) through.
    new ApiObject(chart, 'crd', crd);
    return { path: `${CRD_DIR}/${resource.group}_${resource.plural}.yaml`, chart };
  });
}

export function renderGeneratedFiles(charts: { path: string; chart: Chart }[]): GeneratedFile[] {
  return charts.map(({ path, chart }) => ({
    path,
    content: GENERATED_HEADER + Yaml.stringify(...chart.toJson()),
  }));
}

export interface WriteReport {
  written: string[];
  removed: string[];
  unchanged: string[];
}

/**
 * Writes files whose content changed (so timestamps and `git status` stay quiet on a no-op run) and
 * removes generated files in our output folders that are no longer produced, e.g. after a rename.
 */
export function writeGeneratedFiles(root: string, files: GeneratedFile[]): WriteReport {
  const report: WriteReport = { written: [], removed: [], unchanged: [] };
  const wanted = new Set(files.map((file) => file.path));
  for (const file of files) {
    const target = join(root, file.path);
    if (existsSync(target) && readFileSync(target, 'utf8') === file.content) {
      report.unchanged.push(file.path);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
    report.written.push(file.path);
  }
  for (const path of listGeneratedFiles(root)) {
    if (!wanted.has(path)) {
      rmSync(join(root, path));
      report.removed.push(path);
    }
  }
  return report;
}

/** Compares the committed files with a fresh render: what is stale, missing or left over. */
export function findStaleFiles(root: string, files: GeneratedFile[]): string[] {
  const problems: string[] = [];
  const wanted = new Set(files.map((file) => file.path));
  for (const file of files) {
    const target = join(root, file.path);
    if (!existsSync(target)) problems.push(`${file.path}: missing`);
    else if (readFileSync(target, 'utf8') !== file.content) problems.push(`${file.path}: out of date`);
  }
  for (const path of listGeneratedFiles(root)) {
    if (!wanted.has(path)) problems.push(`${path}: no longer generated`);
  }
  return problems;
}

/** Files in our output folders that carry the generated header (hand-written files are left alone). */
function listGeneratedFiles(root: string): string[] {
  const dir = join(root, CRD_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => `${CRD_DIR}/${name}`)
    .filter((path) => readFileSync(join(root, path), 'utf8').startsWith(GENERATED_HEADER));
}
