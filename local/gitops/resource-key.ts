/**
 * Identity and per-object sync annotations of the objects the stand-in handles: the resource key
 * gitops-engine uses (group, kind, namespace, name; no version), the wave and the sync options.
 */
import { isPlainObject } from '../../src/schema/openapi.js';
import { type KubeObject, metadataOf, nameOf, namespaceOf } from '../kube/object-meta.js';
import { SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION } from './argocd-names.js';

export type { KubeObject } from '../kube/object-meta.js';

export interface ResourceKey {
  group: string;
  kind: string;
  /** Empty for cluster-scoped objects. */
  namespace: string;
  name: string;
}

/** `apps/v1` → `apps`, `v1` → `` (the core group). */
export function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  return apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
}

export function keyOf(object: KubeObject): ResourceKey {
  return {
    group: groupOf(object.apiVersion),
    kind: typeof object.kind === 'string' ? object.kind : '',
    namespace: namespaceOf(object),
    name: nameOf(object),
  };
}

/** gitops-engine's ResourceKey.String(): `group/kind/namespace/name`; one map key per object. */
export function keyString(key: ResourceKey): string {
  return `${key.group}/${key.kind}/${key.namespace}/${key.name}`;
}

/** `Kind/namespace/name` (or `Kind/name`), for messages and logs. */
export function describeKey(key: ResourceKey): string {
  return [key.kind, key.namespace, key.name].filter(Boolean).join('/');
}

export function annotationsOf(object: KubeObject): Record<string, string> {
  const annotations = metadataOf(object).annotations;
  if (!isPlainObject(annotations)) return {};
  return Object.fromEntries(
    Object.entries(annotations).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** `argocd.argoproj.io/sync-wave` as Go's strconv.Atoi reads it: an optional sign and decimal digits. */
export const WAVE_PATTERN = /^[+-]?\d+$/;

/** The object's wave; 0 without the annotation (manifests are checked for bad values before this). */
export function waveOf(object: KubeObject): number {
  const text = annotationsOf(object)[SYNC_WAVE_ANNOTATION];
  return text !== undefined && WAVE_PATTERN.test(text) ? Number.parseInt(text, 10) : 0;
}

/** gitops-engine's GetAnnotationCSVs: the comma-separated values of an annotation, trimmed, deduplicated. */
export function annotationOptions(object: KubeObject, annotation: string): string[] {
  const text = annotationsOf(object)[annotation] ?? '';
  return [...new Set(text.split(',').map((item) => item.trim()))].filter(Boolean);
}

export const hasSyncOption = (object: KubeObject | undefined, option: string) =>
  object !== undefined && annotationOptions(object, SYNC_OPTIONS_ANNOTATION).includes(option);

export const isCrd = (object: KubeObject) =>
  object.kind === 'CustomResourceDefinition' && groupOf(object.apiVersion) === 'apiextensions.k8s.io';

export const isNamespace = (object: KubeObject) =>
  object.kind === 'Namespace' && groupOf(object.apiVersion) === '';

/** `group/kind` of the kind a CRD object defines, as gitops-engine reads it (spec.group, spec.names.kind). */
export function crdDefinedGroupKind(crd: KubeObject): string | undefined {
  const spec = isPlainObject(crd.spec) ? crd.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  return typeof spec.group === 'string' && typeof names.kind === 'string'
    ? `${spec.group}/${names.kind}`
    : undefined;
}
