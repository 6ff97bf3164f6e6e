/**
 * local/crossplane's runtime: what Crossplane core (v2.2.0) and a provider's managed reconciler do
 * in a cluster, run in-process against a Kubernetes API (the embedded one, local/kube, in
 * `npm start`; any apiserver works). See docs/adr/0023-local-crossplane.md.
 *
 * - `installManagementPrerequisites`: what a management cluster has before its first sync.
 * - `startCrossplaneCore`: the package manager, the XRD controller and the activation-policy
 *   controller (what a sync of the published folder needs to become healthy), without composing.
 * - `startLocalCrossplane`: all of that plus the composite reconciler and the managed-resource
 *   reconciler on the local provider, and optionally the workload status stand-in.
 */
import type { Logger } from 'pino';
import { KubeClient } from '../../cluster/client.js';
import { Informers } from '../../cluster/informer.js';
import type { PollingController } from '../../cluster/polling.js';
import { runWorkloadStatus } from '../../cluster/workloads.js';
import type { LocalProvider } from '../provider.js';
import { startCompositionController } from './composites.js';
import { startDefinitionController } from './definitions.js';
import { startManagedReconciler } from './managed.js';
import { startPackageManager } from './packages.js';
import { installPrerequisites } from './prerequisites.js';

export { COMPOSED_FIELD_MANAGER, COMPOSITE_FIELD_MANAGER, COMPOSITE_FINALIZER } from './composites.js';
export { compositeCrd, compositeResource } from './definitions.js';
export { EXTERNAL_NAME_ANNOTATION, MANAGED_FINALIZER } from './managed.js';
export { providerCrdFiles } from './packages.js';
export { prerequisiteCrds } from './prerequisites.js';

export interface ClusterConnection {
  kubeconfig: string;
  /** The kubeconfig context (default: its current context). */
  context?: string;
  log: Logger;
}

/** Installs Crossplane core's CRDs, Argo CD's Application and AppProject CRDs and the `argocd` namespace. */
export async function installManagementPrerequisites(connection: ClusterConnection): Promise<void> {
  const client = connect(connection);
  try {
    await installPrerequisites(client);
  } finally {
    client.close();
  }
}

export interface CrossplaneCore extends PollingController {}

/** The package manager, the XRD controller and the activation-policy controller; no composing. */
export function startCrossplaneCore(connection: ClusterConnection & { intervalMs?: number }): CrossplaneCore {
  const client = connect(connection);
  const log = connection.log.child({ component: 'crossplane' });
  const controllers = [
    startPackageManager({ client, log, ...interval(connection.intervalMs) }),
    startDefinitionController({ client, log, ...interval(connection.intervalMs) }),
  ];
  return {
    failure: () =>
      controllers.map((controller) => controller.failure()).find((failure) => failure !== undefined),
    async idle() {
      await Promise.all(controllers.map((controller) => controller.idle()));
    },
    async stop() {
      await Promise.all(controllers.map((controller) => controller.stop()));
      client.close();
    },
  };
}

export interface LocalCrossplaneOptions extends ClusterConnection {
  provider: LocalProvider;
  /**
   * When set, Deployments and PodDisruptionBudgets are reported available with this message (in
   * `npm start` the workloads run in-process, not in pods): local/cluster/workloads.ts.
   */
  deploymentMessage?: string;
  /** How often a ready managed resource is observed again (default 60 s). */
  pollIntervalMs?: number;
}

export interface LocalCrossplane extends PollingController {
  /**
   * Resolves when no work is queued or under way in any controller and no watch event arrived for
   * a moment (for tests and for "ready" in `npm start`). Delayed work counts when due within a
   * second (a retry early in its backoff, a resource still being created); polls and long
   * backoffs do not, so a resource that keeps failing does not keep the runtime busy forever.
   */
  idle(): Promise<void>;
}

const QUIET_MS = 150;
/** Delayed work due sooner than this (retries early in their backoff, waits on creation) is still work. */
const SOON_MS = 1_000;

/**
 * Starts everything on the cluster of `kubeconfig`; resolves once the controllers watch (call
 * `installManagementPrerequisites` first: until Crossplane's CRDs are served the watches retry and
 * this does not resolve). `stop()` ends every controller and watch.
 */
export async function startLocalCrossplane(options: LocalCrossplaneOptions): Promise<LocalCrossplane> {
  const client = connect(options);
  const log = options.log.child({ component: 'crossplane' });
  const informers = new Informers(client, log);
  const polling: PollingController[] = [
    startPackageManager({ client, log }),
    startDefinitionController({ client, log }),
  ];
  if (options.deploymentMessage !== undefined) {
    polling.push(
      runWorkloadStatus(client, {
        log: options.log.child({ component: 'workloads' }),
        availableMessage: options.deploymentMessage,
      }),
    );
  }
  const composition = await startCompositionController({ client, informers, log });
  const managed = await startManagedReconciler({
    client,
    informers,
    provider: options.provider,
    log,
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  });
  const queues = [composition.queue, managed.queue];

  return {
    failure: () => polling.map((controller) => controller.failure()).find((failure) => failure !== undefined),
    async idle() {
      for (;;) {
        await Promise.all(polling.map((controller) => controller.idle()));
        await Promise.all(queues.map((queue) => queue.whenIdle()));
        const quietFor = Date.now() - informers.lastEventAt();
        const settled = queues.every((queue) => queue.isIdle() && !queue.hasWorkDueWithin(SOON_MS));
        if (quietFor >= QUIET_MS && settled) return;
        await new Promise((resolve) => setTimeout(resolve, Math.max(10, QUIET_MS - quietFor)));
      }
    },
    async stop() {
      await Promise.all([
        composition.stop(),
        managed.stop(),
        ...polling.map((controller) => controller.stop()),
      ]);
      await informers.stop();
      client.close();
    },
  };
}

function connect(connection: ClusterConnection): KubeClient {
  return KubeClient.fromKubeconfig(connection.kubeconfig, {
    ...(connection.context ? { context: connection.context } : {}),
    userAgent: 'switchyard-local-crossplane',
  });
}

const interval = (intervalMs: number | undefined) => (intervalMs === undefined ? {} : { intervalMs });
