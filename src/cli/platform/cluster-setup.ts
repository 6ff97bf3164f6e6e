/**
 * What each region's management cluster runs beside its API server on the embedded platform.
 * Provisional: prerequisites only, until local/crossplane's runtime lands.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { upstreamSchemasDir } from '../../schema/paths.js';
import { type Manifest, ServerSideApplier } from '../server-side-apply.js';
import type { ClusterSetup } from './platform.js';

function prerequisiteCrds(): Manifest[] {
  const crossplane = join(upstreamSchemasDir(), 'crossplane');
  return [
    ...readdirSync(crossplane)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => join(crossplane, file)),
    ...['application-crd.yaml', 'appproject-crd.yaml'].map((file) =>
      join(upstreamSchemasDir(), 'argocd', file),
    ),
  ].map((file) => parse(readFileSync(file, 'utf8')) as Manifest);
}

export const localClusterSetup: ClusterSetup = {
  async prepare(kubeconfig) {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfig);
    const applier = new ServerSideApplier(config.getCurrentCluster()?.server ?? '');
    const crds = prerequisiteCrds();
    for (const crd of crds) await applier.apply(crd);
    for (const crd of crds) await applier.waitEstablished(crd.metadata.name);
    await applier.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
  },
  async startAddons() {
    return { stop: async () => {} };
  },
};
