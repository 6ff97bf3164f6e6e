import { isPlainObject } from '../../src/schema/openapi.js';
import type { ResourceType } from './resource-type.js';

/**
 * The OpenAPI of custom resources (openapi-publisher.ts serves it with the built-in kinds' own
 * documents), shaped like the apiserver's CRD OpenAPI: kubectl reads the `fieldValidation`
 * parameter of PATCH to choose server-side validation, the PATCH content types to choose a patch
 * type, and the schemas for `kubectl explain`.
 */

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/** The metav1 definitions every document references (enough for explain to resolve metadata). */
function metaDefinitions(ref: (name: string) => string): Record<string, unknown> {
  const string = { type: 'string' };
  return {
    [`${META}.ObjectMeta`]: {
      description:
        'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.',
      type: 'object',
      properties: {
        annotations: {
          type: 'object',
          additionalProperties: string,
          description: 'Annotations is an unstructured key value map.',
        },
        creationTimestamp: {
          $ref: ref(`${META}.Time`),
          description:
            'CreationTimestamp is a timestamp representing the server time when this object was created.',
        },
        deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
        deletionTimestamp: { $ref: ref(`${META}.Time`) },
        finalizers: { type: 'array', items: string, 'x-kubernetes-list-type': 'set' },
        generateName: string,
        generation: { type: 'integer', format: 'int64' },
        labels: {
          type: 'object',
          additionalProperties: string,
          description: 'Map of string keys and values that can be used to organize and categorize objects.',
        },
        managedFields: { type: 'array', items: { $ref: ref(`${META}.ManagedFieldsEntry`) } },
        name: { type: 'string', description: 'Name must be unique within a namespace.' },
        namespace: {
          type: 'string',
          description: 'Namespace defines the space within which each name must be unique.',
        },
        ownerReferences: {
          type: 'array',
          items: { $ref: ref(`${META}.OwnerReference`) },
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['uid'],
        },
        resourceVersion: string,
        selfLink: string,
        uid: string,
      },
    },
    [`${META}.ListMeta`]: {
      type: 'object',
      properties: {
        continue: string,
        remainingItemCount: { type: 'integer', format: 'int64' },
        resourceVersion: string,
        selfLink: string,
      },
    },
    [`${META}.ManagedFieldsEntry`]: {
      type: 'object',
      properties: {
        apiVersion: string,
        fieldsType: string,
        fieldsV1: { $ref: ref(`${META}.FieldsV1`) },
        manager: string,
        operation: string,
        subresource: string,
        time: { $ref: ref(`${META}.Time`) },
      },
    },
    [`${META}.FieldsV1`]: { type: 'object' },
    [`${META}.Time`]: { type: 'string', format: 'date-time' },
    [`${META}.OwnerReference`]: {
      type: 'object',
      required: ['apiVersion', 'kind', 'name', 'uid'],
      properties: {
        apiVersion: string,
        blockOwnerDeletion: { type: 'boolean' },
        controller: { type: 'boolean' },
        kind: string,
        name: string,
        uid: string,
      },
      'x-kubernetes-map-type': 'atomic',
    },
    [`${META}.Status`]: {
      type: 'object',
      properties: { code: { type: 'integer' }, message: string, reason: string, status: string },
    },
    [`${META}.DeleteOptions`]: {
      type: 'object',
      properties: {
        dryRun: { type: 'array', items: string },
        gracePeriodSeconds: { type: 'integer' },
        propagationPolicy: string,
      },
    },
    [`${META}.Patch`]: { type: 'object' },
  };
}

/** Reverse-DNS definition name: failover.switchyard.dev/v1alpha1 Failover → dev.switchyard.failover.v1alpha1.Failover. */
export function definitionName(type: ResourceType, kind = type.kind): string {
  if (type.group === '') return `io.k8s.api.core.${type.version}.${kind}`;
  const reversed = type.group.split('.').reverse().join('.');
  return `${reversed}.${type.version}.${kind}`;
}

function gvk(type: ResourceType) {
  return [{ group: type.group, kind: type.kind, version: type.version }];
}

