import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRD_TYPE } from './builtins.js';
import type { KubeObject } from './object-meta.js';
import type { TypeRegistry } from './registry.js';
import { storageKey } from './resource-type.js';
import type { ObjectStore } from './store.js';

/**
 * Optional persistence under the state dir: every change schedules a snapshot of all objects
 * (one JSON file, written atomically); a restart loads it, CRDs first so their kinds are served
 * before their objects come back. Watches cannot resume across a restart (410, then relist).
 */

interface Snapshot {
  revision: number;
  resources: { key: string; objects: KubeObject[] }[];
}

const FILE = 'objects.json';
const WRITE_DELAY_MS = 50;

export function loadState(dir: string, store: ObjectStore, registry: TypeRegistry): void {
  const path = join(dir, FILE);
  if (!existsSync(path)) return;
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const crdKey = storageKey(CRD_TYPE);
  const crds = snapshot.resources.find((resource) => resource.key === crdKey);
  if (crds) {
    store.restore(crdKey, crds.objects, snapshot.revision);
    for (const crd of crds.objects) registry.putCrd(crd);
  }
  for (const resource of snapshot.resources) {
    if (resource.key !== crdKey) store.restore(resource.key, resource.objects, snapshot.revision);
  }
}

/** Starts writing snapshots; the returned function writes a last one and stops. */
export function persistChanges(dir: string, store: ObjectStore): () => void {
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    timer = undefined;
    const snapshot: Snapshot = { revision: store.currentRevision(), resources: store.snapshot() };
    const path = join(dir, FILE);
    writeFileSync(`${path}.tmp`, JSON.stringify(snapshot));
    renameSync(`${path}.tmp`, path);
  };
  const stop = store.onCommit(() => {
    timer ??= setTimeout(write, WRITE_DELAY_MS);
  });
  return () => {
    stop();
    if (timer) {
      clearTimeout(timer);
      write();
    }
  };
}
