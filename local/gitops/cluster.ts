/**
 * The Kubernetes API over the wire, as any client sees it: the kubeconfig is read by
 * @kubernetes/client-node (server, TLS, credentials), the requests are plain JSON. client-node's
 * typed APIs are not used because they turn built-in kinds into models (Dates, renamed
 * `x-kubernetes-*` fields of CRDs), while the syncer must apply and compare objects exactly as
 * JSON. Works the same against the emulator (local/kube) and a real apiserver.
 */
import type { RequestOptions } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { isPlainObject } from '../../src/schema/openapi.js';
import { isNotFound, KubeApiError } from '../cluster/client.js';
import { sendJson } from '../cluster/http.js';
import { FIELD_MANAGER } from './argocd-names.js';
import { groupOf, type KubeObject, keyOf, type ResourceKey, versionOf } from './resource-key.js';
import { sleep } from './sleep.js';

// The local controllers' client and the syncer share one error type for a refused request.
export { isNotFound, KubeApiError };

/** One served resource type (a discovery entry without the subresources). */
export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  /** The plural, as in the URL path. */
  name: string;
  namespaced: boolean;
  verbs: string[];
}

export type Propagation = 'Foreground' | 'Background' | 'Orphan';

export class Cluster {
  private readonly groupVersions = new Map<string, Promise<ApiResource[]>>();

  private constructor(
    private readonly config: KubeConfig,
    readonly server: string,
  ) {}

  static fromKubeconfig(path: string): Cluster {
    const config = new KubeConfig();
    config.loadFromFile(path);
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new Error(`kubeconfig ${path} names no current cluster`);
    return new Cluster(config, server.replace(/\/+$/, ''));
  }

