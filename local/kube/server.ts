import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenError } from '../listen-error.js';
import { CRD_TYPE } from './builtins.js';
import { crdHooks } from './crd-lifecycle.js';
import { deploymentStatusHooks } from './deployment-status.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery.js';
import { decodeBody, mediaType, readBody, sendError, sendJson } from './http-io.js';
import { type KubeObject, resourceVersionOf } from './object-meta.js';
import { OPENAPI_V2_PROTOBUF } from './openapi-protobuf.js';
import { OpenApiPublisher } from './openapi-publisher.js';
import { loadState, persistChanges } from './persistence.js';
import {
  decodeProtobufDeleteOptions,
  decodeProtobufObject,
  decodesProtobuf,
  PROTOBUF_MEDIA_TYPE,
} from './protobuf.js';
import { TypeRegistry } from './registry.js';
import { type ResourceType, storageKey } from './resource-type.js';
import { ApiError, pathNotFound, unsupportedMediaType } from './status.js';
import { ObjectStore } from './store.js';
import { type IncludeObject, toTable } from './table.js';
import { type ResourceRequest, Verbs } from './verbs.js';
import { serveWatch } from './watch.js';
import { WritePath } from './write-path.js';

/**
 * The emulator's HTTP server: routes discovery, OpenAPI and resource paths, negotiates Table
 * output, and turns every failure into a Status response (never a crash).
 */

export interface KubeEmulatorOptions {
  port?: number;
  host?: string;
  /** Interval of BOOKMARK events on watches that allow them (default 10 s). */
  bookmarkIntervalMs?: number;
  /** Events kept per resource for watch replay (default 1000). */
  watchCacheSize?: number;
  /** Keep objects in `<stateDir>/objects.json` across restarts. */
  stateDir?: string;
  /**
   * NamespaceLifecycle admission, as a real cluster has it: creating a namespaced object in a
   * namespace that does not exist is 404 `namespaces "x" not found`. Off by default: the embedded
   * platform and many `npm test` fixtures create objects in namespaces they never created (ADR 0019).
   */
  namespaceLifecycle?: boolean;
}

export interface KubeEmulator {
  url: string;
  port: number;
  registry: TypeRegistry;
  store: ObjectStore;
  close(): Promise<void>;
}

