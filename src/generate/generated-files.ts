/**
 * The files Switchyard generates and commits: one cdk8s Chart per generated object, rendered to
 * YAML in memory. `npm run synth` (src/synth.ts), `switchyard generate` and the staleness test all
 * use this, so they cannot disagree about what "up to date" means.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { ApiObject, type App, Chart, Yaml } from 'cdk8s';
import { customResources } from '../apis/index.js';
import { addChartTemplates } from '../chart/index.js';
import { REMOTE_RBAC_FILE } from '../chart/remote.js';
import { CHART_TEMPLATES_DIR } from '../chart/values.js';
import type { EstateApi } from '../estate/api.js';
import { assertConsistentIdentities } from '../estate/identity-check.js';
import { estateApis } from '../estate/index.js';
import { estatePackages } from '../estate/packages.js';
import { PipelineComposition } from '../estate/patch-and-transform/composition.js';
import { addDerivedPlanCharts, EXAMPLE_PLAN_FILE } from './derived-plan.js';

export const CRD_DIR = 'charts/switchyard/crds';
/** The estate: `compositions/<plural>/{definition,composition}.yaml` and the package manifests. */
export const COMPOSITIONS_DIR = 'compositions';
export const PACKAGES_FILE = `${COMPOSITIONS_DIR}/packages.yaml`;

/** A CRD's file name under CRD_DIR (and wherever else it is published): `<group>_<plural>.yaml`. */
export const crdFileName = (resource: { group: string; plural: string }) =>
  `${resource.group}_${resource.plural}.yaml`;

export const GENERATED_HEADER = '# Generated from src/apis by `npm run synth`; do not edit.\n';
/** Any generated file's first line (GENERATED_HEADER or a header naming another source). */
const GENERATED_FIRST_LINE = /^# Generated from .+ by `npm run synth`.*; do not edit\.\n/;

export interface GeneratedFile {
  /** Relative to the project root, forward slashes. */
  path: string;
  content: string;
}

/** A generated file: a cdk8s Chart serialized as YAML, or as `render` finishes it (Helm templates). */
export interface GeneratedSource {
  path: string;
  chart: Chart;
  /** The file's text after the header; default: the chart's YAML. */
  render?: () => string;
  /** Default GENERATED_HEADER; files generated from something else than src/apis name it. */
  header?: string;
}

/**
 * Adds one namespace-less Chart per CRD (CRDs are cluster-scoped), the estate's XRDs and
 * Compositions (refused before anything is added when two APIs' identities clash) and the rest,
 * and returns each chart's target file.
 */
export function addGeneratedCharts(app: App, apis: readonly EstateApi[] = estateApis): GeneratedSource[] {
  assertConsistentIdentities(apis);
  const charts: GeneratedSource[] = customResources.map((resource) => {
    const crd = resource.crd();
    const chart = new Chart(app, `crd-${resource.plural}`);
    // CRDs are plain objects; ApiObject passes unknown top-level keys (spec) through.
    new ApiObject(chart, 'crd', crd);
    return { path: `${CRD_DIR}/${crdFileName(resource)}`, chart };
  });
  for (const api of apis) {
    const definition = new Chart(app, `xrd-${api.plural}`);
    new ApiObject(definition, 'definition', api.definition);
    charts.push({ path: `${COMPOSITIONS_DIR}/${api.plural}/definition.yaml`, chart: definition });
    const compositions = new Chart(app, `composition-${api.plural}`);
    for (const props of api.compositions) new PipelineComposition(compositions, props.name, props);
    charts.push({ path: `${COMPOSITIONS_DIR}/${api.plural}/composition.yaml`, chart: compositions });
  }
  const packages = new Chart(app, 'estate-packages');
  for (const object of estatePackages())
    new ApiObject(packages, `${object.kind}-${object.metadata.name}`, object);
  charts.push({ path: PACKAGES_FILE, chart: packages });
  // The Helm chart's templates (src/chart, docs/adr/0008-helm-chart.md).
  charts.push(...addChartTemplates(app));
  // The example plan and RegionHealth objects, derived from the example TradingPlatform (ADR 0011).
  charts.push(...addDerivedPlanCharts(app));
  return charts;
}

export function renderGeneratedFiles(charts: GeneratedSource[]): GeneratedFile[] {
  return charts.map(({ path, chart, render, header }) => ({
    path,
    content: (header ?? GENERATED_HEADER) + (render ? render() : Yaml.stringify(...chart.toJson())),
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
  return [
    ...yamlFilesIn(root, CRD_DIR),
    ...yamlFilesIn(root, COMPOSITIONS_DIR, true),
    ...yamlFilesIn(root, CHART_TEMPLATES_DIR),
    ...yamlFilesIn(root, posix.dirname(REMOTE_RBAC_FILE)),
    ...yamlFilesIn(root, posix.dirname(EXAMPLE_PLAN_FILE)),
  ].filter((path) => GENERATED_FIRST_LINE.test(readFileSync(join(root, path), 'utf8')));
}

/** `*.yaml` under `dir` (relative, forward slashes), one level of subfolders when `nested`. */
function yamlFilesIn(root: string, dir: string, nested = false): string[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(absolute, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.yaml')) files.push(`${dir}/${entry.name}`);
    else if (nested && entry.isDirectory()) files.push(...yamlFilesIn(root, `${dir}/${entry.name}`));
  }
  return files;
}