  /** The served type of `apiVersion`/`kind`, or undefined; a miss re-reads discovery once (a CRD may have arrived). */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const find = async () => (await this.resourcesOf(apiVersion)).find((resource) => resource.kind === kind);
    const cached = await find();
    if (cached) return cached;
    this.groupVersions.delete(apiVersion);
    return find();
  }

  /** Every listable type at each group's preferred version: where tracked objects can be. */
  async listableResources(): Promise<ApiResource[]> {
    this.groupVersions.clear();
    const core = await this.getJson('/api').catch(() => undefined);
    const coreVersions = isPlainObject(core) && Array.isArray(core.versions) ? core.versions.map(String) : [];
    const groups = await this.getJson('/apis');
    const preferred = (isPlainObject(groups) && Array.isArray(groups.groups) ? groups.groups : [])
      .filter(isPlainObject)
      .map((group) =>
        isPlainObject(group.preferredVersion) ? String(group.preferredVersion.groupVersion) : '',
      )
      .filter(Boolean);
    const lists = await Promise.all(
      [...coreVersions.slice(0, 1), ...preferred].map((gv) => this.resourcesOf(gv)),
    );
    return lists.flat().filter((resource) => resource.verbs.includes('list'));
  }

  async get(apiVersion: string, key: ResourceKey): Promise<KubeObject | undefined> {
    const resource = await this.resourceFor(apiVersion, key.kind);
    if (!resource) return undefined;
    try {
      return asObject(await this.request('GET', objectPath(resource, key)));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async list(resource: ApiResource): Promise<KubeObject[]> {
    const list = await this.getJson(collectionPath(resource));
    const items = isPlainObject(list) && Array.isArray(list.items) ? list.items.filter(isPlainObject) : [];
    // List items carry no apiVersion/kind of their own.
    const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
    return items.map((item) => ({ apiVersion, kind: resource.kind, ...item }));
  }

  /** Server-side apply under Argo CD's field manager, taking fields over from other managers (kubectl --force-conflicts). */
  async apply(object: KubeObject, options: { dryRun?: boolean } = {}): Promise<KubeObject> {
    const resource = await this.requireResource(object);
    const query = new URLSearchParams({ fieldManager: FIELD_MANAGER, force: 'true' });
    if (options.dryRun) query.set('dryRun', 'All');
    const path = `${objectPath(resource, keyOf(object))}?${query}`;
    return asObject(await this.request('PATCH', path, object, 'application/apply-patch+yaml'));
  }

  async delete(object: KubeObject, propagationPolicy: Propagation): Promise<void> {
    const resource = await this.requireResource(object);
    try {
      await this.request('DELETE', objectPath(resource, keyOf(object)), {
        apiVersion: 'v1',
        kind: 'DeleteOptions',
        propagationPolicy,
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  private async requireResource(object: KubeObject): Promise<ApiResource> {
    const resource = await this.resourceFor(String(object.apiVersion), String(object.kind));
    if (!resource)
      throw new KubeApiError(404, 'the server could not find the requested resource', 'NotFound');
    return resource;
  }

  private resourcesOf(apiVersion: string): Promise<ApiResource[]> {
    let pending = this.groupVersions.get(apiVersion);
    if (!pending) {
      pending = this.getJson(apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`)
        .then((list) => discoveryEntries(list, apiVersion))
        .catch((error: unknown) => {
          if (isNotFound(error)) return [];
          this.groupVersions.delete(apiVersion);
          throw error;
        });
      this.groupVersions.set(apiVersion, pending);
    }
    return pending;
  }

  private getJson(path: string): Promise<unknown> {
    return this.request('GET', path);
  }

  /**
   * One request; answers that say "try again" (429, e.g. a new CRD's storage still initializing,
   * and 503) are retried after their Retry-After (1 s without one), up to 10 times, as client-go does.
   */
  private async request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.send(method, path, body, contentType);
      const parsed = parseJson(answer.text);
      if (answer.status >= 200 && answer.status < 300) return parsed;
      if (RETRYABLE.has(answer.status) && attempt < MAX_ATTEMPTS) {
        await sleep(Math.min(Number(answer.retryAfter) || 1, 10) * 1_000);
        continue;
      }
      const statusBody = isPlainObject(parsed) ? parsed : {};
      const message =
        typeof statusBody.message === 'string'
          ? statusBody.message
          : answer.text.trim() || `HTTP ${answer.status}`;
      throw new KubeApiError(
        answer.status,
        message,
        typeof statusBody.reason === 'string' ? statusBody.reason : '',
      );
    }
  }

  private async send(
    method: string,
    path: string,
    body: unknown,
    contentType: string,
  ): Promise<{ status: number; text: string; retryAfter?: string }> {
    const url = new URL(`${this.server}${path}`);
    const options: RequestOptions & { rejectUnauthorized?: boolean } = {
      method,
      headers: { Accept: 'application/json', 'User-Agent': 'switchyard-gitops-stand-in' },
      timeout: 30_000,
    };
    await this.config.applyToHTTPSOptions(options);
    return sendJson(url, options, body, contentType, `${method} ${path}`);
  }
}

const RETRYABLE = new Set([429, 503]);
const MAX_ATTEMPTS = 10;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function asObject(value: unknown): KubeObject {
  if (!isPlainObject(value))
    throw new KubeApiError(500, 'the server answered with something that is not an object');
  return value;
}

function discoveryEntries(list: unknown, apiVersion: string): ApiResource[] {
  const resources =
    isPlainObject(list) && Array.isArray(list.resources) ? list.resources.filter(isPlainObject) : [];
  return resources
    .filter((entry) => typeof entry.name === 'string' && !entry.name.includes('/'))
    .map((entry) => ({
      group: groupOf(apiVersion),
      version: versionOf(apiVersion),
      kind: String(entry.kind),
      name: String(entry.name),
      namespaced: entry.namespaced === true,
      verbs: Array.isArray(entry.verbs) ? entry.verbs.map(String) : [],
    }));
}

function collectionPath(resource: ApiResource, namespace = ''): string {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  return resource.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.name}`
    : `${base}/${resource.name}`;
}

function objectPath(resource: ApiResource, key: ResourceKey): string {
  return `${collectionPath(resource, resource.namespaced ? key.namespace || 'default' : '')}/${encodeURIComponent(key.name)}`;
}
