/**
 * A small Kubernetes API client for the in-process controllers (local/crossplane's runtime, the
 * workload status stand-in): the kubeconfig is read by @kubernetes/client-node (server, TLS,
 * credentials), requests and answers are plain JSON, watches are read line by line. client-node's
 * typed APIs are not used: controllers here read and write custom resources as JSON. Works the
 * same against the emulator (local/kube) and a real apiserver.
 */
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { isPlainObject } from '../../src/schema/openapi.js';
import { sendJson } from './http.js';

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata: Record<string, unknown> & { name?: string; namespace?: string; uid?: string };
};

/** A refused request: the apiserver's status code and its Status message. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason = '',
  ) {
    super(message);
  }
}

export const isNotFound = (error: unknown) => error instanceof KubeApiError && error.status === 404;
export const isConflict = (error: unknown) => error instanceof KubeApiError && error.status === 409;

/** A served resource type, as discovery lists it. */
export interface ApiResource {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const MERGE_PATCH = 'application/merge-patch+json';
export const APPLY_PATCH = 'application/apply-patch+yaml';

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: KubeObject;
}

const RETRYABLE = new Set([429, 503]);
const MAX_ATTEMPTS = 10;

export class KubeClient {
  private readonly discovery = new Map<string, Promise<ApiResource[]>>();
  private credentials?: Promise<RequestOptions & Record<string, unknown>>;
  // Keep-alive: controllers send hundreds of small requests; a connection each would dominate.
  private readonly agent: HttpAgent;

  private constructor(
    private readonly config: KubeConfig,
    readonly server: string,
    readonly userAgent: string,
  ) {
    this.agent = server.startsWith('https:')
      ? new HttpsAgent({ keepAlive: true, maxSockets: 16 })
      : new HttpAgent({ keepAlive: true, maxSockets: 16 });
  }

  static fromKubeconfig(path: string, options: { context?: string; userAgent?: string } = {}): KubeClient {
    const config = new KubeConfig();
    config.loadFromFile(path);
    if (options.context) config.setCurrentContext(options.context);
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new Error(`kubeconfig ${path} names no current cluster`);
    return new KubeClient(config, server.replace(/\/+$/, ''), options.userAgent ?? 'switchyard-local');
  }

