import type { KubeObject } from './object-meta.js';
import { metadataOf, nameOf, namespaceOf, withMetadata } from './object-meta.js';

/**
 * The object store: one global resourceVersion counter (as etcd's revision) and, per resource,
 * the live objects plus a bounded log of recent events (the apiserver's watch cache). Watchers
 * get events synchronously in commit order, so per object nothing is lost, duplicated or
 * reordered; a watch that starts from a version older than the log gets 410 Expired.
 */

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  object: KubeObject;
  /** The object before this change (MODIFIED and DELETED): selector watches need both sides. */
  previous?: KubeObject;
  revision: number;
}

export type StoreListener = (event: StoreEvent) => void;

/** Events kept per resource for watch replay; older starting points get 410 Expired. */
export const DEFAULT_WATCH_CACHE_SIZE = 1000;

class ResourceBucket {
  readonly objects = new Map<string, KubeObject>();
  readonly events: StoreEvent[] = [];
  readonly listeners = new Set<StoreListener>();

  /** The oldest revision a watch may start from: changes after it are all in `events`. */
  constructor(public oldestWatchable: number) {}
}

export class TooOldResourceVersion extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export class ObjectStore {
  private revision: number;
  private readonly buckets = new Map<string, ResourceBucket>();
  private readonly commitListeners = new Set<() => void>();
  /**
   * ownerReferences uid → the objects naming it (`<storage key>\0<namespace>/<name>`), so the
   * stand-in garbage collector finds dependents without scanning every object on each delete.
   */
  private readonly dependentsByOwner = new Map<string, Set<string>>();

  constructor(
    initialRevision = 1,
    private readonly watchCacheSize = DEFAULT_WATCH_CACHE_SIZE,
  ) {
    this.revision = initialRevision;
  }

  currentRevision(): number {
    return this.revision;
  }

  /** Called after every committed change (persistence uses it). */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  /** Starts the watch cache of a resource when its type becomes served. */
  ensureResource(key: string): void {
    this.bucket(key);
  }

  private bucket(key: string): ResourceBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new ResourceBucket(this.revision);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  get(key: string, namespace: string, name: string): KubeObject | undefined {
    return this.buckets.get(key)?.objects.get(objectKey(namespace, name));
  }

  /** Objects of a resource (one namespace or all), in etcd key order: namespace, then name. */
  list(key: string, namespace?: string): KubeObject[] {
    const bucket = this.buckets.get(key);
    if (!bucket) return [];
    const entries = [...bucket.objects].filter(
      ([, object]) => namespace === undefined || namespaceOf(object) === namespace,
    );
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return entries.map(([, object]) => object);
  }

  /** Stores a new object; returns it with its resourceVersion. */
  create(key: string, object: KubeObject): KubeObject {
    return this.commit(key, 'ADDED', object, undefined);
  }

  update(key: string, object: KubeObject, previous: KubeObject): KubeObject {
    return this.commit(key, 'MODIFIED', object, previous);
  }

  /** Removes an object; the DELETED event carries it with the deletion's resourceVersion. */
  delete(key: string, object: KubeObject): KubeObject {
    return this.commit(key, 'DELETED', object, object);
  }

  /** Deletes every object of a resource (its CRD went away) and forgets the resource. */
  dropResource(key: string): void {
    const bucket = this.buckets.get(key);
    if (!bucket) return;
    for (const object of [...bucket.objects.values()]) this.delete(key, object);
    this.buckets.delete(key);
  }

  /**
   * Subscribes to changes after `fromRevision` (replayed first from the event log), or from now
   * when undefined. Throws TooOldResourceVersion when the log no longer reaches back that far.
   */
  watch(key: string, fromRevision: number | undefined, listener: StoreListener): () => void {
    const bucket = this.bucket(key);
    if (fromRevision !== undefined) {
      if (fromRevision < bucket.oldestWatchable)
        throw new TooOldResourceVersion(fromRevision, bucket.oldestWatchable);
      for (const event of bucket.events) if (event.revision > fromRevision) listener(event);
    }
    bucket.listeners.add(listener);
    return () => bucket.listeners.delete(listener);
  }

