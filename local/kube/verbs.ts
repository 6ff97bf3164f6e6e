import { isPlainObject } from '../../src/schema/openapi.js';
import { deleteCrd, isCrdType } from './crd-lifecycle.js';
import { jsonPatch, mergePatch } from './json-patch.js';
import { serverSideApply } from './managed-fields.js';
import { checkMicroTimes, checkPatchedMicroTimes } from './micro-time.js';
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
import { apiVersionOf, type ResourceType, storageKey } from './resource-type.js';
import { scaleOf, writeScale } from './scale.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import {
  ApiError,
  badRequest,
  deletedStatus,
  invalid,
  namespaceNotFound,
  notFound,
  pathNotFound,
  type StatusBody,
  unsupportedMediaType,
} from './status.js';
import type { ObjectStore } from './store.js';
import { strategicMergePatch } from './strategic-merge.js';
import { parseFieldValidation } from './validation.js';
import { asVersion, type WritePath, type WriteRequest, type WriteResult } from './write-path.js';

/**
 * The REST verbs on one resource: get, list, create, update, patch, delete, deletecollection.
 * Watch is in watch.ts. Each returns the status and body to send; errors are thrown as ApiError.
 */

export interface ResourceRequest {
  type: ResourceType;
  /** '' for cluster-scoped resources and for list/watch across all namespaces. */
  namespace: string;
  name?: string;
  subresource?: string;
  query: URLSearchParams;
  userAgent: string;
}

export interface Reply {
  status: number;
  body: unknown;
  warnings?: string[];
}

/** The patch content types, and which of them custom resources accept. */
export const PATCH_CONTENT_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  apply: 'application/apply-patch+yaml',
  strategic: 'application/strategic-merge-patch+json',
} as const;

export class Verbs {
  constructor(
    private readonly store: ObjectStore,
    private readonly registry: TypeRegistry,
    private readonly writes: WritePath,
    private readonly namespaceLifecycle = false,
  ) {}

  /** NamespaceLifecycle admission: nothing is created in a namespace that does not exist. */
  private requireNamespace({ type, namespace }: ResourceRequest): void {
    if (!this.namespaceLifecycle || !type.namespaced || namespace === '') return;
    if (!this.store.get(storageKey({ group: '', plural: 'namespaces' }), '', namespace))
      throw namespaceNotFound(namespace);
  }

  get(request: ResourceRequest): Reply {
    if (isScale(request))
      return { status: 200, body: scaleOf(this.existing({ ...request, subresource: undefined })) };
    return { status: 200, body: asVersion(request.type, this.existing(request)) };
  }

  /** The objects a list (or deletecollection) selects, with the list's resourceVersion. */
  select(request: ResourceRequest): { items: KubeObject[]; revision: number } {
    const { type, query } = request;
    const labels = parseLabelSelector(query.get('labelSelector'));
    const fields = parseFieldSelector(query.get('fieldSelector'), type.selectableFields);
    const items = this.store
      .list(storageKey(type), type.namespaced && request.namespace !== '' ? request.namespace : undefined)
      .filter((object) => labels(object) && fields(object));
    return { items, revision: this.store.currentRevision() };
  }

  list(request: ResourceRequest): { items: KubeObject[]; metadata: Record<string, unknown> } {
    const { query } = request;
    let { items, revision } = this.select(request);
    const token = query.get('continue');
    if (token) {
      const position = decodeContinue(token);
      revision = position.rv;
      items = items.filter((object) => objectPosition(object) > position.start);
    }
    const limit = Number(query.get('limit') ?? 0);
    const metadata: Record<string, unknown> = { resourceVersion: String(revision) };
    if (Number.isInteger(limit) && limit > 0 && items.length > limit) {
      const page = items.slice(0, limit);
      const last = page[page.length - 1];
      if (last) metadata.continue = encodeContinue(revision, objectPosition(last));
      metadata.remainingItemCount = items.length - limit;
      items = page;
    }
    return { items: items.map((object) => asVersion(request.type, object)), metadata };
  }

  listBody(request: ResourceRequest): Record<string, unknown> {
    const { items, metadata } = this.list(request);
    // JSON lists of custom resources always carry `continue`, empty on the last page.
    return {
      apiVersion: apiVersionOf(request.type),
      items,
      kind: request.type.listKind,
      metadata: { continue: '', ...metadata },
    };
  }

