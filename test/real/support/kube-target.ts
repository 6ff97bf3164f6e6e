import { type KubeTarget, sendRequest } from '../../wire/kube/target.js';
import { type KubeApiserver, startKubeApiserver } from './kube-apiserver.js';

/**
 * The full kube-apiserver as a wire-suite target, the requests sent as its admin (a client
 * certificate in system:masters); stopping the target stops the server.
 */
export async function startRealTarget(): Promise<KubeTarget & { apiserver: KubeApiserver }> {
  const apiserver = await startKubeApiserver();
  const { url, tls } = apiserver;
  return {
    name: 'real',
    url,
    kubeconfig: apiserver.kubeconfig,
    // The manager of the server's own writes (CRD status): the binary's name, as its loopback client's user agent.
    serverManager: 'kube-apiserver',
    tls,
    apiserver,
    request: (method, path, body, options) => sendRequest(url, method, path, body, { ...options, tls }),
    close: () => apiserver.stop(),
  };
}
