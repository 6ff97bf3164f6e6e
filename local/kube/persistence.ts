import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import {
  prepareStateDir,
  readStateFile,
  StateDirError,
  validateState,
  writeStateFileAtomically,
} from '../state-dir.js';
import { CRD_TYPE } from './builtins.js';
import type { TypeRegistry } from './registry.js';
import { storageKey } from './resource-type.js';
import type { ObjectStore } from './store.js';

/**
 * Optional persistence under the state dir: every change schedules a snapshot of all objects
 * (one JSON file, written atomically); a restart loads it, CRDs first so their kinds are served
 * before their objects come back. Watches cannot resume across a restart (410, then relist).
 *
 * The file carries a layout `version`. A file without one is the first layout, which had the same
 * fields: it is read as such and rewritten with the version at start. An unknown version, a file
 * that is not JSON, or one that does not match the layout is refused with a StateDirError.
 */

export const OBJECTS_FILE = 'objects.json';
export const OBJECTS_LAYOUT_VERSION = 2;
const WRITE_DELAY_MS = 50;
/**
 * A snapshot is the whole store (a cluster with a provider's CRDs is megabytes): the next write
 * waits at least this many times as long as the last one took, so saving stays a small share of
 * the process's time however large the store grows.
 */
const WRITE_BUDGET_FACTOR = 10;

const objectSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
});

const snapshotSchema = z.object({
  version: z.literal(OBJECTS_LAYOUT_VERSION),
  revision: z.number().int().nonnegative(),
  resources: z.array(z.object({ key: z.string(), objects: z.array(objectSchema) })),
});

type Snapshot = z.output<typeof snapshotSchema>;

function readSnapshot(path: string): Snapshot | undefined {
  const data = readStateFile(path);
  if (data === undefined) return undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new StateDirError(path, 'is not an object store snapshot (expected a JSON object)');
  }
  const version = (data as { version?: unknown }).version;
  // Layout 1 had no version field and the same fields as layout 2.
  const migrated = version === undefined ? { ...data, version: OBJECTS_LAYOUT_VERSION } : data;
  if (version !== undefined && version !== OBJECTS_LAYOUT_VERSION) {
    throw new StateDirError(
      path,
      `has layout version ${JSON.stringify(version)}, this build reads version ${OBJECTS_LAYOUT_VERSION} (and the unversioned layout 1)`,
    );
  }
  return validateState(path, snapshotSchema, migrated, `the objects.json layout ${OBJECTS_LAYOUT_VERSION}`);
}

/**
 * Reads and checks `dir`'s objects.json without loading it (a StateDirError when it is unusable),
 * so a caller about to start several things can refuse a bad one before starting any of them.
 */
export function checkSavedObjects(dir: string): void {
  readSnapshot(join(dir, OBJECTS_FILE));
}

/** Prepares the state dir and loads its objects, if any; a StateDirError when either is unusable. */
export function loadState(dir: string, store: ObjectStore, registry: TypeRegistry): void {
  prepareStateDir(dir);
  const snapshot = readSnapshot(join(dir, OBJECTS_FILE));
  if (!snapshot) return;
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

/**
 * Writes a snapshot at once (so an unwritable file fails at start, and a layout-1 file is rewritten
 * with its version), then one after every change; the returned function writes a last one and
 * stops. A failed write later on is logged and leaves the previous file as it was.
 */
export function persistChanges(
  dir: string,
  store: ObjectStore,
  logger: Logger = pino({ name: 'switchyard-kube' }, pino.destination(2)),
): () => void {
  const path = join(dir, OBJECTS_FILE);
  let timer: NodeJS.Timeout | undefined;
  let lastWriteMs = 0;
  const save = () => {
    const started = performance.now();
    const snapshot = {
      version: OBJECTS_LAYOUT_VERSION,
      revision: store.currentRevision(),
      resources: store.snapshot(),
    };
    writeStateFileAtomically(path, JSON.stringify(snapshot));
    lastWriteMs = performance.now() - started;
  };
  const saveLogged = () => {
    try {
      save();
    } catch (error) {
      logger.error({ err: error, path }, 'could not write the object store');
    }
  };
  save();
  const stop = store.onCommit(() => {
    timer ??= setTimeout(
      () => {
        timer = undefined;
        saveLogged();
      },
      Math.max(WRITE_DELAY_MS, WRITE_BUDGET_FACTOR * lastWriteMs),
    );
  });
  return () => {
    stop();
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
      saveLogged();
    }
  };
}
