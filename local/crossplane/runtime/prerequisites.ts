/**
 * What a management cluster has before its first sync (docs/environments-repo.md "Bringing up a
 * management cluster"): Crossplane core's CRDs (its Helm chart installs them), Argo CD's
 * Application and AppProject CRDs, and the `argocd` namespace. Read from ../shared/schemas.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { upstreamSchemasDir } from '../../../src/schema/paths.js';
import { isConflict, type KubeClient, type KubeObject } from '../../cluster/client.js';
import { installCrds, readYamlObject } from './crds.js';

export const ARGOCD_NAMESPACE = 'argocd';

/** Crossplane core's CRDs and Argo CD's Application and AppProject. */
export function prerequisiteCrds(schemas = upstreamSchemasDir()): KubeObject[] {
  const crossplane = join(schemas, 'crossplane');
  return [
    ...readdirSync(crossplane)
      .filter((file) => file.endsWith('.yaml'))
      .sort()
      .map((file) => readYamlObject(join(crossplane, file))),
    ...['application-crd.yaml', 'appproject-crd.yaml'].map((file) =>
      readYamlObject(join(schemas, 'argocd', file)),
    ),
  ];
}

/** Installs the prerequisites; idempotent (what exists is left as it is). */
export async function installPrerequisites(client: KubeClient): Promise<void> {
  await installCrds(client, prerequisiteCrds());
  try {
    await client.request('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ARGOCD_NAMESPACE },
    });
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}
