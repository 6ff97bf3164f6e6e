/**
 * The plain Kubernetes objects the environments repository holds, and the few facts about them the
 * layout and the Argo CD objects are derived from (group, kind, name, namespace).
 */

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  } & Record<string, unknown>;
  [field: string]: unknown;
}

/** `apps/v1` → `apps`, `v1` → `` (the core group). */
export const groupOf = (object: Pick<KubeObject, 'apiVersion'>) => {
  const slash = object.apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : object.apiVersion.slice(0, slash);
};

/** `apps/Deployment`, `/Namespace` for the core group: one key per kind. */
export const groupKindOf = (object: Pick<KubeObject, 'apiVersion' | 'kind'>) =>
  `${groupOf(object)}/${object.kind}`;

/**
 * A copy as it would travel through JSON: no `undefined` fields, no shared references, so the same
 * input always serializes to the same text and callers cannot change each other's objects.
 */
export function plainCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A copy of `object` with `annotations` added to its metadata (existing keys are kept unless overridden). */
export function withAnnotations(object: KubeObject, annotations: Record<string, string>): KubeObject {
  const copy = plainCopy(object);
  copy.metadata.annotations = { ...copy.metadata.annotations, ...annotations };
  return copy;
}

/** Reads an unknown value as a KubeObject, or says what is missing. */
export function asKubeObject(value: unknown, where: string): KubeObject {
  const object = value as Partial<KubeObject> | null;
  if (
    typeof object !== 'object' ||
    object === null ||
    typeof object.apiVersion !== 'string' ||
    typeof object.kind !== 'string' ||
    typeof object.metadata?.name !== 'string'
  )
    throw new Error(`${where}: not a Kubernetes object with apiVersion, kind and metadata.name`);
  return object as KubeObject;
}
