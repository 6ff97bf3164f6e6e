/**
 * Test platform for the controller over the wire: a Kubernetes API with our CRDs (installed with the
 * real kubectl), either the embedded emulator or the full kube-apiserver of `npm run test:real`, a
 * fast AWS simulator seeded with the trading estate, and the controller talking to both through
 * client-node and the AWS SDK. On the kube-apiserver kubectl is the admin and the controller is its
 * ServiceAccount, bound by the chart's rendered RBAC (ADR 0019).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import pino from 'pino';
import {
  type ControllerOptions,
  type RunningController,
  startController,
} from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { startKubeEmulator, writeKubeconfig } from '../../local/kube/index.js';
import type { Failover } from '../../src/apis/index.js';
import { credentials, fastSimulator } from '../aws/support.js';
import { controllerRelease, type RbacTriple, withoutTriple } from '../real/support/controller-rbac.js';
import { type AuditEvent, type KubeApiserver, startKubeApiserver } from '../real/support/kube-apiserver.js';
import type { RunningProcess } from '../real/support/process.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait.js';
import { type EstateOptions, seedTradingEstate } from './estate.js';

export const repoRoot = join(import.meta.dirname, '../..');
export const examples = join(repoRoot, 'examples/failover');
export const GROUP = 'failover.switchyard.dev';
export const VERSION = 'v1alpha1';

/**
 * Where the Kubernetes side runs: the embedded emulator (`npm test`) or the full kube-apiserver +
 * etcd built by `npm run real:setup` (`npm run test:real`, ADR 0019).
 */
export type KubeTargetName = 'emulator' | 'real';

export interface KubeSide {
  target: KubeTargetName;
  kubeconfig: string;
  /** The API server's URL (for a proxy in front of it). */
  serverUrl: string;
  kubectl: Kubectl;
  api: CustomObjectsApi;
  /** Server processes whose log tail a failed test prints (the real apiserver; none for the emulator). */
  processes: RunningProcess[];
  /** kubectl that must succeed; returns stdout. */
  ok(args: string[], stdin?: string): Promise<string>;
  /** Creates a namespace (the kube-apiserver's NamespaceLifecycle admission refuses objects in a missing one). */
  createNamespace(name: string): Promise<void>;
  /**
   * Deletes every Failover on the server, finalizers stripped. The controller watches all
   * namespaces, so a run an earlier test left unfinished (killed, held, deleted mid-run) would
   * otherwise be resumed by the next test's controller against the next test's AWS: call it after
   * the test's controllers stopped, whenever tests share a server.
   */
  retireFailovers(): Promise<void>;
  /**
   * The identity the controller runs as in `namespace`. On the kube-apiserver: the chart's
   * ServiceAccount and RBAC installed as a release in that namespace (so its leader-election Role
   * grants the Lease there), optionally without one granted verb, and a kubeconfig with the
   * ServiceAccount's token. On the emulator, which has no authorization: the admin's kubeconfig.
   */
  controllerAccess(namespace: string, options?: { without?: RbacTriple }): Promise<ControllerAccess>;
  /** The kube-apiserver's audit events of ServiceAccount requests (none on the emulator). */
  auditEvents(): AuditEvent[];
  close(): Promise<void>;
}

export interface ControllerAccess {
  kubeconfig: string;
  /** The user the server authenticates the controller as (undefined on the emulator). */
  username?: string;
}

interface StartedServer {
  kubeconfig: string;
  processes: RunningProcess[];
  kubeApiserver?: KubeApiserver;
  stop(): Promise<void>;
}

async function startServer(
  target: KubeTargetName,
  dir: string,
  options: KubeSideOptions,
): Promise<StartedServer> {
  if (target === 'real') {
    const server = await startKubeApiserver();
    return {
      kubeconfig: server.kubeconfig,
      processes: [server.process],
      kubeApiserver: server,
      stop: () => server.stop(),
    };
  }
  const kube = await startKubeEmulator({ namespaceLifecycle: options.namespaceLifecycle ?? false });
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, kube.url);
  return { kubeconfig, processes: [], stop: () => kube.close() };
}

export interface KubeSideOptions {
  /**
   * The emulator refuses objects in namespaces that do not exist, as the kube-apiserver always does
   * (for suites that create their namespaces; default off, see KubeEmulatorOptions).
   */
  namespaceLifecycle?: boolean;
}