  /** The served type of `apiVersion`/`kind`; a miss re-reads discovery once (a CRD may have arrived). */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const find = async () => (await this.resourcesOf(apiVersion)).find((resource) => resource.kind === kind);
    const cached = await find();
    if (cached) return cached;
    this.discovery.delete(apiVersion);
    return find();
  }

  async requireResource(apiVersion: string, kind: string): Promise<ApiResource> {
    const resource = await this.resourceFor(apiVersion, kind);
    if (!resource) throw new KubeApiError(404, `the server does not serve ${kind}.${apiVersion}`, 'NotFound');
    return resource;
  }

  async get(path: string): Promise<KubeObject | undefined> {
    try {
      return asObject(await this.request('GET', path));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** One object of a served type, or undefined when there is none of that name. */
  read(resource: ApiResource, namespace: string | undefined, name: string): Promise<KubeObject | undefined> {
    return this.get(objectPath(resource, { metadata: { name, ...(namespace ? { namespace } : {}) } }));
  }

  /** Items with their apiVersion and kind (list items carry none), and the list's resourceVersion. */
  async list(resource: ApiResource, query = ''): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const list = await this.request('GET', `${collectionPath(resource)}${query ? `?${query}` : ''}`);
    const body = isPlainObject(list) ? list : {};
    const items = Array.isArray(body.items) ? body.items.filter(isPlainObject) : [];
    const metadata = isPlainObject(body.metadata) ? body.metadata : {};
    return {
      items: items.map(
        (item) => ({ apiVersion: resource.apiVersion, kind: resource.kind, ...item }) as KubeObject,
      ),
      resourceVersion: String(metadata.resourceVersion ?? ''),
    };
  }

  /**
   * Events after `resourceVersion`, one call of `onEvent` per line, until the server ends the
   * stream or `signal` aborts. An ERROR event (410 Expired) is passed on: the caller re-lists.
   */
  watch(
    resource: ApiResource,
    resourceVersion: string,
    onEvent: (event: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const query = new URLSearchParams({ watch: '1', allowWatchBookmarks: 'true', resourceVersion });
    const url = new URL(`${this.server}${collectionPath(resource)}?${query}`);
    return new Promise((resolve, reject) => {
      if (signal.aborted) return resolve();
      void this.options('GET').then((base) => {
        // The watch holds its connection for its whole life: not one of the pool's.
        const options = { ...base, agent: false as const, timeout: 0, signal };
        const req = transport(url)(url, options, (res) => {
          if ((res.statusCode ?? 0) >= 300) {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => reject(apiError(res.statusCode ?? 0, Buffer.concat(chunks).toString())));
            return;
          }
          let pending = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            pending += chunk;
            let newline = pending.indexOf('\n');
            while (newline >= 0) {
              const line = pending.slice(0, newline).trim();
              pending = pending.slice(newline + 1);
              if (line) onEvent(JSON.parse(line) as WatchEvent);
              newline = pending.indexOf('\n');
            }
          });
          res.on('end', () => resolve());
          res.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
        });
        req.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
        req.end();
      }, reject);
    });
  }

  /** Server-side apply under `fieldManager`, taking fields over from other managers, as controllers do. */
  async apply(resource: ApiResource, object: KubeObject, fieldManager: string, status = false) {
    const query = new URLSearchParams({ fieldManager, force: 'true' });
    const path = `${objectPath(resource, object)}${status ? '/status' : ''}?${query}`;
    return asObject(await this.request('PATCH', path, object, APPLY_PATCH));
  }

  async mergePatch(
    resource: ApiResource,
    object: KubeObject,
    patch: Record<string, unknown>,
    options: { status?: boolean; fieldManager: string },
  ) {
    const query = new URLSearchParams({ fieldManager: options.fieldManager });
    const path = `${objectPath(resource, object)}${options.status ? '/status' : ''}?${query}`;
    return asObject(await this.request('PATCH', path, patch, MERGE_PATCH));
  }

  /** Deletes with background propagation; an object already gone is not an error. */
  async delete(resource: ApiResource, object: KubeObject): Promise<void> {
    try {
      await this.request('DELETE', objectPath(resource, object), {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy: 'Background',
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /**
   * One request; answers that say "try again" (429, e.g. a new CRD's storage still initializing,
   * and 503) are retried after their Retry-After (1 s without one), as client-go does.
   */
  async request(method: string, path: string, body?: unknown, contentType = 'application/json') {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.send(method, path, body, contentType);
      if (answer.status >= 200 && answer.status < 300) return parseJson(answer.text);
      if (RETRYABLE.has(answer.status) && attempt < MAX_ATTEMPTS) {
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(Number(answer.retryAfter) || 1, 10) * 1_000),
        );
        continue;
      }
      throw apiError(answer.status, answer.text);
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private resourcesOf(apiVersion: string): Promise<ApiResource[]> {
    let pending = this.discovery.get(apiVersion);
    if (!pending) {
      pending = this.request('GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`)
        .then((list) => discoveryEntries(list, apiVersion))
        .catch((error: unknown) => {
          this.discovery.delete(apiVersion);
          if (isNotFound(error)) return [];
          throw error;
        });
      this.discovery.set(apiVersion, pending);
    }
    return pending;
  }

  /**
   * The request options every call shares: credentials and TLS material from the kubeconfig, read
   * once (client-node would hand out a fresh agent without keep-alive per call).
   */
  private async options(method: string): Promise<RequestOptions & Record<string, unknown>> {
    this.credentials ??= (async () => {
      const options: RequestOptions & Record<string, unknown> = { headers: {} };
      await this.config.applyToHTTPSOptions(options);
      const { agent: _agent, ...rest } = options;
      return rest;
    })();
    const credentials = await this.credentials;
    return {
      ...credentials,
      method,
      agent: this.agent,
      headers: { ...credentials.headers, Accept: 'application/json', 'User-Agent': this.userAgent },
      timeout: 30_000,
    };
  }

  private async send(method: string, path: string, body: unknown, contentType: string) {
    const url = new URL(`${this.server}${path}`);
    const options = await this.options(method);
    return sendJson(url, options, body, contentType, `${method} ${path}`);
  }
}

export function collectionPath(resource: ApiResource, namespace?: string): string {
  const base = resource.apiVersion.includes('/')
    ? `/apis/${resource.apiVersion}`
    : `/api/${resource.apiVersion}`;
  const scope = resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${resource.plural}`;
}

export function objectPath(resource: ApiResource, object: KubeObject): string {
  const namespace = resource.namespaced ? String(object.metadata.namespace ?? 'default') : undefined;
  return `${collectionPath(resource, namespace)}/${encodeURIComponent(String(object.metadata.name))}`;
}

function discoveryEntries(list: unknown, apiVersion: string): ApiResource[] {
  const resources = isPlainObject(list) && Array.isArray(list.resources) ? list.resources : [];
  return resources
    .filter(isPlainObject)
    .filter((resource) => !String(resource.name).includes('/'))
    .map((resource) => ({
      apiVersion,
      kind: String(resource.kind),
      plural: String(resource.name),
      namespaced: resource.namespaced === true,
    }));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function apiError(status: number, text: string): KubeApiError {
  const parsed = parseJson(text);
  const body = isPlainObject(parsed) ? parsed : {};
  const message = typeof body.message === 'string' ? body.message : text.trim() || `HTTP ${status}`;
  return new KubeApiError(status, message, typeof body.reason === 'string' ? body.reason : '');
}

function asObject(value: unknown): KubeObject {
  if (!isPlainObject(value) || !isPlainObject(value.metadata))
    throw new KubeApiError(500, 'the server answered with something that is not an object');
  return value as KubeObject;
}

const transport = (url: URL) => (url.protocol === 'https:' ? httpsRequest : httpRequest);
