/**
 * A cache of one resource type kept current by list-then-watch, as client-go's informers do: the
 * controllers read objects from it and are told of every change. A watch that ends is resumed from
 * the last resourceVersion seen; one that expired (ERROR 410) or failed re-lists.
 */
import type { Logger } from 'pino';
import type { ApiResource, KubeClient, KubeObject, WatchEvent } from './client.js';

export type InformerHandler = (
  object: KubeObject,
  event: 'ADDED' | 'MODIFIED' | 'DELETED',
  old?: KubeObject,
) => void;

const keyOf = (object: KubeObject) => `${object.metadata.namespace ?? ''}/${object.metadata.name ?? ''}`;

export class Informer {
  private readonly cache = new Map<string, KubeObject>();
  private readonly handlers: InformerHandler[] = [];
  private readonly abort = new AbortController();
  private resourceVersion = '';
  readonly synced: Promise<void>;
  private loop?: Promise<void>;
  /** When the last event arrived (idle checks wait for a quiet moment). */
  lastEventAt = 0;

  constructor(
    private readonly client: KubeClient,
    readonly resource: ApiResource,
    private readonly log: Logger,
  ) {
    let markSynced!: () => void;
    this.synced = new Promise((resolve) => {
      markSynced = resolve;
    });
    this.loop = this.run(markSynced);
  }

  on(handler: InformerHandler): void {
    this.handlers.push(handler);
    for (const object of this.cache.values()) handler(object, 'ADDED');
  }

  list(): KubeObject[] {
    return [...this.cache.values()];
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(markSynced: () => void): Promise<void> {
    const { signal } = this.abort;
    let failures = 0;
    let relist = true;
    while (!signal.aborted) {
      try {
        if (relist) {
          await this.relist();
          markSynced();
          relist = false;
        }
        let expired = false;
        await this.client.watch(
          this.resource,
          this.resourceVersion,
          (event) => {
            if (event.type === 'ERROR') expired = true;
            else this.apply(event);
          },
          signal,
        );
        if (expired) relist = true;
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        relist = true;
        if (failures === 1 || failures % 50 === 0)
          this.log.warn({ err: error, resource: this.resource.plural }, 'watch failed; re-listing');
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures, 5_000)));
      }
    }
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.client.list(this.resource);
    const seen = new Set<string>();
    for (const item of items) {
      seen.add(keyOf(item));
      this.store(item);
    }
    for (const [key, object] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.notify(object, 'DELETED');
    }
    this.resourceVersion = resourceVersion;
  }

  private apply(event: WatchEvent): void {
    const object = { apiVersion: this.resource.apiVersion, kind: this.resource.kind, ...event.object };
    const version = object.metadata.resourceVersion;
    if (typeof version === 'string' && version) this.resourceVersion = version;
    if (event.type === 'BOOKMARK') return;
    if (event.type === 'DELETED') {
      this.cache.delete(keyOf(object));
      this.notify(object, 'DELETED');
      return;
    }
    this.store(object);
  }

  private store(object: KubeObject): void {
    const key = keyOf(object);
    const old = this.cache.get(key);
    if (old && old.metadata.resourceVersion === object.metadata.resourceVersion) return;
    this.cache.set(key, object);
    this.notify(object, old ? 'MODIFIED' : 'ADDED', old);
  }

  private notify(object: KubeObject, event: 'ADDED' | 'MODIFIED' | 'DELETED', old?: KubeObject): void {
    this.lastEventAt = Date.now();
    for (const handler of this.handlers) handler(object, event, old);
  }
}

/** One informer per resource type, shared by every controller of the process. */
export class Informers {
  private readonly informers = new Map<string, Informer>();

  constructor(
    readonly client: KubeClient,
    private readonly log: Logger,
  ) {}

  /** The informer of a served type (started on first use), synced. */
  async of(resource: ApiResource): Promise<Informer> {
    const key = `${resource.apiVersion}/${resource.plural}`;
    let informer = this.informers.get(key);
    if (!informer) {
      informer = new Informer(this.client, resource, this.log);
      this.informers.set(key, informer);
    }
    await informer.synced;
    return informer;
  }

  /** The informer of `apiVersion`/`kind`, or undefined while the type is not served. */
  async forKind(apiVersion: string, kind: string): Promise<Informer | undefined> {
    const known = [...this.informers.values()].find(
      (informer) => informer.resource.apiVersion === apiVersion && informer.resource.kind === kind,
    );
    if (known) {
      await known.synced;
      return known;
    }
    const resource = await this.client.resourceFor(apiVersion, kind);
    return resource ? this.of(resource) : undefined;
  }

  all(): Informer[] {
    return [...this.informers.values()];
  }

  lastEventAt(): number {
    return Math.max(0, ...this.all().map((informer) => informer.lastEventAt));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().map((informer) => informer.stop()));
  }
}
