/**
 * The ReferenceLookup handed to the local provider's handlers: another managed resource in the
 * referencing resource's namespace, by name, or by labels, and with `matchControllerRef` only one
 * controlled by the same composite (crossplane-runtime's reference resolver). Read from the
 * informers' caches, which the controllers keep current.
 */
import type { Informers } from '../../cluster/informer.js';
import type { ManagedResource, ReferenceLookup } from '../provider.js';
import { controllerOf } from './objects.js';

export function referenceLookup(informers: Informers): ReferenceLookup {
  return async (target, from, reference) => {
    const informer = await informers.forKind(target.apiVersion, target.kind);
    if (!informer) return undefined;
    const namespace = from.metadata.namespace;
    if (reference.name !== undefined) {
      return informer.get(namespace, reference.name) as ManagedResource | undefined;
    }
    const controller = controllerOf(from as never)?.uid;
    const matches = informer.list().filter((candidate) => {
      if (candidate.metadata.namespace !== namespace) return false;
      const labels = (candidate.metadata.labels ?? {}) as Record<string, string>;
      if (!Object.entries(reference.matchLabels ?? {}).every(([key, value]) => labels[key] === value))
        return false;
      return (
        !reference.matchControllerRef ||
        (controller !== undefined && controllerOf(candidate)?.uid === controller)
      );
    });
    // crossplane-runtime takes the first match of the list, which the apiserver sorts by name.
    matches.sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
    return matches[0] as ManagedResource | undefined;
  };
}
