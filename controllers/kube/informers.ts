/**
 * client-node informers over all namespaces for one of our kinds. An informer stops on a watch
 * error other than 410 (feasibility §3), so this wrapper restarts it with backoff and reports
 * whether it has synced (for /readyz).
 */
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import { GROUP, VERSION } from '../../src/apis/common.js';
import { describeError } from './api-errors.js';
import type { Plural } from './resources.js';

export interface InformerHandlers {
  onChange(object: KubernetesObject): void;
  onDelete(object: KubernetesObject): void;
}

export interface RunningInformer {
  list(): readonly KubernetesObject[];
  get(namespace: string, name: string): KubernetesObject | undefined;
  readonly synced: boolean;
  stop(): Promise<void>;
}

export async function startInformer(
  config: KubeConfig,
  plural: Plural,
  handlers: InformerHandlers,
  log: (message: string) => void,
): Promise<RunningInformer> {
  const api = config.makeApiClient(CustomObjectsApi);
  const path = `/apis/${GROUP}/${VERSION}/${plural.plural}`;
  const informer = makeInformer<KubernetesObject>(
    config,
    path,
    // client-node types the generic list as any; the informer only reads items and metadata.
    () => api.listClusterCustomObject({ group: GROUP, version: VERSION, plural: plural.plural }),
  );
  let stopped = false;
  let synced = false;
  let restartDelayMs = 200;
  let restartTimer: NodeJS.Timeout | undefined;

  informer.on('add', handlers.onChange);
  informer.on('update', handlers.onChange);
  informer.on('delete', handlers.onDelete);
  informer.on('connect', () => {
    restartDelayMs = 200;
  });
  informer.on('error', (error: unknown) => {
    if (stopped) return;
    log(`informer ${plural.plural} stopped (${describeError(error)}); restarting in ${restartDelayMs} ms`);
    restartTimer = setTimeout(() => {
      if (stopped) return;
      informer
        .start()
        .catch((startError: unknown) => log(`informer ${plural.plural}: ${describeError(startError)}`));
    }, restartDelayMs);
    restartDelayMs = Math.min(restartDelayMs * 2, 30_000);
  });

  await informer.start();
  synced = true;
  return {
    list: () => informer.list(),
    get: (namespace, name) => informer.get(name, namespace),
    get synced() {
      return synced && !stopped;
    },
    async stop() {
      stopped = true;
      if (restartTimer) clearTimeout(restartTimer);
      await informer.stop();
    },
  };
}
