import { randomUUID } from 'node:crypto';
import { hasCelRules } from '../../src/schema/cel-rules.js';
import { isPlainObject } from '../../src/schema/openapi.js';
import { RULES_NOT_CHECKED } from '../../src/schema/validate.js';
import type { StrategyContext } from './builtin-strategy.js';
import { sameValue } from './field-set.js';
import { recordUpdate, type WriteContext } from './managed-fields.js';
import {
  finalizersOf,
  type KubeObject,
  kubeTime,
  metadataOf,
  nameOf,
  namespaceOf,
  resourceVersionOf,
  withMetadata,
} from './object-meta.js';
import type { TypeRegistry } from './registry.js';
import { apiVersionOf, type ResourceType, schemaOf, storageKey } from './resource-type.js';
import { clusterIPAllocator } from './service-ips.js';
import { alreadyExists, badRequest, conflict, invalid, STALE_OBJECT } from './status.js';
import type { ObjectStore } from './store.js';
import { admit, type FieldValidation } from './validation.js';

/**
 * The write pipeline every create, update, patch and apply goes through, in the apiserver's
 * order: decode checks, status-subresource semantics, server-owned metadata, admission (prune,
 * default, validate), generation, managedFields, then the store.
 */

export interface WriteRequest {
  type: ResourceType;
  /** '' for cluster-scoped resources. */
  namespace: string;
  subresource?: 'status' | 'scale';
  manager: string;
  fieldValidation: FieldValidation;
  dryRun: boolean;
}

export interface WriteResult {
  status: 200 | 201;
  object: KubeObject;
  warnings: string[];
}

/** Per-kind extra behaviour around writes (CustomResourceDefinitions use it). */
export interface WriteHooks {
  beforeWrite?(type: ResourceType, object: KubeObject, old: KubeObject | undefined): KubeObject;
  afterWrite?(type: ResourceType, object: KubeObject, old: KubeObject | undefined): void;
}

export interface WriteOptions {
  /** managedFields were already computed (server-side apply). */
  managedFieldsDone?: boolean;
  /** PUT: the body must carry the resourceVersion it was read at. */
  requireResourceVersion?: boolean;
}

