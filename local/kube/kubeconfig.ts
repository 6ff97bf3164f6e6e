import { renameSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

/**
 * The kubeconfig `switchyard kube` writes: one context, plain http. client-node refuses http
 * servers unless the cluster says insecure-skip-tls-verify, so it does.
 */
export function kubeconfigYaml(serverUrl: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'switchyard', cluster: { server: serverUrl, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'switchyard', user: { token: 'switchyard-local' } }],
    contexts: [
      { name: 'switchyard', context: { cluster: 'switchyard', user: 'switchyard', namespace: 'default' } },
    ],
    'current-context': 'switchyard',
  });
}

/** Written to a temporary name first, so a reader never sees half a file. */
export function writeKubeconfig(path: string, serverUrl: string): void {
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, kubeconfigYaml(serverUrl), { mode: 0o600 });
  renameSync(temporary, path);
}
