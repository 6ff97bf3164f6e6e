import { isPlainObject } from '../../src/schema/openapi.js';
import { SERVER_MANAGER } from './crd-lifecycle.js';
import { recordUpdate } from './managed-fields.js';
import { kubeTime, metadataOf, nameOf, namespaceOf } from './object-meta.js';
import { storageKey } from './resource-type.js';
import type { ObjectStore } from './store.js';
import type { WriteHooks } from './write-path.js';

/**
 * Nothing pretends to run: no pods run behind the emulator, so once it has seen a Deployment's
 * generation it says so in the status, as a deployment controller would report a rollout that
 * cannot progress (observedGeneration, every replica unavailable, `Available=False` with reason
 * `NoPodsRun`), written by `switchyard-kube` on the status subresource after the write that
 * changed the spec (a second resourceVersion and a MODIFIED event, like a controller's write).
 * Whoever does run the workload may write a truer status; it is left alone until the spec changes.
 */

export const NO_PODS_MESSAGE =
  'the local Kubernetes API (switchyard kube) stores this Deployment but runs no pods; nothing reports it available';

export function deploymentStatusHooks(store: ObjectStore): WriteHooks {
  return {
    afterWrite(type, written) {
      if (type.group !== 'apps' || type.kind !== 'Deployment' || !type.builtin) return;
      const key = storageKey(type);
      const current = store.get(key, namespaceOf(written), nameOf(written));
      if (!current || metadataOf(current).deletionTimestamp) return;
      const generation = metadataOf(current).generation;
      const status = isPlainObject(current.status) ? current.status : {};
      if (status.observedGeneration === generation) return;
      const spec = isPlainObject(current.spec) ? current.spec : {};
      const replicas = typeof spec.replicas === 'number' ? spec.replicas : 0;
      const now = kubeTime();
      const next = {
        ...current,
        status: {
          observedGeneration: generation,
          ...(replicas > 0 ? { unavailableReplicas: replicas } : {}),
          conditions: [
            {
              type: 'Available',
              status: 'False',
              lastUpdateTime: now,
              lastTransitionTime: now,
              reason: 'NoPodsRun',
              message: NO_PODS_MESSAGE,
            },
          ],
        },
      };
      const recorded = recordUpdate(current, next, {
        manager: SERVER_MANAGER,
        apiVersion: 'apps/v1',
        schema: type.builtin.schema,
        scope: 'onlyStatus',
        subresource: 'status',
      });
      store.update(key, recorded, current);
    },
  };
}
