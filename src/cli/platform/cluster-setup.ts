/**
 * What each region's management cluster runs beside its API server on the embedded platform:
 * before the first sync, what a management cluster has installed (Crossplane core's and Argo CD's
 * CRDs, the argocd namespace); then local/crossplane (package manager, XRD controller, composition
 * and managed-resource reconcilers) on the local provider, which provisions into the AWS simulator.
 * No pods run here: the controller the published Deployment describes runs in this process, so the
 * workload stand-in reports the Deployment available and says so in its condition.
 */
import { localAwsProvider } from '../../../local/crossplane/provider-aws/index.js';
import {
  installManagementPrerequisites,
  startLocalCrossplane,
} from '../../../local/crossplane/runtime/index.js';
import type { ClusterSetup } from './platform.js';

export const IN_PROCESS_WORKLOAD_MESSAGE =
  'no pods run on the embedded platform: npm start runs this controller in its own process';

export const localClusterSetup: ClusterSetup = {
  prepare: (kubeconfig, log) => installManagementPrerequisites({ kubeconfig, log }),
  async startAddons({ kubeconfig, aws, log }) {
    const provider = localAwsProvider({ endpoint: aws.url, log: log.child({ component: 'provider-aws' }) });
    const crossplane = await startLocalCrossplane({
      kubeconfig,
      log,
      provider,
      deploymentMessage: IN_PROCESS_WORKLOAD_MESSAGE,
      // AWS changes behind Crossplane's back (a failover promotes a cluster): observe often enough
      // that atProvider and readiness follow within seconds.
      pollIntervalMs: 5_000,
    });
    return {
      async stop() {
        await crossplane.stop();
        provider.close();
      },
    };
  },
};