const GENERATE_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class WritePath {
  /** What built-in kinds' strategies need from the server (builtin-strategy.ts). */
  private readonly strategy: StrategyContext;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: TypeRegistry,
    private readonly hooks: Map<string, WriteHooks>,
  ) {
    this.strategy = { allocateClusterIP: clusterIPAllocator(store) };
  }

  context(request: WriteRequest): WriteContext {
    const { type, subresource } = request;
    return {
      manager: request.manager,
      apiVersion: apiVersionOf(type),
      schema: schemaOf(type),
      scope: subresource === 'status' ? 'onlyStatus' : type.statusSubresource ? 'skipStatus' : 'all',
      ...(subresource ? { subresource } : {}),
    };
  }

  create(request: WriteRequest, given: KubeObject, options: WriteOptions = {}): WriteResult {
    const { type } = request;
    const body = withDefaultTypeMeta(type, given);
    checkTypeMeta(type, body);
    let object = withNamespace(type, request.namespace, body);
    object = withName(type, object);
    if (this.store.get(storageKey(type), namespaceOf(object), nameOf(object)))
      throw alreadyExists(type, nameOf(object));
    if (type.statusSubresource) object = withoutField(object, 'status');
    object = {
      ...object,
      apiVersion: storageApiVersion(type),
      metadata: {
        ...metadataOf(object),
        uid: randomUUID(),
        creationTimestamp: kubeTime(),
        generation: 1,
      },
    };
    object = withMetadata(object, {
      resourceVersion: undefined,
      deletionTimestamp: undefined,
      deletionGracePeriodSeconds: undefined,
      selfLink: undefined,
      ...(tracksGeneration(type) ? {} : { generation: undefined }),
    });
    const admitted = admit(this.registry, type, object, undefined, request.fieldValidation, this.strategy);
    object = this.hooks.get(type.kind)?.beforeWrite?.(type, admitted.object, undefined) ?? admitted.object;
    if (!options.managedFieldsDone) {
      const basis = admitted.managedFieldsBasis;
      const recorded = recordUpdate(
        basis?.before,
        withMetadata(basis?.object ?? object, { managedFields: undefined }),
        this.context(request),
      );
      object = withMetadata(object, { managedFields: metadataOf(recorded).managedFields });
    }
    object = sortKeys(object);
    if (request.dryRun) return { status: 201, object: asVersion(type, object), warnings: admitted.warnings };
    const stored = this.store.create(storageKey(type), object);
    this.hooks.get(type.kind)?.afterWrite?.(type, stored, undefined);
    return { status: 201, object: asVersion(type, stored), warnings: admitted.warnings };
  }

  update(
    request: WriteRequest,
    current: KubeObject,
    given: KubeObject,
    options: WriteOptions = {},
  ): WriteResult {
    const { type } = request;
    const proposed = withDefaultTypeMeta(type, given);
    checkTypeMeta(type, proposed);
    const name = nameOf(current);
    if (nameOf(proposed) !== name) {
      throw badRequest(
        `the name of the object (${nameOf(proposed)}) does not match the name on the URL (${name})`,
      );
    }
    if (type.namespaced && namespaceOf(proposed) !== '' && namespaceOf(proposed) !== request.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    const requestedVersion = resourceVersionOf(proposed);
    if (options.requireResourceVersion && requestedVersion === '') {
      throw invalid(type.group, type.plural, name, [
        {
          reason: 'FieldValueInvalid',
          message: 'Invalid value: 0: must be specified for an update',
          field: 'metadata.resourceVersion',
        },
      ]);
    }
    if (requestedVersion !== '' && requestedVersion !== resourceVersionOf(current))
      throw conflict(type, name, STALE_OBJECT);

    const appliedManagedFields = metadataOf(proposed).managedFields;
    let next: KubeObject;
    if (request.subresource === 'status') {
      next = withField(current, 'status', proposed.status);
    } else {
      next = type.statusSubresource ? withField(proposed, 'status', current.status) : proposed;
    }
    const old = metadataOf(current);
    next = {
      ...next,
      apiVersion: storageApiVersion(type),
      metadata: {
        ...(request.subresource === 'status' ? old : metadataOf(next)),
        name,
        ...(type.namespaced ? { namespace: request.namespace } : {}),
        uid: old.uid,
        creationTimestamp: old.creationTimestamp,
        generation: old.generation,
        resourceVersion: old.resourceVersion,
        managedFields: options.managedFieldsDone ? appliedManagedFields : old.managedFields,
      },
    };
    next = withMetadata(next, {
      deletionTimestamp: old.deletionTimestamp,
      deletionGracePeriodSeconds: old.deletionGracePeriodSeconds,
      generation: old.generation,
    });
    const admitted = admit(this.registry, type, next, current, request.fieldValidation, this.strategy);
    next = this.hooks.get(type.kind)?.beforeWrite?.(type, admitted.object, current) ?? admitted.object;
    if (tracksGeneration(type) && specChanged(type, current, next))
      next = withMetadata(next, { generation: Number(old.generation ?? 0) + 1 });
    if (!options.managedFieldsDone) {
      const basis = admitted.managedFieldsBasis;
      const recorded = recordUpdate(
        current,
        basis ? withMetadata(basis.object, { managedFields: old.managedFields }) : next,
        this.context(request),
      );
      next = withMetadata(next, { managedFields: metadataOf(recorded).managedFields });
    }
    next = sortKeys(next);
    if (sameValue(withoutManagerTimes(next), withoutManagerTimes(current))) {
      // A write that changes nothing is not a write: same resourceVersion, no event.
      return { status: 200, object: asVersion(type, current), warnings: admitted.warnings };
    }
    if (request.dryRun) return { status: 200, object: asVersion(type, next), warnings: admitted.warnings };
    if (metadataOf(next).deletionTimestamp && finalizersOf(next).length === 0) {
      // The last finalizer is gone from an object being deleted: the update completes the deletion.
      this.store.delete(storageKey(type), next);
      this.hooks.get(type.kind)?.afterWrite?.(type, next, current);
      return { status: 200, object: asVersion(type, next), warnings: admitted.warnings };
    }
    const stored = this.store.update(storageKey(type), next, current);
    this.hooks.get(type.kind)?.afterWrite?.(type, stored, current);
    return { status: 200, object: asVersion(type, stored), warnings: admitted.warnings };
  }
}