  create(request: ResourceRequest, body: unknown): Reply {
    if (request.subresource) throw pathNotFound();
    const object = requireObject(body);
    checkMicroTimes(request.type, object);
    this.requireNamespace(request);
    const result = this.writes.create(this.writeRequest(request), object);
    return reply(result);
  }

  update(request: ResourceRequest, body: unknown): Reply {
    if (isScale(request)) return this.writeScale(request, { body });
    const current = this.existing(request);
    const object = requireObject(body);
    checkMicroTimes(request.type, object);
    const result = this.writes.update(this.writeRequest(request), current, object, {
      requireResourceVersion: !request.type.builtin?.unconditionalUpdate,
    });
    return reply(result);
  }

  patch(request: ResourceRequest, contentType: string, body: unknown): Reply {
    if (isScale(request)) return this.writeScale(request, { body, contentType });
    const { type, query } = request;
    const custom = type.crdName !== undefined;
    const accepted = custom
      ? [PATCH_CONTENT_TYPES.json, PATCH_CONTENT_TYPES.merge, PATCH_CONTENT_TYPES.apply]
      : [
          PATCH_CONTENT_TYPES.json,
          PATCH_CONTENT_TYPES.merge,
          PATCH_CONTENT_TYPES.strategic,
          PATCH_CONTENT_TYPES.apply,
        ];
    if (!(accepted as string[]).includes(contentType)) throw unsupportedMediaType(accepted);
    const force = query.get('force') === 'true';
    if (contentType === PATCH_CONTENT_TYPES.apply) return this.apply(request, requireObject(body), force);
    if (query.has('force')) {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [
        {
          reason: 'FieldValueForbidden',
          message: 'Forbidden: may not be specified for non-apply patch',
          field: 'force',
        },
      ]);
    }
    const current = this.existing(request);
    const served = asVersion(type, current);
    // Strategic merge by the patch hints of Kubernetes' documents; a CRD object merges like a merge patch.
    const patched =
      contentType === PATCH_CONTENT_TYPES.json
        ? jsonPatch(served, body)
        : contentType === PATCH_CONTENT_TYPES.strategic && type.builtin
          ? strategicMergePatch(served, body, type.builtin.schema)
          : mergePatch(served, body);
    if (!isPlainObject(patched)) throw badRequest('the patch did not produce an object');
    checkPatchedMicroTimes(type, patched);
    return reply(this.writes.update(this.writeRequest(request), current, patched));
  }

  private apply(request: ResourceRequest, config: KubeObject, force: boolean): Reply {
    const { type, query } = request;
    if (!query.get('fieldManager')) {
      throw invalid('meta.k8s.io', 'PatchOptions', '', [
        {
          reason: 'FieldValueRequired',
          message: 'Required value: is required for apply patch',
          field: 'fieldManager',
        },
      ]);
    }
    const writeRequest = this.writeRequest(request);
    const current = this.store.get(
      storageKey(type),
      type.namespaced ? request.namespace : '',
      request.name ?? '',
    );
    const configName = nameOf(config);
    if (configName !== '' && configName !== request.name) {
      throw badRequest(
        `the name of the object (${configName}) does not match the name on the URL (${request.name})`,
      );
    }
    const named = withMetadata(config, { name: request.name });
    const context = this.writes.context(writeRequest);
    if (!current) {
      if (request.subresource) throw notFound(type, request.name ?? '');
      this.requireNamespace(request);
      const created = serverSideApply(undefined, named, context, force);
      return reply(this.writes.create(writeRequest, created, { managedFieldsDone: true }));
    }
    const merged = serverSideApply(asVersion(type, current), named, context, force);
    return reply(
      this.writes.update(
        writeRequest,
        current,
        withMetadata(merged, { resourceVersion: resourceVersionOf(config) || undefined }),
        { managedFieldsDone: true },
      ),
    );
  }

  delete(request: ResourceRequest, body: unknown): Reply {
    const { type } = request;
    if (request.subresource) throw pathNotFound();
    const current = this.existing(request);
    const options = deleteOptions(request.query, body);
    checkPreconditions(type, current, options.preconditions);
    if (options.dryRun)
      return {
        status: 200,
        body: deletedStatus(type, nameOf(current), String(metadataOf(current).uid ?? '')),
      };
    if (isCrdType(type)) return { status: 200, body: deleteCrd(this.registry, this.store, current) };
    if (finalizersOf(current).length > 0) {
      if (metadataOf(current).deletionTimestamp) return { status: 200, body: asVersion(type, current) };
      const terminating = withMetadata(current, {
        deletionTimestamp: kubeTime(),
        deletionGracePeriodSeconds: 0,
        // As rest.BeforeDelete: only objects that keep a generation get it bumped.
        generation:
          metadataOf(current).generation === undefined
            ? undefined
            : Number(metadataOf(current).generation) + 1,
      });
      return {
        status: 200,
        body: asVersion(type, this.store.update(storageKey(type), terminating, current)),
      };
    }
    this.remove(type, current, options.propagationPolicy);
    return { status: 200, body: deletedStatus(type, nameOf(current), String(metadataOf(current).uid ?? '')) };
  }

  deleteCollection(request: ResourceRequest, body: unknown): Reply {
    const { items } = this.select(request);
    const deleted: KubeObject[] = [];
    for (const object of items) {
      const reply = this.delete({ ...request, namespace: namespaceOf(object), name: nameOf(object) }, body);
      if (isPlainObject(reply.body) && (reply.body as Partial<StatusBody>).kind !== 'Status')
        deleted.push(reply.body);
      else deleted.push(asVersion(request.type, object));
    }
    return {
      status: 200,
      body: {
        apiVersion: apiVersionOf(request.type),
        items: deleted,
        kind: request.type.listKind,
        metadata: { continue: '', resourceVersion: String(this.store.currentRevision()) },
      },
    };
  }

  /**
   * Removes an object and, as the garbage collector would, its dependents (objects whose
   * ownerReferences name it), or only their references to it for propagationPolicy=Orphan.
   * A Namespace takes its objects with it. Dependents come from the store's owner index: a scan
   * of every object on each delete made deleting 10,000 objects quadratic.
   */
  private remove(type: ResourceType, object: KubeObject, propagation: string): void {
    this.store.delete(storageKey(type), object);
    const storageTypes = this.registry.all().filter((other) => other.version === other.storageVersion);
    if (type.kind === 'Namespace' && type.group === '') {
      for (const other of storageTypes.filter((candidate) => candidate.namespaced)) {
        for (const candidate of this.store.list(storageKey(other), nameOf(object))) {
          if (this.store.get(storageKey(other), namespaceOf(candidate), nameOf(candidate)))
            this.remove(other, candidate, propagation);
        }
      }
    }
    const uid = metadataOf(object).uid;
    if (typeof uid !== 'string') return;
    for (const { key, object: dependent } of this.store.dependents(uid)) {
      const other = storageTypes.find((candidate) => storageKey(candidate) === key);
      // A dependent removed earlier in this loop (it depended on another dependent) is skipped.
      const current = this.store.get(key, namespaceOf(dependent), nameOf(dependent));
      if (!other || !current) continue;
      if (propagation !== 'Orphan') {
        this.remove(other, current, propagation);
        continue;
      }
      const references = metadataOf(current).ownerReferences as unknown[];
      const kept = references.filter((ref) => !(isPlainObject(ref) && ref.uid === uid));
      this.store.update(
        key,
        withMetadata(current, { ownerReferences: kept.length > 0 ? kept : undefined }),
        current,
      );
    }
  }

  private writeScale(request: ResourceRequest, change: { body: unknown; contentType?: string }): Reply {
    const main = { ...request, subresource: undefined };
    const current = this.existing(main);
    const { subresource: _status, ...write } = this.writeRequest(main);
    return { status: 200, body: writeScale(this.writes, write, current, change) };
  }

  private existing(request: ResourceRequest): KubeObject {
    const { type } = request;
    if (request.subresource !== undefined && !(request.subresource === 'status' && type.statusSubresource))
      throw pathNotFound();
    const found = this.store.get(
      storageKey(type),
      type.namespaced ? request.namespace : '',
      request.name ?? '',
    );
    if (!found) throw notFound(type, request.name ?? '');
    return found;
  }

  private writeRequest(request: ResourceRequest): WriteRequest {
    const { query } = request;
    const dryRun = query.getAll('dryRun');
    if (dryRun.some((value) => value !== 'All'))
      throw badRequest(`Invalid dry run value: ${dryRun.join(',')}`);
    if (
      request.subresource !== undefined &&
      !(request.subresource === 'status' && request.type.statusSubresource)
    )
      throw pathNotFound();
    return {
      type: request.type,
      namespace: request.type.namespaced ? request.namespace : '',
      ...(request.subresource === 'status' ? { subresource: 'status' as const } : {}),
      manager: query.get('fieldManager') || managerFromUserAgent(request.userAgent),
      fieldValidation: parseFieldValidation(query.get('fieldValidation')),
      dryRun: dryRun.length > 0,
    };
  }
}

