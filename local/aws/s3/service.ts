import type { z } from 'zod';
import type { SimClock } from '../core/clock.js';
import { AwsError } from '../core/errors.js';
import type { Faults } from '../core/faults.js';
import type { Persistable } from '../core/persistence.js';
import { ACCOUNT_ID } from '../core/regions.js';
import type { ServiceReply, ServiceRequest, SimService } from '../core/request.js';
import {
  child,
  childrenNamed,
  document,
  fields,
  items,
  parseXml,
  textOf,
  type XmlElement,
  XmlSyntaxError,
} from '../core/xml.js';
import { s3Error } from '../protocols/rest-xml.js';
import { s3Address } from './addressing.js';
import { decodeAwsChunked, isAwsChunked } from './aws-chunked.js';
import { Replicator } from './replication.js';
import { restoreS3, type S3StateFile, s3StateSchema, snapshotS3 } from './state.js';
import { type Bucket, etagOf, type ObjectVersion, type ReplicationRule, S3Store } from './store.js';

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const OBJECT_OPERATIONS = new Set(['GetObject', 'HeadObject', 'PutObject', 'DeleteObject', 'ListObjectsV2']);

const noSuchBucket = () => new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404);
const noSuchKey = (headers: Record<string, string> = {}) =>
  new AwsError('NoSuchKey', 'The specified key does not exist.', 404, 'Sender', headers);
const malformedXml = () =>
  new AwsError(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );

/** S3 over restXml: buckets, objects, versioning and replication. */
export class S3Service implements SimService, Persistable<typeof s3StateSchema> {
  readonly signingName = 's3';
  readonly stateKey = 's3';
  readonly stateSchema = s3StateSchema;
  readonly store = new S3Store();
  private readonly replicator: Replicator;

  constructor(
    private readonly clock: SimClock,
    faults: Faults,
    replicationDelayMs: number,
  ) {
    this.replicator = new Replicator(this.store, clock, faults, replicationDelayMs);
  }

  snapshot(): S3StateFile {
    return snapshotS3(this.store, this.replicator);
  }

  restore(state: z.output<typeof s3StateSchema>): void {
    restoreS3(this.store, this.replicator, state);
  }

