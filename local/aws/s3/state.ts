import { z } from 'zod';
import { isoDate } from '../core/persistence.js';
import type { PendingCopy, Replicator } from './replication.js';
import type { Bucket, ObjectVersion, S3Store } from './store.js';

/**
 * The S3 section of the state file: buckets with versioning and replication, every version of
 * every object (bodies base64; the simulator holds small objects, not bulk data, so the file is not
 * size-bounded), and the replication copies not made yet. A `policy` saved by an older simulator is
 * dropped on load (zod strips unknown keys).
 */

const versionSchema = z.object({
  versionId: z.string(),
  body: z.base64().transform((value) => Buffer.from(value, 'base64')),
  etag: z.string(),
  contentType: z.string(),
  lastModified: isoDate,
  deleteMarker: z.boolean(),
  replicationStatus: z.enum(['PENDING', 'COMPLETED', 'FAILED', 'REPLICA']).optional(),
});

const bucketSchema = z.object({
  name: z.string(),
  region: z.string(),
  createdAt: isoDate,
  versioning: z.enum(['Enabled', 'Suspended']).optional(),
  objects: z.array(z.object({ key: z.string(), versions: z.array(versionSchema) })),
  replication: z
    .object({
      role: z.string(),
      rules: z.array(
        z.object({
          id: z.string(),
          enabled: z.boolean(),
          prefix: z.string(),
          priority: z.number(),
          destinationBucket: z.string(),
          replicateDeleteMarkers: z.boolean(),
        }),
      ),
      xml: z.string(),
    })
    .optional(),
});

export const s3StateSchema = z.object({
  buckets: z.array(bucketSchema),
  pendingReplication: z.array(
    z.object({ bucket: z.string(), key: z.string(), versionId: z.string(), destination: z.string() }),
  ),
});

export type S3StateFile = z.input<typeof s3StateSchema>;

function versionFile(version: ObjectVersion): z.input<typeof versionSchema> {
  return {
    ...version,
    body: version.body.toString('base64'),
    lastModified: version.lastModified.toISOString(),
  };
}

export function snapshotS3(store: S3Store, replicator: Replicator): S3StateFile {
  return {
    buckets: [...store.buckets.values()].map((bucket) => ({
      ...bucket,
      createdAt: bucket.createdAt.toISOString(),
      objects: [...bucket.objects].map(([key, versions]) => ({ key, versions: versions.map(versionFile) })),
    })),
    pendingReplication: replicator.pending().map((copy) => ({
      bucket: copy.source.name,
      key: copy.key,
      versionId: copy.version.versionId,
      destination: copy.destination,
    })),
  };
}

export function restoreS3(
  store: S3Store,
  replicator: Replicator,
  state: z.output<typeof s3StateSchema>,
): void {
  for (const saved of state.buckets) {
    const bucket: Bucket = {
      ...saved,
      objects: new Map(saved.objects.map(({ key, versions }) => [key, versions])),
    };
    store.buckets.set(bucket.name, bucket);
  }
  const copies: PendingCopy[] = state.pendingReplication.flatMap(
    ({ bucket, key, versionId, destination }) => {
      const source = store.buckets.get(bucket);
      const version = source?.objects.get(key)?.find((v) => v.versionId === versionId);
      return source && version ? [{ source, key, version, destination }] : [];
    },
  );
  replicator.restorePending(copies);
}