/** `/scale` of a kind whose document has one. */
function isScale(request: ResourceRequest): boolean {
  return request.subresource === 'scale' && request.type.builtin?.scale === true;
}

function reply(result: WriteResult): Reply {
  return { status: result.status, body: result.object, warnings: result.warnings };
}

/** As the apiserver: without ?fieldManager, the user agent up to its first "/" names the manager. */
export function managerFromUserAgent(userAgent: string): string {
  return (userAgent.split('/')[0] ?? '').slice(0, 128) || 'unknown';
}

function requireObject(body: unknown): KubeObject {
  if (!isPlainObject(body)) throw badRequest('the request body must be a JSON or YAML object');
  return body;
}

interface DeleteOptions {
  propagationPolicy: string;
  dryRun: boolean;
  preconditions: { uid?: string; resourceVersion?: string };
}

function deleteOptions(query: URLSearchParams, body: unknown): DeleteOptions {
  const options = isPlainObject(body) ? body : {};
  const propagationPolicy = String(
    options.propagationPolicy ?? query.get('propagationPolicy') ?? 'Background',
  );
  if (!['Orphan', 'Background', 'Foreground'].includes(propagationPolicy)) {
    throw invalid('meta.k8s.io', 'DeleteOptions', '', [
      {
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: "${propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`,
        field: 'propagationPolicy',
      },
    ]);
  }
  const dryRun =
    (Array.isArray(options.dryRun) && options.dryRun.length > 0) || query.getAll('dryRun').length > 0;
  const preconditions = isPlainObject(options.preconditions) ? options.preconditions : {};
  return {
    propagationPolicy,
    dryRun,
    preconditions: {
      ...(typeof preconditions.uid === 'string' ? { uid: preconditions.uid } : {}),
      ...(typeof preconditions.resourceVersion === 'string'
        ? { resourceVersion: preconditions.resourceVersion }
        : {}),
    },
  };
}