  operationOf(request: ServiceRequest): string {
    const { bucket, key } = s3Address(request.path);
    const q = request.query;
    const m = request.method;
    if (!bucket) return m === 'GET' ? 'ListBuckets' : 'Unknown';
    if (key !== undefined) {
      return (
        ({ GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' } as const)[
          m as 'GET'
        ] ?? 'Unknown'
      );
    }
    // `policy` is named so PutBucketPolicy is refused as NotImplemented, not taken for CreateBucket.
    for (const sub of ['versioning', 'replication', 'policy'] as const) {
      if (q.has(sub)) {
        const verb = { GET: 'Get', PUT: 'Put', DELETE: 'Delete' }[m] ?? 'Unknown';
        return `${verb}Bucket${sub[0]?.toUpperCase()}${sub.slice(1)}`;
      }
    }
    if (m === 'GET' && q.has('location')) return 'GetBucketLocation';
    if (m === 'GET') return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    return (
      ({ PUT: 'CreateBucket', HEAD: 'HeadBucket', DELETE: 'DeleteBucket' } as const)[m as 'PUT'] ?? 'Unknown'
    );
  }

  isDataPlane(operation: string): boolean {
    return OBJECT_OPERATIONS.has(operation);
  }

  throttlingError(): AwsError {
    return new AwsError('SlowDown', 'Please reduce your request rate.', 503);
  }

  async handle(request: ServiceRequest, operation: string): Promise<ServiceReply> {
    const { bucket: bucketName, key } = s3Address(request.path);
    const body = isAwsChunked(request.headers) ? decodeAwsChunked(request.body) : request.body;
    if (operation === 'ListBuckets') return this.listBuckets(request);
    if (!bucketName) throw new AwsError('InvalidRequest', 'Missing bucket name');
    if (operation === 'CreateBucket') return this.createBucket(request, bucketName, body);

    const bucket = this.store.buckets.get(bucketName);
    if (!bucket) throw noSuchBucket();
    if (bucket.region !== request.region) {
      throw new AwsError(
        'PermanentRedirect',
        'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
        301,
        'Sender',
        { 'x-amz-bucket-region': bucket.region },
      );
    }
    const ok = (
      status = 200,
      headers: Record<string, string> = {},
      text?: string | Buffer,
    ): ServiceReply => ({
      status,
      headers: { 'x-amz-request-id': request.requestId, ...headers },
      ...(text === undefined ? {} : { body: text }),
    });

    switch (operation) {
      case 'HeadBucket':
        return ok(200, { 'x-amz-bucket-region': bucket.region });
      case 'GetBucketLocation':
        return xml(
          ok(),
          document('LocationConstraint', NAMESPACE, bucket.region === 'us-east-1' ? '' : bucket.region),
        );
      case 'DeleteBucket':
        if ([...bucket.objects.values()].some((versions) => versions.length > 0)) {
          throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
        }
        this.store.buckets.delete(bucket.name);
        return ok(204);
      case 'PutBucketVersioning': {
        const status = textOf(parseBody(body), 'Status');
        if (status !== 'Enabled' && status !== 'Suspended') throw malformedXml();
        bucket.versioning = status;
        return ok();
      }
      case 'GetBucketVersioning':
        return xml(
          ok(),
          document('VersioningConfiguration', NAMESPACE, fields({ Status: bucket.versioning })),
        );
      case 'PutBucketReplication':
        bucket.replication = this.replicationConfig(bucket, body);
        return ok();
      case 'GetBucketReplication':
        if (!bucket.replication) {
          throw new AwsError(
            'ReplicationConfigurationNotFoundError',
            'The replication configuration was not found',
            404,
          );
        }
        return xml(ok(), bucket.replication.xml);
      case 'DeleteBucketReplication':
        bucket.replication = undefined;
        return ok(204);
      case 'ListObjectsV2':
        return xml(ok(), this.listObjects(bucket, request.query.get('prefix') ?? ''));
      case 'PutObject':
        return this.putObject(bucket, key ?? '', body, request, ok);
      case 'GetObject':
      case 'HeadObject':
        return this.getObject(bucket, key ?? '', request, operation === 'HeadObject', ok);
      case 'DeleteObject':
        return this.deleteObject(bucket, key ?? '', ok);
      default:
        throw new AwsError('NotImplemented', `${operation} is not implemented by the simulator`, 501);
    }
  }

  renderError(error: AwsError, request: ServiceRequest): ServiceReply {
    return s3Error(error, request.requestId, request.method);
  }

  private listBuckets(request: ServiceRequest): ServiceReply {
    const buckets = [...this.store.buckets.values()];
    return {
      status: 200,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': request.requestId },
      body: document(
        'ListAllMyBucketsResult',
        NAMESPACE,
        fields({
          Owner: fields({ ID: ACCOUNT_ID }),
          Buckets: items('Bucket', buckets, (b) =>
            fields({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region }),
          ),
        }),
      ),
    };
  }

  private createBucket(request: ServiceRequest, name: string, body: Buffer): ServiceReply {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..')) {
      throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.');
    }
    const constraint = body.length > 0 ? textOf(parseBody(body), 'LocationConstraint') : undefined;
    const region = constraint || 'us-east-1';
    if (region !== request.region) {
      throw new AwsError(
        'IllegalLocationConstraintException',
        `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      );
    }
    if (this.store.buckets.has(name)) {
      throw new AwsError(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
      );
    }
    this.store.buckets.set(name, { name, region, createdAt: this.clock.date(), objects: new Map() });
    return { status: 200, headers: { location: `/${name}`, 'x-amz-request-id': request.requestId } };
  }

  private replicationConfig(bucket: Bucket, body: Buffer): NonNullable<Bucket['replication']> {
    const root = parseBody(body);
    const rules = childrenNamed(root, 'Rule').map((rule, index): ReplicationRule => {
      const destination = textOf(child(rule, 'Destination'), 'Bucket') ?? '';
      const filter = child(rule, 'Filter');
      return {
        id: textOf(rule, 'ID') ?? `rule-${index + 1}`,
        enabled: textOf(rule, 'Status') === 'Enabled',
        prefix: textOf(rule, 'Prefix') ?? textOf(filter, 'Prefix') ?? '',
        priority: Number(textOf(rule, 'Priority') ?? 0),
        destinationBucket: destination.replace(/^arn:aws:s3:::/, ''),
        replicateDeleteMarkers: textOf(child(rule, 'DeleteMarkerReplication'), 'Status') === 'Enabled',
      };
    });
    if (rules.length === 0 || rules.some((r) => !r.destinationBucket)) throw malformedXml();
    if (bucket.versioning !== 'Enabled') {
      throw new AwsError(
        'InvalidRequest',
        "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
      );
    }
    for (const rule of rules) {
      const destination = this.store.buckets.get(rule.destinationBucket);
      if (!destination) throw new AwsError('InvalidRequest', 'Destination bucket must exist.');
      if (destination.versioning !== 'Enabled') {
        throw new AwsError('InvalidRequest', 'Destination bucket must have versioning enabled.');
      }
    }
    return { role: textOf(root, 'Role') ?? '', rules, xml: body.toString('utf8') };
  }

  private listObjects(bucket: Bucket, prefix: string): string {
    const current = [...bucket.objects.entries()]
      .flatMap(([key, versions]) => {
        const latest = versions.at(-1);
        return latest && !latest.deleteMarker && key.startsWith(prefix) ? [{ key, latest }] : [];
      })
      .sort((a, b) => a.key.localeCompare(b.key));
    return document('ListBucketResult', NAMESPACE, [
      fields({
        Name: bucket.name,
        Prefix: prefix,
        KeyCount: current.length,
        MaxKeys: 1000,
        IsTruncated: false,
      }),
      items('Contents', current, ({ key, latest }) =>
        fields({
          Key: key,
          LastModified: latest.lastModified,
          ETag: latest.etag,
          Size: latest.body.length,
          StorageClass: 'STANDARD',
        }),
      ),
    ]);
  }

  private putObject(
    bucket: Bucket,
    key: string,
    body: Buffer,
    request: ServiceRequest,
    ok: (status?: number, headers?: Record<string, string>) => ServiceReply,
  ): ServiceReply {
    const contentType = request.headers['content-type'];
    const version: ObjectVersion = {
      versionId: this.store.newVersionId(bucket),
      body,
      etag: etagOf(body),
      contentType: typeof contentType === 'string' ? contentType : 'binary/octet-stream',
      lastModified: this.clock.date(),
      deleteMarker: false,
    };
    this.store.put(bucket, key, version);
    this.replicator.replicate(bucket, key, version);
    return ok(200, { etag: version.etag, ...versionHeader(bucket, version) });
  }

  private getObject(
    bucket: Bucket,
    key: string,
    request: ServiceRequest,
    head: boolean,
    ok: (status?: number, headers?: Record<string, string>, text?: Buffer) => ServiceReply,
  ): ServiceReply {
    const versionId = request.query.get('versionId');
    const versions = bucket.objects.get(key) ?? [];
    const version = versionId ? versions.find((v) => v.versionId === versionId) : versions.at(-1);
    if (!version) {
      if (versionId) throw new AwsError('NoSuchVersion', 'The specified version does not exist.', 404);
      throw noSuchKey();
    }
    if (version.deleteMarker)
      throw noSuchKey({ 'x-amz-delete-marker': 'true', ...versionHeader(bucket, version) });
    const headers: Record<string, string> = {
      'content-type': version.contentType,
      'content-length': String(version.body.length),
      etag: version.etag,
      'last-modified': version.lastModified.toUTCString(),
      ...versionHeader(bucket, version),
      ...(version.replicationStatus ? { 'x-amz-replication-status': version.replicationStatus } : {}),
    };
    return ok(200, headers, head ? undefined : version.body);
  }

  private deleteObject(
    bucket: Bucket,
    key: string,
    ok: (status?: number, headers?: Record<string, string>) => ServiceReply,
  ): ServiceReply {
    if (bucket.versioning !== 'Enabled') {
      bucket.objects.delete(key);
      return ok(204);
    }
    const marker: ObjectVersion = {
      versionId: this.store.newVersionId(bucket),
      body: Buffer.alloc(0),
      etag: '',
      contentType: '',
      lastModified: this.clock.date(),
      deleteMarker: true,
    };
    this.store.put(bucket, key, marker);
    this.replicator.replicate(bucket, key, marker);
    return ok(204, { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId });
  }
}

function versionHeader(bucket: Bucket, version: ObjectVersion): Record<string, string> {
  return bucket.versioning ? { 'x-amz-version-id': version.versionId } : {};
}

function parseBody(body: Buffer): XmlElement {
  try {
    return parseXml(body.toString('utf8'));
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedXml();
    throw error;
  }
}

function xml(reply: ServiceReply, text: string): ServiceReply {
  return { ...reply, headers: { ...reply.headers, 'content-type': 'application/xml' }, body: text };
}
