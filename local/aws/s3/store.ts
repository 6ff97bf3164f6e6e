import { createHash, randomBytes } from 'node:crypto';

export type ReplicationStatus = 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA';

export interface ObjectVersion {
  versionId: string;
  body: Buffer;
  etag: string;
  contentType: string;
  lastModified: Date;
  deleteMarker: boolean;
  replicationStatus?: ReplicationStatus;
}

export interface ReplicationRule {
  id: string;
  enabled: boolean;
  prefix: string;
  priority: number;
  destinationBucket: string;
  replicateDeleteMarkers: boolean;
}

export interface Bucket {
  name: string;
  region: string;
  createdAt: Date;
  versioning?: 'Enabled' | 'Suspended';
  /** Versions per key, oldest first; the last one is current. */
  objects: Map<string, ObjectVersion[]>;
  replication?: { role: string; rules: ReplicationRule[]; xml: string };
}

/** Bucket names are global in S3, so one registry serves every region. */
export class S3Store {
  readonly buckets = new Map<string, Bucket>();

  current(bucket: Bucket, key: string): ObjectVersion | undefined {
    return bucket.objects.get(key)?.at(-1);
  }

  /** Adds a version; unversioned buckets keep only the latest ("null" version). */
  put(bucket: Bucket, key: string, version: ObjectVersion): void {
    const history = bucket.versioning === 'Enabled' ? (bucket.objects.get(key) ?? []) : [];
    history.push(version);
    bucket.objects.set(key, history);
  }

  newVersionId(bucket: Bucket): string {
    return bucket.versioning === 'Enabled' ? randomBytes(24).toString('base64url') : 'null';
  }
}

export function etagOf(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}
