/**
 * Which observed resources belong to which XR. crank takes one flat list for one XR; a recursive
 * render takes one list for the whole tree, so a resource whose controller reference names an XR
 * goes to that XR, and one without an owner goes to the root.
 */
import type { KubeObject } from './objects.js';

function controllerName(object: KubeObject): string | undefined {
  return object.metadata.ownerReferences?.find((reference) => reference.controller)?.name;
}

export function observedFor(observed: KubeObject[], owner: string, isRoot: boolean): KubeObject[] {
  return observed.filter((object) => {
    const controller = controllerName(object);
    return controller === owner || (isRoot && controller === undefined);
  });
}
