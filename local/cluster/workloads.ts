/**
 * Stand-in for Kubernetes' deployment and disruption controllers where no node runs pods (the
 * emulator, or a kube-apiserver without kubelets): a Deployment's replicas are reported available
 * and a PodDisruptionBudget's pods healthy. Not Crossplane; without it an Argo CD-style sync waits
 * forever on the Progressing health of every Deployment it applied.
 *
 * The Deployment status says why its replicas count as available: `availableMessage` goes into
 * its Available condition (in `npm start` the workload runs in-process, not in a pod). Only the
 * status subresources are written, under WORKLOAD_STATUS_MANAGER.
 */
import type { Logger } from 'pino';
import { isPlainObject } from '../../src/schema/openapi.js';
import { type ApiResource, KubeClient, type KubeObject } from './client.js';
import { condition } from './conditions.js';
import { type PollingController, startPollingController } from './polling.js';

export const WORKLOAD_STATUS_MANAGER = 'switchyard-workload-status';

const DEPLOYMENTS: ApiResource = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  plural: 'deployments',
  namespaced: true,
};
const PDBS: ApiResource = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  plural: 'poddisruptionbudgets',
  namespaced: true,
};

export interface WorkloadStatusOptions {
  log: Logger;
  /** The Available condition's message: why the replicas count as available with no pods. */
  availableMessage: string;
  intervalMs?: number;
}

/** Starts the stand-in against the cluster of `kubeconfig` (its current context unless `context`). */
export function startWorkloadStatus(
  options: WorkloadStatusOptions & { kubeconfig: string; context?: string },
): PollingController {
  const client = KubeClient.fromKubeconfig(options.kubeconfig, {
    ...(options.context ? { context: options.context } : {}),
    userAgent: 'switchyard-workload-status',
  });
  const running = runWorkloadStatus(client, options);
  return {
    ...running,
    async stop() {
      await running.stop();
      client.close();
    },
  };
}

/** The stand-in on an existing client (the caller closes it). */
export function runWorkloadStatus(client: KubeClient, options: WorkloadStatusOptions): PollingController {
  const setStatus = (resource: ApiResource, object: KubeObject, status: Record<string, unknown>) =>
    client.mergePatch(resource, object, { status }, { status: true, fieldManager: WORKLOAD_STATUS_MANAGER });

  const pass = async () => {
    const deployments = (await client.list(DEPLOYMENTS)).items;
    for (const deployment of deployments) {
      const generation = deployment.metadata.generation;
      const status = isPlainObject(deployment.status) ? deployment.status : {};
      const replicas = (deployment.spec as { replicas?: number }).replicas ?? 1;
      // The emulator reports the generation observed with no pods (local/kube/deployment-status.ts).
      if (status.observedGeneration === generation && status.availableReplicas === replicas) continue;
      await setStatus(DEPLOYMENTS, deployment, {
        observedGeneration: generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        unavailableReplicas: null,
        conditions: [condition('Available', 'True', 'MinimumReplicasAvailable', options.availableMessage)],
      });
    }
    for (const pdb of (await client.list(PDBS)).items) {
      const status = isPlainObject(pdb.status) ? pdb.status : {};
      if (status.observedGeneration === pdb.metadata.generation) continue;
      await setStatus(PDBS, pdb, disruptionStatus(pdb, deployments));
    }
  };
  return startPollingController({
    name: 'workload-status',
    pass,
    intervalMs: options.intervalMs ?? 250,
    log: options.log,
  });
}

/** A PodDisruptionBudget's status as the disruption controller writes it, every selected pod healthy. */
function disruptionStatus(pdb: KubeObject, deployments: KubeObject[]) {
  const spec = pdb.spec as {
    minAvailable?: number | string;
    selector?: { matchLabels?: Record<string, string> };
  };
  const wanted = Object.entries(spec.selector?.matchLabels ?? {});
  const expected = deployments
    .filter((deployment) => deployment.metadata.namespace === pdb.metadata.namespace)
    .filter((deployment) => {
      const labels =
        (deployment.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template
          ?.metadata?.labels ?? {};
      return wanted.every(([key, value]) => labels[key] === value);
    })
    .reduce((sum, deployment) => sum + ((deployment.spec as { replicas?: number }).replicas ?? 1), 0);
  const min = spec.minAvailable;
  const desired =
    typeof min === 'number'
      ? min
      : typeof min === 'string'
        ? Math.ceil((expected * Number.parseInt(min, 10)) / 100)
        : 0;
  const allowed = Math.max(0, expected - desired);
  return {
    observedGeneration: pdb.metadata.generation,
    disruptionsAllowed: allowed,
    currentHealthy: expected,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions: [
      allowed > 0
        ? condition('DisruptionAllowed', 'True', 'SufficientPods')
        : condition('DisruptionAllowed', 'False', 'InsufficientPods'),
    ],
  };
}
