/**
 * One region's management cluster for a sync of the published folder, on the emulator (local/kube):
 *
 * - what is installed before the first sync (docs/environments-repo.md "Bringing up a management
 *   cluster"): Crossplane core's CRDs and Argo CD's, read from ../shared/schemas, and the `argocd`
 *   namespace;
 * - the stand-ins for the controllers that would act on what the sync applies, which the emulator
 *   does not run (stand-in-controllers.ts). Without them the waves would wait forever on Progressing
 *   health.
 *
 * Nothing here reads or writes a Switchyard kind: those belong to the syncer and the controller.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { upstreamSchemasDir } from '../../src/schema/paths.js';
import { type KubeTarget, startEmulatorTarget } from '../wire/kube/target.js';
import { clusterCalls, type KubeObject, readYaml, startStandInControllers } from './stand-in-controllers.js';

/** Crossplane core's CRDs (its Helm chart installs them) and Argo CD's Application and AppProject. */
function prerequisiteCrds(): KubeObject[] {
  const crossplane = join(upstreamSchemasDir(), 'crossplane');
  return [
    ...readdirSync(crossplane)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => readYaml(join(crossplane, file))),
    ...['application-crd.yaml', 'appproject-crd.yaml'].map((file) =>
      readYaml(join(upstreamSchemasDir(), 'argocd', file)),
    ),
  ];
}

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
  const { ok, createCrd } = clusterCalls(kube.request);
  try {
    for (const crd of prerequisiteCrds()) await createCrd(crd);
    await ok('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'argocd' },
    });
  } catch (error) {
    await kube.close();
    throw error;
  }
  const standIns = startStandInControllers(kube.request);
  return {
    region,
    kube,
    kubeconfig: kube.kubeconfig,
    failure: () => standIns.failure(),
    async stop() {
      await standIns.stop();
      await kube.close();
    },
  };
}
