import { isPlainObject } from '../../src/schema/openapi.js';

/** A Kubernetes object as JSON. Stored objects are never mutated: writers build new ones. */
export type KubeObject = Record<string, unknown>;

export function metadataOf(object: KubeObject): Record<string, unknown> {
  return isPlainObject(object.metadata) ? object.metadata : {};
}

export function nameOf(object: KubeObject): string {
  const name = metadataOf(object).name;
  return typeof name === 'string' ? name : '';
}

export function namespaceOf(object: KubeObject): string {
  const namespace = metadataOf(object).namespace;
  return typeof namespace === 'string' ? namespace : '';
}

export function resourceVersionOf(object: KubeObject): string {
  const rv = metadataOf(object).resourceVersion;
  return typeof rv === 'string' ? rv : '';
}

export function labelsOf(object: KubeObject): Record<string, string> {
  const labels = metadataOf(object).labels;
  if (!isPlainObject(labels)) return {};
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) if (typeof value === 'string') result[key] = value;
  return result;
}

export function finalizersOf(object: KubeObject): string[] {
  const finalizers = metadataOf(object).finalizers;
  return Array.isArray(finalizers)
    ? finalizers.filter((item): item is string => typeof item === 'string')
    : [];
}

/** A copy of the object with metadata fields replaced (undefined removes a field). */
export function withMetadata(object: KubeObject, changes: Record<string, unknown>): KubeObject {
  const metadata: Record<string, unknown> = { ...metadataOf(object) };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete metadata[key];
    else metadata[key] = value;
  }
  return { ...object, metadata };
}

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function kubeTime(date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}