/** The published schema of a kind: the CRD schema with the apiserver's metadata/apiVersion/kind. */
function objectSchema(
  type: ResourceType,
  ref: (name: string) => string,
  v2: boolean,
): Record<string, unknown> {
  const base = (type.schemaVersion?.schema ?? {
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
  }) as Record<string, unknown>;
  const schema = v2 ? toV2Schema(base) : structuredClone(base);
  const properties = isPlainObject(schema.properties) ? schema.properties : {};
  const metadataRef = v2
    ? { $ref: ref(`${META}.ObjectMeta`) }
    : { allOf: [{ $ref: ref(`${META}.ObjectMeta`) }] };
  return {
    ...schema,
    type: 'object',
    properties: {
      ...properties,
      apiVersion: {
        type: 'string',
        description: 'APIVersion defines the versioned schema of this representation of an object.',
      },
      kind: {
        type: 'string',
        description: 'Kind is a string value representing the REST resource this object represents.',
      },
      metadata: { description: "Standard object's metadata.", ...metadataRef },
    },
    'x-kubernetes-group-version-kind': gvk(type),
  };
}

/** OpenAPI v2 has no nullable/anyOf-style keywords the apiserver publishes there; drop them. */
function toV2Schema(schema: unknown): Record<string, unknown> {
  if (!isPlainObject(schema)) return {};
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (['nullable', 'anyOf', 'oneOf', 'not', 'x-kubernetes-validations'].includes(key)) continue;
    if (key === 'properties' && isPlainObject(value)) {
      result.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, toV2Schema(child)]),
      );
    } else if ((key === 'items' || key === 'additionalProperties') && isPlainObject(value)) {
      result[key] = toV2Schema(value);
    } else if (key === 'allOf' && Array.isArray(value)) {
      result.allOf = value.map(toV2Schema);
    } else result[key] = value;
  }
  return result;
}

