/**
 * Test platform for the controller over the wire: the embedded Kubernetes API with our CRDs
 * (installed with the real kubectl), a fast AWS simulator seeded with the trading estate, and the
 * controller talking to both through client-node and the AWS SDK.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import pino from 'pino';
import { expect } from 'vitest';
import {
  type ControllerOptions,
  type RunningController,
  startController,
} from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../local/kube/index.js';
import type { Failover } from '../../src/apis/index.js';
import { credentials, fastSimulator, waitFor } from '../aws/support.js';
import { describeResult } from '../real/support/command.js';
import { Kubectl } from '../real/support/kubectl.js';
import { type EstateOptions, seedTradingEstate } from './estate.js';

export const repoRoot = join(import.meta.dirname, '../..');
export const examples = join(repoRoot, 'examples/failover');
export const GROUP = 'failover.switchyard.dev';
export const VERSION = 'v1alpha1';

export interface KubeSide {
  kube: KubeEmulator;
  kubeconfig: string;
  kubectl: Kubectl;
  api: CustomObjectsApi;
  /** kubectl that must succeed; returns stdout. */
  ok(args: string[], stdin?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startKubeSide(): Promise<KubeSide> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-controller-'));
  const kube = await startKubeEmulator();
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, kube.url);
  const kubectl = new Kubectl(kubeconfig);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const ok = async (args: string[], stdin?: string) => {
    const result = await kubectl.run(args, { stdin });
    expect(result.code, describeResult(result)).toBe(0);
    return result.stdout;
  };
  await ok(['apply', '-f', join(repoRoot, 'charts/switchyard/crds')]);
  await ok(['wait', '--for=condition=Established', '--timeout=20s', 'crd', '--all']);
  return {
    kube,
    kubeconfig,
    kubectl,
    api: config.makeApiClient(CustomObjectsApi),
    ok,
    async close() {
      kubectl.dispose();
      await kube.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The example manifest, moved to another namespace (each test gets its own). */
export function exampleIn(
  file: string,
  namespace: string,
  edit: (text: string) => string = (t) => t,
): string {
  return edit(
    readFileSync(join(examples, file), 'utf8').replaceAll('namespace: trading', `namespace: ${namespace}`),
  );
}

export async function startSeededSimulator(estate: EstateOptions = {}): Promise<AwsSimulator> {
  const sim = await fastSimulator();
  await seedTradingEstate(sim, estate);
  return sim;
}

/** Fast engine settings for tests: the simulator runs a simulated minute in 6 ms. */
export function testControllerOptions(
  side: KubeSide,
  sim: { url: string; clock: { now(): number } },
  awsUrl = '',
): ControllerOptions {
  return {
    kubeconfigPath: side.kubeconfig,
    region: 'us-east-2',
    awsSdk: { endpoint: awsUrl || sim.url, credentials, awsNow: () => sim.clock.now() },
    engine: { pollIntervalMs: 20, recheckIntervalMs: 100, waitTimeoutMs: 20_000, maxStepAttempts: 6 },
    retryBaseDelayMs: 20,
    retryMaxDelayMs: 400,
    // Off unless a test asks for it: readiness reads both regions, and the failover tests count requests per region.
    readinessIntervalMs: 0,
    logger: pino({ level: process.env.SWITCHYARD_TEST_LOG ?? 'silent' }),
  };
}

export async function startTestController(
  side: KubeSide,
  sim: AwsSimulator,
  awsUrl?: string,
): Promise<RunningController> {
  return startController(testControllerOptions(side, sim, awsUrl));
}

export async function getFailover(side: KubeSide, namespace: string, name: string): Promise<Failover> {
  return (await side.api.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'failovers',
    name,
  })) as Failover;
}

export async function getPlanStatus(side: KubeSide, namespace: string, name = 'trading') {
  const plan = (await side.api.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace,
    plural: 'failoverplans',
    name,
  })) as {
    status?: Record<string, unknown>;
  };
  return plan.status;
}

/** Bounded polling on the Failover's status (no fixed sleeps). */
export function waitForFailover(
  side: KubeSide,
  namespace: string,
  name: string,
  predicate: (f: Failover) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<Failover> {
  return waitFor(
    async () => {
      const failover = await getFailover(side, namespace, name);
      return predicate(failover) ? failover : undefined;
    },
    what,
    timeoutMs,
  );
}

export const journalOf = (failover: Failover) =>
  (failover.status?.journal ?? []).map((e) => ({ name: e.name, state: e.state, region: e.region }));

export const conditionOf = (failover: Failover, type: string) =>
  failover.status?.conditions?.find((c) => c.type === type);
