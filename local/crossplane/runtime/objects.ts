/** Small helpers over cluster objects shared by the composition and managed-resource controllers. */
import { isPlainObject } from '../../../src/schema/openapi.js';
import type { KubeObject } from '../../cluster/client.js';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export const refOf = (object: KubeObject): ObjectRef => ({
  apiVersion: String(object.apiVersion),
  kind: String(object.kind),
  ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  name: String(object.metadata.name),
});

/** A queue key: apiVersion, kind, namespace and name, tab-separated. */
export const keyOfRef = (ref: ObjectRef) =>
  [ref.apiVersion, ref.kind, ref.namespace ?? '', ref.name].join('\t');

export function refOfKey(key: string): ObjectRef {
  const [apiVersion = '', kind = '', namespace = '', name = ''] = key.split('\t');
  return { apiVersion, kind, ...(namespace ? { namespace } : {}), name };
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export function controllerOf(object: KubeObject): OwnerReference | undefined {
  const references = object.metadata.ownerReferences;
  if (!Array.isArray(references)) return undefined;
  return references.find(
    (reference): reference is OwnerReference => isPlainObject(reference) && reference.controller === true,
  );
}

export function finalizersOf(object: KubeObject): string[] {
  const finalizers = object.metadata.finalizers;
  return Array.isArray(finalizers)
    ? finalizers.filter((item): item is string => typeof item === 'string')
    : [];
}

export const isDeleting = (object: KubeObject) => Boolean(object.metadata.deletionTimestamp);

/**
 * True when every field `desired` sets has the same value in `actual` (arrays element by element):
 * what a server-side apply of `desired` would leave unchanged, so it need not be sent.
 */
export function containsDesired(actual: unknown, desired: unknown): boolean {
  if (Array.isArray(desired)) {
    return (
      Array.isArray(actual) &&
      actual.length === desired.length &&
      desired.every((item, index) => containsDesired(actual[index], item))
    );
  }
  if (isPlainObject(desired)) {
    return (
      isPlainObject(actual) &&
      Object.entries(desired).every(([key, value]) => containsDesired(actual[key], value))
    );
  }
  return actual === desired;
}

export const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
