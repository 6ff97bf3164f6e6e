/**
 * Annotation-based resource tracking as Argo CD v3 does it (util/argo/resource_tracking.go):
 * every target object except CRDs carries `argocd.argoproj.io/tracking-id:
 * <app>:<group>/<kind>:<namespace>/<name>`, the namespace being the destination's for objects
 * without one. A live object is the application's when its id names the application and matches
 * the object itself (a copied annotation does not count). CRDs carry none, so Argo CD never prunes
 * a CRD that left Git, and neither does the stand-in.
 */
import { withMetadata } from '../kube/object-meta.js';
import { INSTALLATION_ID_ANNOTATION, TRACKING_ID_ANNOTATION } from './argocd-names.js';
import { annotationsOf, isCrd, type KubeObject, keyOf, type ResourceKey } from './resource-key.js';

export interface TrackingId extends ResourceKey {
  application: string;
}

/** BuildAppInstanceValue. */
export function formatTrackingId(id: TrackingId): string {
  return `${id.application}:${id.group}/${id.kind}:${id.namespace}/${id.name}`;
}

/** ParseAppInstanceValue; undefined for anything not shaped like an id. */
export function parseTrackingId(value: string): TrackingId | undefined {
  const [application = '', groupKind, namespaceName, ...rest] = value.split(':');
  if (groupKind === undefined || namespaceName === undefined) return undefined;
  const tail = [namespaceName, ...rest].join(':');
  const [group, kind, ...extraGroup] = groupKind.split('/');
  const [namespace, name, ...extraName] = tail.split('/');
  if (kind === undefined || name === undefined || extraGroup.length > 0 || extraName.length > 0)
    return undefined;
  return { application, group: group ?? '', kind, namespace: namespace ?? '', name };
}

/** The tracking id a live object carries, when it counts (no installation id: the stand-in sets none). */
export function trackingIdOf(live: KubeObject): TrackingId | undefined {
  const annotations = annotationsOf(live);
  if ((annotations[INSTALLATION_ID_ANNOTATION] ?? '') !== '') return undefined;
  const value = annotations[TRACKING_ID_ANNOTATION];
  return value === undefined ? undefined : parseTrackingId(value);
}

/** The target as Argo CD's repo server hands it over: with its tracking id (none on CRDs). */
export function withTrackingId(
  target: KubeObject,
  application: string,
  destinationNamespace: string,
): KubeObject {
  if (isCrd(target)) return target;
  const key = keyOf(target);
  const id = formatTrackingId({ ...key, application, namespace: key.namespace || destinationNamespace });
  const annotations: Record<string, string> = { ...annotationsOf(target), [TRACKING_ID_ANNOTATION]: id };
  delete annotations[INSTALLATION_ID_ANNOTATION];
  return withMetadata(target, { annotations });
}

/** isSelfReferencedObj: the id names this very object (cluster-scoped objects match any namespace). */
export function refersTo(id: ResourceKey, live: KubeObject): boolean {
  const key = keyOf(live);
  return (
    (key.namespace === id.namespace || key.namespace === '') &&
    key.name === id.name &&
    key.group === id.group &&
    key.kind === id.kind
  );
}

/** A live object the application tracks: its id names the application and the object. */
export function isTrackedBy(live: KubeObject, application: string): boolean {
  const id = trackingIdOf(live);
  return id !== undefined && id.application === application && refersTo(id, live);
}
