import { type KubeTarget, sendRequest } from '../../wire/kube/target.js';
import { type RealApiserver, startApiserver } from './apiserver.js';

/** The real apiextensions-apiserver as a wire-suite target; stopping the target stops the server. */
export async function startRealTarget(): Promise<KubeTarget & { apiserver: RealApiserver }> {
  const apiserver = await startApiserver();
  const url = apiserver.url;
  return {
    name: 'real',
    url,
    kubeconfig: apiserver.kubeconfig,
    serverManager: 'kube-apiserver-lite',
    apiserver,
    request: (method, path, body, options) => sendRequest(url, method, path, body, options),
    close: () => apiserver.stop(),
  };
}
