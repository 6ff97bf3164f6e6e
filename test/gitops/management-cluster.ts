/**
 * One region's management cluster for a sync of the published folder, on the emulator (local/kube):
 *
 * - what is installed before the first sync (docs/environments-repo.md "Bringing up a management
 *   cluster"): Crossplane core's CRDs and Argo CD's, read from ../shared/schemas, and the `argocd`
 *   namespace (local/crossplane/runtime `installManagementPrerequisites`);
 * - Crossplane core's package manager and XRD controller (`startCrossplaneCore`, no composing: the
 *   XR is left alone, its health is what our Lua says of an XR no Crossplane has composed) and the
 *   workload status stand-in (local/cluster/workloads.ts): without them the waves would wait
 *   forever on Progressing health.
 *
 * Nothing here reads or writes a Switchyard kind: those belong to the syncer and the controller.
 */
import pino from 'pino';
import type { PollingController } from '../../local/cluster/polling.js';
import { startWorkloadStatus } from '../../local/cluster/workloads.js';
import { installManagementPrerequisites, startCrossplaneCore } from '../../local/crossplane/runtime/index.js';
import { type KubeTarget, startEmulatorTarget } from '../wire/kube/target.js';

/** The Deployments' Available message here: the controller runs on the test's side, not in a pod. */
export const TEST_DEPLOYMENT_MESSAGE = 'no pods run here: the controller runs in the test process';

export interface ManagementCluster {
  region: string;
  kube: KubeTarget;
  kubeconfig: string;
  /** The error of the stand-in controllers' last pass, if it failed (a test reports it rather than hanging on health). */
  failure(): unknown;
  stop(): Promise<void>;
}

export async function startManagementCluster(region: string): Promise<ManagementCluster> {
  const kube = await startEmulatorTarget();
  const log = pino({ level: 'silent' });
  try {
    await installManagementPrerequisites({ kubeconfig: kube.kubeconfig, log });
  } catch (error) {
    await kube.close();
    throw error;
  }
  const controllers: PollingController[] = [
    startCrossplaneCore({ kubeconfig: kube.kubeconfig, log, intervalMs: 50 }),
    startWorkloadStatus({
      kubeconfig: kube.kubeconfig,
      log,
      availableMessage: TEST_DEPLOYMENT_MESSAGE,
      intervalMs: 50,
    }),
  ];
  return {
    region,
    kube,
    kubeconfig: kube.kubeconfig,
    failure: () =>
      controllers.map((controller) => controller.failure()).find((failure) => failure !== undefined),
    async stop() {
      await Promise.all(controllers.map((controller) => controller.stop()));
      await kube.close();
    },
  };
}