function listSchema(type: ResourceType, ref: (name: string) => string): Record<string, unknown> {
  return {
    description: `${type.listKind} is a list of ${type.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { type: 'string' },
      items: { type: 'array', items: { $ref: ref(definitionName(type)) } },
      kind: { type: 'string' },
      metadata: { $ref: ref(`${META}.ListMeta`) },
    },
    'x-kubernetes-group-version-kind': [{ group: type.group, kind: type.listKind, version: type.version }],
  };
}

interface Operation {
  path: string;
  method: 'get' | 'put' | 'post' | 'patch' | 'delete';
  action: string;
  operationId: string;
  query: string[];
}

const WRITE_QUERY = ['dryRun', 'fieldManager', 'fieldValidation'];
const LIST_QUERY = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

function operationsOf(type: ResourceType): Operation[] {
  const prefix = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const collection = type.namespaced
    ? `${prefix}/namespaces/{namespace}/${type.plural}`
    : `${prefix}/${type.plural}`;
  const item = `${collection}/{name}`;
  const id = (verb: string, suffix = '') =>
    `${verb}${upperFirst(type.group.split('.')[0] ?? '')}${upperFirst(type.version)}${type.namespaced ? 'Namespaced' : ''}${type.kind}${suffix}`;
  const ops: Operation[] = [
    { path: collection, method: 'get', action: 'list', operationId: id('list'), query: LIST_QUERY },
    { path: collection, method: 'post', action: 'post', operationId: id('create'), query: WRITE_QUERY },
    { path: item, method: 'get', action: 'get', operationId: id('read'), query: ['resourceVersion'] },
    { path: item, method: 'put', action: 'put', operationId: id('replace'), query: WRITE_QUERY },
    {
      path: item,
      method: 'patch',
      action: 'patch',
      operationId: id('patch'),
      query: [...WRITE_QUERY, 'force'],
    },
    {
      path: item,
      method: 'delete',
      action: 'delete',
      operationId: id('delete'),
      query: ['dryRun', 'gracePeriodSeconds', 'propagationPolicy'],
    },
  ];
  if (type.statusSubresource) {
    const status = `${item}/status`;
    ops.push(
      {
        path: status,
        method: 'get',
        action: 'get',
        operationId: id('read', 'Status'),
        query: ['resourceVersion'],
      },
      {
        path: status,
        method: 'put',
        action: 'put',
        operationId: id('replace', 'Status'),
        query: WRITE_QUERY,
      },
      {
        path: status,
        method: 'patch',
        action: 'patch',
        operationId: id('patch', 'Status'),
        query: [...WRITE_QUERY, 'force'],
      },
    );
  }
  return ops;
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pathParameters(path: string, v2: boolean): Record<string, unknown>[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) =>
    v2
      ? { name, in: 'path', required: true, type: 'string', uniqueItems: true }
      : { name, in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
  );
}

function queryParameter(name: string, v2: boolean): Record<string, unknown> {
  const type = ['limit', 'timeoutSeconds', 'gracePeriodSeconds'].includes(name)
    ? 'integer'
    : ['watch', 'allowWatchBookmarks', 'force', 'sendInitialEvents'].includes(name)
      ? 'boolean'
      : 'string';
  return v2
    ? { name, in: 'query', type, uniqueItems: true }
    : { name, in: 'query', schema: { type, uniqueItems: true } };
}

function buildPaths(
  types: ResourceType[],
  v2: boolean,
  ref: (name: string) => string,
): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const type of types) {
    const objectRef = { $ref: ref(definitionName(type)) };
    for (const op of operationsOf(type)) {
      const parameters = pathParameters(op.path, v2);
      const entry = paths[op.path] ?? (parameters.length > 0 ? { parameters } : {});
      paths[op.path] = entry;
      const operation: Record<string, unknown> = {
        operationId: op.operationId,
        parameters: op.query.map((name) => queryParameter(name, v2)),
        'x-kubernetes-action': op.action,
        'x-kubernetes-group-version-kind': { group: type.group, version: type.version, kind: type.kind },
      };
      const bodySchema = op.method === 'patch' ? { $ref: ref(`${META}.Patch`) } : objectRef;
      const contentTypes = op.method === 'patch' ? PATCH_TYPES : ['application/json', 'application/yaml'];
      if (op.method === 'put' || op.method === 'post' || op.method === 'patch') {
        if (v2) {
          operation.consumes = contentTypes;
          (operation.parameters as unknown[]).unshift({
            name: 'body',
            in: 'body',
            required: true,
            schema: bodySchema,
          });
        } else {
          operation.requestBody = {
            content: Object.fromEntries(contentTypes.map((t) => [t, { schema: bodySchema }])),
            required: true,
          };
        }
      }
      const responseSchema =
        op.action === 'list'
          ? { $ref: ref(definitionName(type, type.listKind)) }
          : op.method === 'delete'
            ? { $ref: ref(`${META}.Status`) }
            : objectRef;
      operation.responses = v2
        ? { '200': { description: 'OK', schema: responseSchema } }
        : { '200': { description: 'OK', content: { 'application/json': { schema: responseSchema } } } };
      if (v2) operation.produces = ['application/json', 'application/yaml'];
      entry[op.method] = operation;
    }
  }
  return paths;
}

function schemasFor(
  types: ResourceType[],
  v2: boolean,
  ref: (name: string) => string,
): Record<string, unknown> {
  const schemas: Record<string, unknown> = metaDefinitions(ref);
  for (const type of types) {
    schemas[definitionName(type)] = objectSchema(type, ref, v2);
    schemas[definitionName(type, type.listKind)] = listSchema(type, ref);
  }
  return schemas;
}

const v3Ref = (name: string) => `#/components/schemas/${name}`;
const v2Ref = (name: string) => `#/definitions/${name}`;

/** The v3 document of one group-version of custom resources (`types` are its kinds). */
export function openApiV3Document(types: ResourceType[]): Record<string, unknown> | undefined {
  if (types.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths: buildPaths(types, false, v3Ref),
    components: { schemas: schemasFor(types, false, v3Ref) },
  };
}

/** The v2 paths and definitions of custom resources. */
export function openApiV2Parts(types: ResourceType[]): {
  paths: Record<string, unknown>;
  definitions: Record<string, unknown>;
} {
  return { paths: buildPaths(types, true, v2Ref), definitions: schemasFor(types, true, v2Ref) };
}
