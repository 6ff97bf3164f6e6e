/**
 * The Helm chart's values: charts/switchyard/values.yaml (hand-written, with the defaults and the
 * comments users read) must match this schema, which is also written to values.schema.json so
 * Helm refuses a bad `--set` or values file at install time instead of a crash-looping pod.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';
import { z } from 'zod';
import { awsRegion } from '../apis/common.js';

export const CHART_DIR = 'charts/switchyard';
export const CHART_TEMPLATES_DIR = `${CHART_DIR}/templates`;
export const VALUES_FILE = `${CHART_DIR}/values.yaml`;
export const VALUES_SCHEMA_FILE = `${CHART_DIR}/values.schema.json`;

/** What one release runs: the failover controller, or the probe-only agent of a vantage in a third place. */
export const CHART_MODES = ['controller', 'probe-agent'] as const;
export type ChartMode = (typeof CHART_MODES)[number];

/**
 * Values that must not be empty in probe-agent mode: the zod refinement below and values.schema.json's
 * `if`/`then` are both made from this list.
 */
export const PROBE_AGENT_REQUIRED = ['vantage', 'probeAgent.kubeconfigSecret.name'] as const;

const stringMap = z.record(z.string(), z.string());
const objectMap = z.record(z.string(), z.unknown());

export const chartValuesSchema = z
  .strictObject({
    mode: z
      .enum(CHART_MODES)
      .describe(
        'controller: the failover controller; probe-agent: only the prober of --vantage (--probe-only)',
      ),
    probeAgent: z.strictObject({
      kubeconfigSecret: z
        .strictObject({ name: z.string(), key: z.string().min(1) })
        .describe("probe-agent mode: the Secret holding the standby cluster's kubeconfig (--kubeconfig)"),
    }),
    image: z.strictObject({
      repository: z.string().min(1),
      tag: z.string().describe("empty: the chart's appVersion"),
      pullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
    }),
    imagePullSecrets: z.array(z.strictObject({ name: z.string().min(1) })).optional(),
    region: awsRegion().describe('the region of the cluster this release runs in (--region)'),
    awsEndpoint: z
      .union([z.literal(''), z.url()])
      .describe('empty: real AWS; otherwise one endpoint for every AWS API (--aws-endpoint)'),
    vantage: z
      .string()
      .describe('probe the RegionHealth objects of this vantage; empty: no probing (--vantage)'),
    logLevel: z.enum([...Object.keys(pino.levels.values), 'silent']),
    replicaCount: z.int().min(1),
    readinessIntervalMs: z.int().min(0).describe('FailoverPlan readiness period; 0 turns it off'),
    metrics: z.strictObject({ port: z.int().min(1).max(65535) }),
    serviceAccount: z.strictObject({ annotations: stringMap.optional() }),
    podAnnotations: stringMap.optional(),
    resources: objectMap,
    // Optional so that `--set affinity=null` (Helm's way to drop a default) passes the schema.
    nodeSelector: stringMap.optional(),
    tolerations: z.array(objectMap).optional(),
    affinity: objectMap.optional(),
    podDisruptionBudget: z.strictObject({
      enabled: z.boolean(),
      minAvailable: z.union([z.int().min(0), z.string().regex(/^[0-9]+%$/)]),
    }),
  })
  .superRefine((values, ctx) => {
    if (values.mode !== 'probe-agent') return;
    for (const path of PROBE_AGENT_REQUIRED) {
      if (valueAt(values, path) === '')
        ctx.addIssue({
          code: 'custom',
          path: path.split('.'),
          message: `${path} is required in probe-agent mode`,
        });
    }
  })
  .describe('Values of the switchyard chart (src/chart/values.ts)');

function valueAt(values: object, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], values);
}

/** JSON Schema for PROBE_AGENT_REQUIRED: `if` mode is probe-agent `then` each path has minLength 1. */
function probeAgentRequirement(): object {
  const then: { properties: Record<string, unknown> } = { properties: {} };
  for (const path of PROBE_AGENT_REQUIRED) {
    const keys = path.split('.');
    let at = then;
    for (const key of keys.slice(0, -1)) {
      at.properties[key] ??= { properties: {} };
      at = at.properties[key] as typeof then;
    }
    at.properties[keys.at(-1) as string] = { minLength: 1 };
  }
  return { if: { properties: { mode: { const: 'probe-agent' } }, required: ['mode'] }, then };
}

export type ChartValues = z.infer<typeof chartValuesSchema>;

/** The chart's default values, checked against the schema. */
export function loadChartValues(root: string): ChartValues {
  return chartValuesSchema.parse(parse(readFileSync(join(root, VALUES_FILE), 'utf8')));
}

/** values.schema.json (JSON Schema draft 7, which Helm 3 validates values against). */
export function renderValuesSchema(): string {
  // zod does not write refinements into JSON Schema; the probe-agent one is added from the same list.
  const schema = { ...z.toJSONSchema(chartValuesSchema, { target: 'draft-7' }), ...probeAgentRequirement() };
  return `${JSON.stringify({ $comment: 'Generated from src/chart/values.ts by `npm run synth`; do not edit.', ...schema }, null, 2)}\n`;
}

/**
 * Writes values.schema.json when it changed; true when written. JSON has no comments, so it cannot
 * carry GENERATED_HEADER and is kept apart from src/generate's files: `npm run synth` writes it and
 * test/unit/chart checks it is fresh.
 */
export function writeValuesSchema(root: string): boolean {
  const target = join(root, VALUES_SCHEMA_FILE);
  const content = renderValuesSchema();
  if (existsSync(target) && readFileSync(target, 'utf8') === content) return false;
  writeFileSync(target, content);
  return true;
}
