import { isPlainObject } from '../../src/schema/openapi.js';
import { jsonPatch, mergePatch } from './json-patch.js';
import { type KubeObject, metadataOf, nameOf, namespaceOf, resourceVersionOf } from './object-meta.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';
import { badRequest, conflict, invalid, STALE_OBJECT, unsupportedMediaType } from './status.js';
import type { FieldValidation } from './validation.js';
import type { WritePath } from './write-path.js';

/**
 * The `/scale` subresource of the kinds whose documents have one (Deployment, ReplicaSet,
 * StatefulSet, ReplicationController): an autoscaling/v1 Scale read from and written to the
 * object's `spec.replicas`, as `kubectl scale` and autoscalers use it. A write is an update of
 * the object by the caller's field manager with subresource `scale`.
 */

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

export interface ScaleWrite {
  type: ResourceType;
  namespace: string;
  manager: string;
  fieldValidation: FieldValidation;
  dryRun: boolean;
}

/** The Scale of an object: desired replicas, observed replicas and the selector as a string. */
export function scaleOf(object: KubeObject): KubeObject {
  const metadata = metadataOf(object);
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const status = isPlainObject(object.status) ? object.status : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: nameOf(object),
      namespace: namespaceOf(object),
      uid: metadata.uid,
      resourceVersion: resourceVersionOf(object),
      creationTimestamp: metadata.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorString(spec.selector),
    },
  };
}

/** A LabelSelector (or a ReplicationController's map) as `k=v,...`, keys sorted. */
function selectorString(selector: unknown): string {
  const map =
    isPlainObject(selector) && isPlainObject(selector.matchLabels) ? selector.matchLabels : selector;
  if (!isPlainObject(map)) return '';
  return Object.keys(map)
    .sort()
    .map((key) => `${key}=${String(map[key])}`)
    .join(',');
}

/** PUT or PATCH of /scale: the new Scale applied to the object's spec.replicas. */
export function writeScale(
  writes: WritePath,
  request: ScaleWrite,
  current: KubeObject,
  change: { body: unknown; contentType?: string },
): KubeObject {
  let scale: unknown = change.body;
  if (change.contentType !== undefined) {
    if (![MERGE, JSON_PATCH, STRATEGIC].includes(change.contentType))
      throw unsupportedMediaType([JSON_PATCH, MERGE, STRATEGIC]);
    const served = scaleOf(current);
    scale =
      change.contentType === JSON_PATCH ? jsonPatch(served, change.body) : mergePatch(served, change.body);
  }
  if (!isPlainObject(scale)) throw badRequest('the request body must be a Scale object');
  const requested = String(metadataOf(scale).resourceVersion ?? '');
  if (requested !== '' && requested !== resourceVersionOf(current))
    throw conflict({ group: request.type.group, plural: request.type.plural }, nameOf(current), STALE_OBJECT);
  const replicas = isPlainObject(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('autoscaling', 'Scale', nameOf(current), [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(replicas ?? 0)}: must be greater than or equal to 0`,
        field: 'spec.replicas',
      },
    ]);
  }
  const spec = isPlainObject(current.spec) ? current.spec : {};
  const next = { ...current, apiVersion: apiVersionOf(request.type), spec: { ...spec, replicas } };
  const result = writes.update({ ...request, subresource: 'scale' }, current, next);
  return scaleOf(result.object);
}