  /** The stored objects whose ownerReferences name `uid`, in key order. */
  dependents(uid: string): { key: string; object: KubeObject }[] {
    const found: { key: string; object: KubeObject }[] = [];
    for (const entry of [...(this.dependentsByOwner.get(uid) ?? [])].sort()) {
      const [key = '', id = ''] = entry.split('\0');
      const object = this.buckets.get(key)?.objects.get(id);
      if (object) found.push({ key, object });
    }
    return found;
  }

  /** Restores objects read from disk without events (the state a fresh watch cache starts from). */
  restore(key: string, objects: KubeObject[], revision: number): void {
    const bucket = this.bucket(key);
    for (const object of objects) {
      const id = objectKey(namespaceOf(object), nameOf(object));
      this.indexOwners(key, id, bucket.objects.get(id), object);
      bucket.objects.set(id, object);
    }
    this.revision = Math.max(this.revision, revision);
    bucket.oldestWatchable = this.revision;
  }

  /** Every resource with its objects, for persistence. */
  snapshot(): { key: string; objects: KubeObject[] }[] {
    return [...this.buckets].map(([key, bucket]) => ({ key, objects: [...bucket.objects.values()] }));
  }

  private commit(
    key: string,
    type: EventType,
    object: KubeObject,
    previous: KubeObject | undefined,
  ): KubeObject {
    const bucket = this.bucket(key);
    this.revision++;
    const stored = withMetadata(object, { resourceVersion: String(this.revision) });
    const id = objectKey(namespaceOf(stored), nameOf(stored));
    this.indexOwners(key, id, bucket.objects.get(id), type === 'DELETED' ? undefined : stored);
    if (type === 'DELETED') bucket.objects.delete(id);
    else bucket.objects.set(id, stored);
    const event: StoreEvent = {
      type,
      object: stored,
      revision: this.revision,
      ...(previous ? { previous } : {}),
    };
    bucket.events.push(event);
    if (bucket.events.length > this.watchCacheSize) {
      const dropped = bucket.events.shift();
      if (dropped) bucket.oldestWatchable = dropped.revision;
    }
    for (const listener of [...bucket.listeners]) listener(event);
    for (const listener of this.commitListeners) listener();
    return stored;
  }

  /** Moves an object's entries in the owner index from its stored version to its next one. */
  private indexOwners(
    key: string,
    id: string,
    before: KubeObject | undefined,
    after: KubeObject | undefined,
  ) {
    const entry = `${key}\0${id}`;
    const old = ownerUids(before);
    const next = ownerUids(after);
    for (const uid of old) {
      if (next.includes(uid)) continue;
      const set = this.dependentsByOwner.get(uid);
      set?.delete(entry);
      if (set?.size === 0) this.dependentsByOwner.delete(uid);
    }
    for (const uid of next) {
      let set = this.dependentsByOwner.get(uid);
      if (!set) {
        set = new Set();
        this.dependentsByOwner.set(uid, set);
      }
      set.add(entry);
    }
  }
}

function ownerUids(object: KubeObject | undefined): string[] {
  const references = object ? metadataOf(object).ownerReferences : undefined;
  if (!Array.isArray(references)) return [];
  return references
    .map((ref: unknown) =>
      typeof ref === 'object' && ref !== null ? (ref as { uid?: unknown }).uid : undefined,
    )
    .filter((uid): uid is string => typeof uid === 'string');
}

function objectKey(namespace: string, name: string): string {
  // The same separator as the etcd key (/registry/<resource>/<namespace>/<name>), so sorting these
  // keys gives the apiserver's list order.
  return `${namespace}/${name}`;
}
