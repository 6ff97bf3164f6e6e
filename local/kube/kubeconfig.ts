import { renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigCluster {
  /** Cluster, user and context name (e.g. the region). */
  name: string;
  server: string;
}

/**
 * A kubeconfig for emulated API servers: one context per cluster, plain http. client-node refuses
 * http servers unless the cluster says insecure-skip-tls-verify, so it does.
 */
export function kubeconfigYamlFor(clusters: readonly KubeconfigCluster[], current: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: clusters.map(({ name, server }) => ({
      name,
      cluster: { server, 'insecure-skip-tls-verify': true },
    })),
    users: clusters.map(({ name }) => ({ name, user: { token: 'switchyard-local' } })),
    contexts: clusters.map(({ name }) => ({
      name,
      context: { cluster: name, user: name, namespace: 'default' },
    })),
    'current-context': current,
  });
}

/** The kubeconfig `switchyard kube` writes: one context named `switchyard`. */
export function kubeconfigYaml(serverUrl: string): string {
  return kubeconfigYamlFor([{ name: 'switchyard', server: serverUrl }], 'switchyard');
}

/** Written to a temporary name first, so a reader never sees half a file. */
export function writeKubeconfigText(path: string, text: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

export function writeKubeconfig(path: string, serverUrl: string): void {
  writeKubeconfigText(path, kubeconfigYaml(serverUrl));
}
