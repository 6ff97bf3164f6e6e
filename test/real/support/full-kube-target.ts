import { readFileSync } from 'node:fs';
import { type KubeTarget, sendRequest } from '../../wire/kube/target.js';
import { type KubeApiserver, startKubeApiserver } from './kube-apiserver.js';

/**
 * The full kube-apiserver (ADR 0019) as a wire-suite target: requests as the admin, authenticated
 * by its client certificate; stopping the target stops the server.
 */
export async function startFullKubeTarget(): Promise<KubeTarget & { apiserver: KubeApiserver }> {
  const apiserver = await startKubeApiserver();
  const tls = {
    ca: readFileSync(apiserver.caFile),
    cert: readFileSync(apiserver.clientCertFile),
    key: readFileSync(apiserver.clientKeyFile),
  };
  return {
    name: 'real',
    url: apiserver.url,
    kubeconfig: apiserver.kubeconfig,
    serverManager: 'kube-apiserver',
    apiserver,
    request: (method, path, body, options) =>
      sendRequest(apiserver.url, method, path, body, { ...options, tls }),
    close: () => apiserver.stop(),
  };
}