function checkPreconditions(
  type: ResourceType,
  object: KubeObject,
  preconditions: DeleteOptions['preconditions'],
): void {
  const metadata = metadataOf(object);
  const fail = (message: string) =>
    new ApiError({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Operation cannot be fulfilled on ${type.kind}.${type.group} "${nameOf(object)}": ${message}`,
      reason: 'Conflict',
      details: { name: nameOf(object), group: type.group, kind: type.kind },
      code: 409,
    });
  if (preconditions.uid !== undefined && preconditions.uid !== metadata.uid) {
    throw fail(
      `the UID in the precondition (${preconditions.uid}) does not match the UID in record (${String(metadata.uid)}). The object might have been deleted and then recreated`,
    );
  }
  if (
    preconditions.resourceVersion !== undefined &&
    preconditions.resourceVersion !== metadata.resourceVersion
  ) {
    throw fail(
      `the ResourceVersion in the precondition (${preconditions.resourceVersion}) does not match the ResourceVersion in record (${String(metadata.resourceVersion)}). The object might have been modified`,
    );
  }
}

/** Continue tokens: where the previous page ended, as the apiserver's base64 JSON tokens. */
function objectPosition(object: KubeObject): string {
  return `${namespaceOf(object)}/${nameOf(object)}`;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${start}\u0000` })).toString(
    'base64url',
  );
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isPlainObject(parsed) && typeof parsed.rv === 'number' && typeof parsed.start === 'string') {
      return {
        rv: parsed.rv,
        start: parsed.start.endsWith('\u0000') ? parsed.start.slice(0, -1) : parsed.start,
      };
    }
  } catch {
    // fall through to the error below
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}
