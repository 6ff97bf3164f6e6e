import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { parse } from 'yaml';
import type { ControllerOptions } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../local/kube/index.js';
import type { Failover, FailoverPlan, RegionHealth } from '../../src/apis/index.js';
import { projectRoot } from '../../src/schema/paths.js';
import { credentials, fastSimulator } from '../aws/support.js';
import { seedTradingEstate } from '../controller/estate.js';
import { waitFor } from '../support/wait.js';
import { type BenchClient, benchClient, expectStatus } from './kube-http.js';
import { installSwitchyardCrds } from './kube-target.js';

/**
 * The platform of the controller bench: the embedded Kubernetes API (in this process) with the
 * Switchyard CRDs, client-node clients on a kubeconfig file, and seeded fast AWS simulators. It
 * mirrors test/controller/platform.ts without its vitest assertions (the bench runs outside vitest).
 */

export const GROUP = 'failover.switchyard.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export interface BenchKube {
  kube: KubeEmulator;
  kubeconfig: string;
  api: CustomObjectsApi;
  /** Plain HTTP client for bulk writes (status merge patches). */
  http: BenchClient;
  createNamespace(name: string): Promise<void>;
  create(namespace: string, plural: string, body: object): Promise<void>;
  getFailover(namespace: string, name: string): Promise<Failover>;
  getRegionHealth(namespace: string, name: string): Promise<RegionHealth>;
  listFailovers(namespace: string): Promise<Failover[]>;
  close(): Promise<void>;
}

export async function startBenchKube(): Promise<BenchKube> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-controller-'));
  const kube = await startKubeEmulator({ port: 0 });
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, kube.url);
  const http = benchClient(kube.url, 8);
  await installSwitchyardCrds(http);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const api = config.makeApiClient(CustomObjectsApi);
  const core = config.makeApiClient(CoreV1Api);
  const get = async <T>(namespace: string, plural: string, name: string) =>
    (await api.getNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, name })) as T;
  return {
    kube,
    kubeconfig,
    api,
    http,
    async createNamespace(name) {
      await core.createNamespace({ body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
    },
    async create(namespace, plural, body) {
      await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural, body });
    },
    getFailover: (namespace, name) => get<Failover>(namespace, 'failovers', name),
    getRegionHealth: (namespace, name) => get<RegionHealth>(namespace, 'regionhealths', name),
    async listFailovers(namespace) {
      const list = (await api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: 'failovers',
      })) as { items: Failover[] };
      return list.items;
    },
    async close() {
      http.close();
      await kube.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A merge patch of `/status` (the controller's own write path), through plain HTTP. */
export async function patchStatus(
  kube: BenchKube,
  namespace: string,
  plural: string,
  name: string,
  status: object,
): Promise<void> {
  const response = await kube.http.request(
    'PATCH',
    `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${plural}/${name}/status`,
    { status },
    'application/merge-patch+json',
  );
  expectStatus(response, `patch status of ${plural}/${name}`, 200);
}

/** An example manifest (examples/failover) parsed and moved to `namespace`. */
export function example<T extends { metadata: { namespace?: string } }>(file: string, namespace: string): T {
  const text = readFileSync(join(projectRoot(), 'examples/failover', file), 'utf8');
  const object = parse(text) as T;
  object.metadata.namespace = namespace;
  return object;
}

/** The example FailoverPlan in `namespace`, edited by `edit`. */
export function benchPlan(
  namespace: string,
  edit: (plan: FailoverPlan) => void = () => undefined,
): FailoverPlan {
  const object = example<FailoverPlan>('failover-plan.yaml', namespace);
  edit(object);
  return object;
}

export function regionHealth(
  namespace: string,
  name: string,
  region: string,
  vantage: string,
  probes: object[],
): RegionHealth {
  return {
    apiVersion: API_VERSION,
    kind: 'RegionHealth',
    metadata: { name, namespace },
    spec: { region, vantage, probes },
  } as RegionHealth;
}

let namespaces = 0;
/** A namespace name no other run of this process used. */
export const nextNamespace = (prefix: string) => `${prefix}-${++namespaces}`;

export async function seededSimulator(): Promise<AwsSimulator> {
  const sim = await fastSimulator();
  await seedTradingEstate(sim);
  return sim;
}

export interface BenchControllerSettings {
  label: string;
  /** Overrides of the controller's engine defaults (none = the production defaults). */
  engine?: ControllerOptions['engine'];
  retryBaseDelayMs?: number;
}

export function benchControllerOptions(
  kubeconfigPath: string,
  sim: AwsSimulator,
  region: string,
  settings: BenchControllerSettings,
  vantage?: string,
): ControllerOptions {
  return {
    kubeconfigPath,
    region,
    ...(vantage ? { vantage } : {}),
    awsSdk: { endpoint: sim.url, credentials, awsNow: () => sim.clock.now() },
    ...(settings.engine ? { engine: settings.engine } : {}),
    ...(settings.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: settings.retryBaseDelayMs } : {}),
    // Readiness reads both regions on a timer: off, so only the failover path is measured.
    readinessIntervalMs: 0,
    logger: pino({ level: process.env.SWITCHYARD_BENCH_LOG ?? 'silent' }),
  };
}

/** Polls until `probe` gives a value: the shared waitFor at the bench's 5 ms interval. */
export const pollUntil = <T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs: number,
  everyMs = 5,
) => waitFor(probe, `bench: ${what}`, { timeoutMs, intervalMs: everyMs });

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