/** A Kubernetes API of the given target with our CRDs installed by the real kubectl. */
export async function startKubeSide(
  target: KubeTargetName = 'emulator',
  options: KubeSideOptions = {},
): Promise<KubeSide> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-controller-'));
  let server: StartedServer;
  try {
    server = await startServer(target, dir, options);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { kubeconfig } = server;
  const kubectl = new Kubectl(kubeconfig);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const ok = (args: string[], stdin?: string) => kubectl.ok(args, stdin);
  const side: KubeSide = {
    target,
    kubeconfig,
    serverUrl: config.getCurrentCluster()?.server ?? '',
    kubectl,
    api: config.makeApiClient(CustomObjectsApi),
    processes: server.processes,
    ok,
    async createNamespace(name) {
      await ok(
        ['apply', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
      );
    },
    async retireFailovers() {
      const api = side.api;
      const listed = (await api.listClusterCustomObject({
        group: GROUP,
        version: VERSION,
        plural: 'failovers',
      })) as {
        items: { metadata: { namespace: string; name: string } }[];
      };
      for (const { metadata } of listed.items) {
        const target = { group: GROUP, version: VERSION, plural: 'failovers', ...metadata };
        await api.patchNamespacedCustomObject(
          { ...target, body: { metadata: { finalizers: null } } },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
        await api.deleteNamespacedCustomObject(target).catch((error: unknown) => {
          if ((error as { code?: number }).code !== 404) throw error;
        });
      }
    },
    async controllerAccess(namespace, options = {}) {
      const apiserver = server.kubeApiserver;
      if (!apiserver) return { kubeconfig };
      const release = controllerRelease(namespace);
      const objects = options.without ? withoutTriple(release.objects, options.without) : release.objects;
      await ok(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
      return {
        kubeconfig: await apiserver.serviceAccountKubeconfig(namespace, release.serviceAccount),
        username: release.username,
      };
    },
    auditEvents: () => server.kubeApiserver?.auditEvents() ?? [],
    async close() {
      kubectl.dispose();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await ok(['apply', '-f', join(repoRoot, 'charts/switchyard/crds')]);
    await ok(['wait', '--for=condition=Established', '--timeout=20s', 'crd', '--all']);
  } catch (error) {
    await side.close();
    throw error;
  }
  return side;
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

/** Now as an RFC 3339 timestamp with second precision, as `date -u +%FT%TZ` prints it. */
export const rfc3339Now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** An approval given now, as a person patches it onto a waiting Failover. */
export const approvalNow = (maxDataLossSeconds: number, approvedBy = 'oncall-trading-platform') => ({
  approvedBy,
  approvedAt: rfc3339Now(),
  maxDataLossSeconds,
});

/**
 * Data loss an approval accepts when a test wants it never to bind: about three simulated years.
 * The fast simulator runs 10,000× real time, so a cut-off secondary's lag passes an hour within
 * a second.
 */
export const UNBOUNDED_LOSS_SECONDS = 100_000_000;

/**
 * An edit for {@link exampleIn}: the unplanned example (shipped unapproved) approved at apply time
 * for `maxDataLossSeconds`.
 */
export const approvedAtApply =
  (maxDataLossSeconds = UNBOUNDED_LOSS_SECONDS) =>
  (text: string) => {
    const { approvedBy, approvedAt } = approvalNow(maxDataLossSeconds);
    const block = `  approval:\n    approvedBy: ${approvedBy}\n    approvedAt: "${approvedAt}"\n    maxDataLossSeconds: ${maxDataLossSeconds}\n`;
    if (!text.includes('  allowDataLoss: true\n')) throw new Error('not an unplanned Failover manifest');
    return text.replace('  allowDataLoss: true\n', `  allowDataLoss: true\n${block}`);
  };

export async function startSeededSimulator(estate: EstateOptions = {}): Promise<AwsSimulator> {
  const sim = await fastSimulator();
  await seedTradingEstate(sim, estate);
  return sim;
}

/** Fast engine settings for tests: the simulator runs a simulated minute in 6 ms. */
export function testControllerOptions(
  side: Pick<KubeSide, 'kubeconfig'>,
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
    // Off unless a test asks for it, for the same reason: the gate keeper reads both regions.
    gateKeeperIntervalMs: 0,
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

/** Name and state of each journal entry, in order (compare with test/support/steps.ts journalLines). */
export const journalOf = (failover: Failover) =>
  (failover.status?.journal ?? []).map((e) => ({ name: e.name, state: e.state }));

/** The region each journal entry called, by step name, for `toMatchObject` on the steps a test is about. */
export const journalRegions = (failover: Failover): Record<string, string | undefined> =>
  Object.fromEntries((failover.status?.journal ?? []).map((e) => [e.name, e.region]));

export const conditionOf = (failover: Failover, type: string) =>
  failover.status?.conditions?.find((c) => c.type === type);

/**
 * The test stands in for the health probes: a RegionHealth of `region` from each vantage, its status
 * patched unhealthy through /status with kubectl.
 */
export async function reportRegionDown(
  side: KubeSide,
  namespace: string,
  region: string,
  vantages = ['cluster-use1', 'cluster-use2'],
): Promise<void> {
  for (const vantage of vantages) {
    const name = `${region}-from-${vantage}`;
    await side.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'RegionHealth',
        metadata: { name, namespace },
        spec: {
          region,
          vantage,
          probes: [{ name: 'alb', type: 'TCP', tcp: { host: `api.${region}.example.com`, port: 443 } }],
        },
      }),
    );
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await side.ok([
      'patch',
      'regionhealth',
      name,
      '-n',
      namespace,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: {
          healthy: false,
          signals: [{ name: 'alb', healthy: false, lastTransitionTime: now, lastProbeTime: now }],
        },
      }),
    ]);
  }
}
