import { isPlainObject } from '../../src/schema/openapi.js';
import { CRD_TYPE } from './builtins.js';
import { type KubeObject, kubeTime, metadataOf, nameOf, withMetadata } from './object-meta.js';
import { crdName, type TypeRegistry } from './registry.js';
import type { ResourceType } from './resource-type.js';
import { storageKey } from './resource-type.js';
import { invalid, type StatusCause } from './status.js';
import type { ObjectStore } from './store.js';
import type { WriteHooks } from './write-path.js';

/**
 * CustomResourceDefinitions: the checks the apiserver makes on the names and versions we rely
 * on, and the controller work it does after a write (names accepted, Established, kinds served;
 * on delete, the custom resources go first, then the kinds leave discovery).
 */

/** managedFields name of the emulator's own status writes (the real server uses its binary name). */
export const SERVER_MANAGER = 'switchyard-kube';

function crdSpec(crd: KubeObject): Record<string, unknown> {
  return isPlainObject(crd.spec) ? crd.spec : {};
}

function validateCrd(crd: KubeObject): void {
  const spec = crdSpec(crd);
  const names = isPlainObject(spec.names) ? spec.names : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
  const causes: StatusCause[] = [];
  const group = typeof spec.group === 'string' ? spec.group : '';
  const plural = typeof names.plural === 'string' ? names.plural : '';
  if (group === '')
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.group' });
  else if (!group.includes('.')) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${group}": should be a domain with at least one dot`,
      field: 'spec.group',
    });
  }
  if (plural === '')
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.names.plural' });
  if (typeof names.kind !== 'string' || names.kind === '') {
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.names.kind' });
  }
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${String(spec.scope ?? '')}": supported values: "Cluster", "Namespaced"`,
      field: 'spec.scope',
    });
  }
  if (versions.length === 0)
    causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.versions' });
  else if (versions.filter((version) => version.storage === true).length !== 1) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: []string{}: must have exactly one version marked as storage version',
      field: 'spec.versions',
    });
  }
  if (plural !== '' && group !== '' && nameOf(crd) !== `${plural}.${group}`) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: "${nameOf(crd)}": must be spec.names.plural+"."+spec.group`,
      field: 'metadata.name',
    });
  }
  if (causes.length > 0) throw invalid(CRD_TYPE.group, CRD_TYPE.kind, nameOf(crd), causes);
}

function acceptedNames(crd: KubeObject): Record<string, unknown> {
  const names = isPlainObject(crdSpec(crd).names) ? (crdSpec(crd).names as Record<string, unknown>) : {};
  const kind = String(names.kind ?? '');
  return {
    plural: names.plural,
    singular: names.singular ?? kind.toLowerCase(),
    ...(Array.isArray(names.shortNames) ? { shortNames: names.shortNames } : {}),
    kind,
    listKind: names.listKind ?? `${kind}List`,
    ...(Array.isArray(names.categories) ? { categories: names.categories } : {}),
  };
}

function storedVersions(crd: KubeObject, old: KubeObject | undefined): string[] {
  const versions = Array.isArray(crdSpec(crd).versions)
    ? (crdSpec(crd).versions as unknown[]).filter(isPlainObject)
    : [];
  const storage = String(versions.find((version) => version.storage === true)?.name ?? '');
  const oldStatus = old && isPlainObject(old.status) ? old.status : {};
  const previous = Array.isArray(oldStatus.storedVersions) ? (oldStatus.storedVersions as string[]) : [];
  return previous.includes(storage) ? previous : [...previous, storage];
}

function establishedStatus(crd: KubeObject, old: KubeObject | undefined): Record<string, unknown> {
  const now = kubeTime();
  return {
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        lastTransitionTime: now,
        reason: 'NoConflicts',
        message: 'no conflicts found',
      },
      {
        type: 'Established',
        status: 'True',
        lastTransitionTime: now,
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
      },
    ],
    acceptedNames: acceptedNames(crd),
    storedVersions: storedVersions(crd, old),
  };
}

export function crdHooks(registry: TypeRegistry, store: ObjectStore): WriteHooks {
  return {
    beforeWrite(type, object, old) {
      if (type.kind !== CRD_TYPE.kind || type.group !== CRD_TYPE.group) return object;
      validateCrd(object);
      if (old === undefined) {
        // As the apiserver: a new CRD starts without conditions; the establishing controller
        // writes them right after (a second resourceVersion and a MODIFIED event).
        return {
          ...object,
          status: {
            conditions: [],
            acceptedNames: { plural: '', kind: '' },
            storedVersions: storedVersions(object, undefined),
          },
        };
      }
      return {
        ...object,
        status: {
          ...(isPlainObject(old.status) ? old.status : {}),
          ...(isPlainObject(object.status) ? object.status : {}),
          storedVersions: storedVersions(object, old),
        },
      };
    },
    afterWrite(type, object, old) {
      if (type.kind !== CRD_TYPE.kind || type.group !== CRD_TYPE.group) return;
      const stillExists = store.get(storageKey(CRD_TYPE), '', nameOf(object)) !== undefined;
      if (!stillExists) return;
      if (metadataOf(object).deletionTimestamp) return;
      registry.putCrd(object);
      if (old !== undefined) return;
      const established = withMetadata({ ...object, status: establishedStatus(object, old) }, {});
      store.update(storageKey(CRD_TYPE), withServerManager(established), object);
    },
  };
}

function withServerManager(crd: KubeObject): KubeObject {
  const entries = Array.isArray(metadataOf(crd).managedFields)
    ? (metadataOf(crd).managedFields as unknown[])
    : [];
  const status = {
    manager: SERVER_MANAGER,
    operation: 'Update',
    apiVersion: 'apiextensions.k8s.io/v1',
    time: kubeTime(),
    fieldsType: 'FieldsV1',
    fieldsV1: {
      'f:status': {
        'f:acceptedNames': Object.fromEntries(Object.keys(acceptedNames(crd)).map((key) => [`f:${key}`, {}])),
        'f:conditions': {
          'k:{"type":"Established"}': conditionFields,
          'k:{"type":"NamesAccepted"}': conditionFields,
        },
      },
    },
    subresource: 'status',
  };
  return withMetadata(crd, { managedFields: [...entries, status] });
}

const conditionFields = {
  '.': {},
  'f:lastTransitionTime': {},
  'f:message': {},
  'f:reason': {},
  'f:status': {},
  'f:type': {},
};

/**
 * Deleting a CRD: mark it terminating, delete every custom resource it defines (watchers see
 * DELETED for each), stop serving its kinds, then remove it. Returns the terminating object.
 */
export function deleteCrd(registry: TypeRegistry, store: ObjectStore, crd: KubeObject): KubeObject {
  const key = storageKey(CRD_TYPE);
  const status = isPlainObject(crd.status) ? crd.status : {};
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isPlainObject) : [];
  const terminating = withMetadata(
    {
      ...crd,
      status: {
        ...status,
        conditions: [
          ...conditions,
          {
            type: 'Terminating',
            status: 'True',
            lastTransitionTime: kubeTime(),
            reason: 'InstanceDeletionInProgress',
            message: 'CustomResource deletion is in progress',
          },
        ],
      },
    },
    { deletionTimestamp: kubeTime(), finalizers: ['customresourcecleanup.apiextensions.k8s.io'] },
  );
  const marked = store.update(key, terminating, crd);
  for (const resourceKey of registry.storageKeysOf(crd)) store.dropResource(resourceKey);
  registry.removeCrd(crdName(crd));
  store.delete(key, withMetadata(marked, { finalizers: undefined }));
  return marked;
}

export function isCrdType(type: ResourceType): boolean {
  return type.group === CRD_TYPE.group && type.kind === CRD_TYPE.kind;
}