const JSON_YAML_CONTENT_TYPES = ['application/json', 'application/yaml'];
/** What the apiserver lists in its 415 for built-in kinds and custom resources alike. */
const OBJECT_CONTENT_TYPES = [...JSON_YAML_CONTENT_TYPES, PROTOBUF_MEDIA_TYPE];
const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export class KubeApi {
  readonly registry = new TypeRegistry();
  readonly store: ObjectStore;
  private readonly openApi = new OpenApiPublisher(this.registry);
  private readonly verbs: Verbs;

  constructor(private readonly options: KubeEmulatorOptions = {}) {
    this.store = new ObjectStore(1, options.watchCacheSize);
    const writes = new WritePath(
      this.store,
      this.registry,
      new Map([
        [CRD_TYPE.kind, crdHooks(this.registry, this.store)],
        ['Deployment', deploymentStatusHooks(this.store)],
      ]),
    );
    this.verbs = new Verbs(this.store, this.registry, writes, options.namespaceLifecycle ?? false);
    const startCaches = () => {
      for (const type of this.registry.all()) this.store.ensureResource(storageKey(type));
    };
    startCaches();
    this.registry.onChange(startCaches);
  }

  /** The namespaces a fresh cluster has. */
  seedNamespaces(): void {
    const namespaces = this.registry.find('', 'v1', 'namespaces');
    if (!namespaces) return;
    for (const name of DEFAULT_NAMESPACES) {
      if (this.store.get(storageKey(namespaces), '', name)) continue;
      this.verbs.create(
        { type: namespaces, namespace: '', query: new URLSearchParams(), userAgent: 'switchyard-kube' },
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name },
          spec: { finalizers: ['kubernetes'] },
          status: { phase: 'Active' },
        },
      );
    }
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      await this.route(request, response);
    } catch (error) {
      sendError(response, this.asBuiltinNotFound(request.url ?? '/', error));
    }
  }

  /**
   * Under /api and the built-in groups' /apis/<group> the apiserver's REST container answers
   * unknown paths with a NotFound Status; only other paths (unknown groups, custom resources'
   * groups) get the mux's plain-text 404.
   */
  private asBuiltinNotFound(path: string, error: unknown): unknown {
    if (!(error instanceof ApiError) || error.plainText === undefined) return error;
    const [first, second] = new URL(path, 'http://localhost').pathname.split('/').filter(Boolean);
    const builtinGroup =
      first === 'apis' && this.registry.all().some((type) => type.builtin && type.group === second);
    return first === 'api' || builtinGroup ? new ApiError(error.body) : error;
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    const method = request.method ?? 'GET';
    if (url.pathname === '/openapi/v2' && method === 'GET') {
      this.serveOpenApiV2(request.headers.accept, response);
      return;
    }
    const document = this.document(segments, request.headers.host ?? '');
    if (document !== undefined) {
      if (method !== 'GET') throw pathNotFound();
      sendJson(response, 200, document);
      return;
    }
    const resource = this.resolve(segments, url.searchParams, request.headers['user-agent'] ?? '');
    if (!resource) throw pathNotFound();
    await this.serveResource(method, resource, request, response);
  }

  /**
   * /openapi/v2 in the first acceptable form: JSON, or gnostic's protobuf, which client-go's
   * discovery (kubectl, helm) asks for; 406 when neither is acceptable, as kube-openapi answers.
   */
  private serveOpenApiV2(accept: string | undefined, response: ServerResponse): void {
    for (const clause of acceptClauses(accept ?? '*/*')) {
      if (['*/*', 'application/*', 'application/json'].includes(clause)) {
        sendJson(response, 200, this.openApi.v2Json());
        return;
      }
      if (PROTOBUF_V2_ACCEPT.includes(clause)) {
        const body = this.openApi.v2Protobuf();
        response.writeHead(200, {
          'Content-Type': OPENAPI_V2_PROTOBUF,
          'Content-Length': String(body.length),
          'Cache-Control': 'no-cache, private',
          Vary: 'Accept',
        });
        response.end(body);
        return;
      }
    }
    response.writeHead(406, { Vary: 'Accept', 'Content-Length': '0' });
    response.end();
  }

  /** Discovery, version and OpenAPI documents; undefined when the path is not one of them. */
  private document(segments: string[], host: string): unknown {
    const [first, second, third, fourth] = segments;
    const path = segments.join('/');
    if (path === 'version') return SERVER_VERSION;
    if (path === 'healthz' || path === 'readyz' || path === 'livez') return 'ok';
    if (path === 'api') return apiVersions(host);
    if (path === 'api/v1') return apiResourceList(this.registry, '', 'v1');
    if (path === 'apis') return apiGroupList(this.registry);
    if (first === 'apis' && second && segments.length === 2)
      return apiGroup(this.registry, second) ?? missing();
    if (first === 'apis' && second && third && segments.length === 3)
      return apiResourceList(this.registry, second, third) ?? missing();
    if (path === 'openapi/v3') return this.openApi.v3Index();
    if (first === 'openapi' && second === 'v3') {
      const doc =
        third === 'api' && fourth && segments.length === 4
          ? this.openApi.v3Document('', fourth)
          : third === 'apis' && fourth && segments[4] && segments.length === 5
            ? this.openApi.v3Document(fourth, segments[4])
            : undefined;
      return doc ?? missing();
    }
    return undefined;
  }

  /** /api/v1/... and /apis/<group>/<version>/... → the resource, namespace, name and subresource. */
  private resolve(
    segments: string[],
    query: URLSearchParams,
    userAgent: string,
  ): ResourceRequest | undefined {
    let group: string;
    let rest: string[];
    if (segments[0] === 'api') {
      group = '';
      rest = segments.slice(1);
    } else if (segments[0] === 'apis') {
      group = segments[1] ?? '';
      rest = segments.slice(2);
    } else return undefined;
    const [version, ...path] = rest;
    if (!version || path.length === 0) return undefined;
    let namespace = '';
    let parts = path;
    // namespaces/<ns>/<plural>/... is a namespaced path unless <plural> is a Namespace subresource.
    if (path[0] === 'namespaces' && path.length >= 3 && this.registry.find(group, version, path[2] ?? '')) {
      namespace = path[1] ?? '';
      parts = path.slice(2);
    }
    const [plural, name, subresource, ...extra] = parts;
    if (!plural || extra.length > 0) return undefined;
    const type = this.registry.find(group, version, plural);
    if (!type) return undefined;
    if (namespace !== '' && !type.namespaced) return undefined;
    return {
      type,
      namespace,
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
      query,
      userAgent,
    };
  }

  private async serveResource(
    method: string,
    resource: ResourceRequest,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const { type, query } = resource;
    const accept = request.headers.accept ?? '';
    const asTable = /;\s*as=Table/.test(accept);
    const contentType = mediaType(request.headers['content-type']);
    /** The body as JSON; protobuf is decoded by `protobuf` when given (object and delete bodies). */
    const readJson = async (protobuf?: (raw: Buffer, type: ResourceType) => unknown): Promise<unknown> => {
      const raw = await readBody(request);
      if (protobuf && contentType === PROTOBUF_MEDIA_TYPE) return protobuf(raw, type);
      return raw.length === 0 ? undefined : decodeBody(raw, contentType, type.kind);
    };
    /** POST and PUT bodies; checked before the body is read, as the apiserver negotiates first. */
    const readObject = async (): Promise<unknown> => {
      if (contentType === PROTOBUF_MEDIA_TYPE && !decodesProtobuf(type)) {
        // Custom resources and CRDs: the emulator reads them as JSON or YAML only.
        throw unsupportedMediaType(JSON_YAML_CONTENT_TYPES);
      }
      if (!OBJECT_CONTENT_TYPES.includes(contentType)) throw unsupportedMediaType(OBJECT_CONTENT_TYPES);
      return readJson(decodeProtobufObject);
    };
    if (resource.name === undefined) {
      if (method === 'GET' && (query.get('watch') === 'true' || query.get('watch') === '1')) {
        serveWatch(this.store, response, {
          type,
          namespace: resource.namespace,
          query,
          asTable,
          bookmarkIntervalMs: this.options.bookmarkIntervalMs ?? 10_000,
        });
        return;
      }
      if (method === 'GET') {
        if (!asTable) {
          sendJson(response, 200, this.verbs.listBody(resource));
          return;
        }
        const { items, metadata } = this.verbs.list(resource);
        sendJson(response, 200, toTable(type, items, metadata, { includeObject: includeObject(query) }));
        return;
      }
      if (method === 'POST') {
        const reply = this.verbs.create(resource, await readObject());
        sendJson(response, reply.status, reply.body, reply.warnings);
        return;
      }
      if (method === 'DELETE') {
        const reply = this.verbs.deleteCollection(resource, await readJson(decodeProtobufDeleteOptions));
        sendJson(response, reply.status, reply.body);
        return;
      }
      throw pathNotFound();
    }
    let reply: { status: number; body: unknown; warnings?: string[] };
    if (method === 'GET') {
      reply = this.verbs.get(resource);
      if (asTable)
        reply = {
          status: 200,
          body: toTable(
            type,
            [reply.body as KubeObject],
            { resourceVersion: resourceVersionOf(reply.body as KubeObject) },
            { includeObject: includeObject(query) },
          ),
        };
    } else if (method === 'PUT') {
      reply = this.verbs.update(resource, await readObject());
    } else if (method === 'PATCH') {
      // Patches are never protobuf: the patch verb's 415 comes before the body is read.
      const body = contentType === PROTOBUF_MEDIA_TYPE ? undefined : await readJson();
      reply = this.verbs.patch(resource, contentType, body);
    } else if (method === 'DELETE') {
      reply = this.verbs.delete(resource, await readJson(decodeProtobufDeleteOptions));
    } else throw pathNotFound();
    sendJson(response, reply.status, reply.body, reply.warnings);
  }
}