/** managedFields compare without their timestamps: re-applying the same thing is no change. */
function withoutManagerTimes(object: KubeObject): KubeObject {
  const entries = metadataOf(object).managedFields;
  if (!Array.isArray(entries)) return object;
  return withMetadata(object, {
    managedFields: entries.map((entry) => (isPlainObject(entry) ? { ...entry, time: undefined } : entry)),
  });
}

/** Custom resources count generations; built-in kinds only where their strategy does. */
function tracksGeneration(type: ResourceType): boolean {
  return type.builtin?.generation ?? true;
}

function storageApiVersion(type: ResourceType): string {
  return apiVersionOf({ group: type.group, version: type.storageVersion });
}

/** Objects are stored in the storage version and served in the version asked for (no conversion). */
export function asVersion(type: ResourceType, object: KubeObject): KubeObject {
  return object.apiVersion === apiVersionOf(type) ? object : { ...object, apiVersion: apiVersionOf(type) };
}

/**
 * A built-in kind is decoded into its Go type, which takes apiVersion and kind from the URL when
 * the body leaves them out; only unstructured custom resources must carry them.
 */
function withDefaultTypeMeta(type: ResourceType, object: KubeObject): KubeObject {
  if (type.crdName !== undefined) return object;
  return { ...object, apiVersion: object.apiVersion ?? apiVersionOf(type), kind: object.kind ?? type.kind };
}

function checkTypeMeta(type: ResourceType, object: KubeObject): void {
  const { apiVersion, kind } = object;
  if (typeof kind !== 'string' || kind === '') {
    throw badRequest(`Object 'Kind' is missing in '${JSON.stringify(object)}'`);
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw badRequest(`Object 'apiVersion' is missing in '${JSON.stringify(object)}'`);
  }
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  if (group !== type.group) {
    throw badRequest(
      `the API version in the data (${apiVersion}) does not match the expected API version (${apiVersionOf(type)})`,
    );
  }
  if (kind !== type.kind) {
    const name = String(metadataOf(object).name ?? '');
    throw invalid(type.group, kind, name, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: "${kind}": must be ${type.kind}`,
        field: 'kind',
      },
    ]);
  }
}

function withNamespace(type: ResourceType, namespace: string, object: KubeObject): KubeObject {
  const given = namespaceOf(object);
  if (!type.namespaced) return withMetadata(object, { namespace: undefined });
  if (given !== '' && given !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  return withMetadata(object, { namespace });
}

function withName(type: ResourceType, object: KubeObject): KubeObject {
  const metadata = metadataOf(object);
  if (nameOf(object) !== '') return object;
  if (typeof metadata.generateName === 'string' && metadata.generateName !== '') {
    let suffix = '';
    for (let i = 0; i < 5; i++)
      suffix += GENERATE_NAME_ALPHABET[Math.floor(Math.random() * GENERATE_NAME_ALPHABET.length)];
    return withMetadata(object, { name: `${metadata.generateName}${suffix}` });
  }
  const causes = [
    {
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    },
  ];
  // Like every blocking error, a missing name keeps the CEL rules from running.
  const schema = schemaOf(type);
  if (schema && hasCelRules(schema)) {
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: null: ${RULES_NOT_CHECKED}`,
      field: '<nil>',
    });
  }
  throw invalid(type.group, type.kind, '', causes);
}

function withField(object: KubeObject, field: string, value: unknown): KubeObject {
  return value === undefined ? withoutField(object, field) : { ...object, [field]: value };
}

function withoutField(object: KubeObject, field: string): KubeObject {
  const { [field]: _dropped, ...rest } = object;
  return rest;
}

/**
 * metadata.generation counts changes of the desired state: everything but metadata and (with a
 * status subresource) status. Setting deletionTimestamp counts too.
 */
function specChanged(type: ResourceType, before: KubeObject, after: KubeObject): boolean {
  const desired = (object: KubeObject) => {
    const { metadata: _metadata, status, ...rest } = object;
    return type.statusSubresource ? rest : { ...rest, status };
  };
  return !sameValue(desired(before), desired(after));
}

/** The apiserver serialises unstructured objects with sorted keys; kubectl output follows it. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  ) as T;
}