/** The protobuf media types kube-openapi serves v2 for (the `@` form is what client-go sends). */
const PROTOBUF_V2_ACCEPT = [
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
];

/** Media types of an Accept header, most preferred first (by q, then as listed; q=0 dropped). */
function acceptClauses(accept: string): string[] {
  return accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...parameters] = part.split(';').map((item) => item.trim());
      const q = parameters.find((parameter) => parameter.startsWith('q='));
      return { type: type.toLowerCase(), q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((clause) => clause.type !== '' && clause.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((clause) => clause.type);
}

function missing(): never {
  throw pathNotFound();
}

function includeObject(query: URLSearchParams): IncludeObject {
  const value = query.get('includeObject');
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

/** Starts the emulator on a port (0 = a free one). */
export async function startKubeEmulator(
  options: KubeEmulatorOptions = {},
  api = new KubeApi(options),
): Promise<KubeEmulator> {
  if (options.stateDir) loadState(options.stateDir, api.store, api.registry);
  api.seedNamespaces();
  const stopPersisting = options.stateDir ? persistChanges(options.stateDir, api.store) : () => {};
  const server: Server = createServer((request, response) => {
    void api.handle(request, response);
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    stopPersisting();
    throw listenError(error, host, options.port ?? 0, 'Kubernetes API');
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    registry: api.registry,
    store: api.store,
    close: () =>
      new Promise<void>((resolve) => {
        stopPersisting();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
