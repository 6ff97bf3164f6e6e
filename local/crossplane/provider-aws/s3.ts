import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketReplicationCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  type ReplicationRule,
  type StorageClass,
} from '@aws-sdk/client-s3';
import type { HandlerContext, ManagedResource, ManagedResourceHandler } from '../provider.js';
import type { AwsClients } from './clients.js';
import {
  apiVersionOf,
  block,
  blocks,
  externalNameOf,
  isNotFound,
  num,
  referencedArn,
  referencedId,
  regionOf,
  requireField,
  str,
  UnresolvedReferenceError,
} from './fields.js';

const S3 = apiVersionOf('s3');
const bucketNameOf = (mr: ManagedResource) =>
  externalNameOf(mr) ?? str(mr.spec.forProvider, 'bucket') ?? mr.metadata.name;

export function bucketHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const name = bucketNameOf(mr);
      const region = regionOf(mr);
      try {
        await clients.get('s3', region).send(new HeadBucketCommand({ Bucket: name }));
      } catch (error) {
        if (isNotFound(error, 'NotFound', 'NoSuchBucket')) return undefined;
        throw error;
      }
      return {
        externalName: name,
        ready: true,
        atProvider: {
          id: name,
          arn: `arn:aws:s3:::${name}`,
          bucketDomainName: `${name}.s3.amazonaws.com`,
          bucketRegionalDomainName: `${name}.s3.${region}.amazonaws.com`,
          region,
        },
      };
    },
    async create(mr) {
      const region = regionOf(mr);
      await clients.get('s3', region).send(
        new CreateBucketCommand({
          Bucket: bucketNameOf(mr),
          // us-east-1 takes no location constraint (S3's legacy default region).
          ...(region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
        }),
      );
    },
    async delete(mr) {
      await clients.get('s3', regionOf(mr)).send(new DeleteBucketCommand({ Bucket: bucketNameOf(mr) }));
    },
  };
}

const bucketOf = (mr: ManagedResource, context: HandlerContext) =>
  requireField(context, mr, mr.spec.forProvider, 'bucket', { apiVersion: S3, kind: 'Bucket' }, referencedId);

/** Versioning of a bucket; it exists once the bucket's status is the one asked for. */
export function bucketVersioningHandler(clients: AwsClients): ManagedResourceHandler {
  const wanted = (mr: ManagedResource) =>
    (str(block(mr.spec.forProvider, 'versioningConfiguration'), 'status') ?? 'Enabled') as
      | 'Enabled'
      | 'Suspended';
  const put = async (mr: ManagedResource, context: HandlerContext) =>
    void (await clients.get('s3', regionOf(mr)).send(
      new PutBucketVersioningCommand({
        Bucket: await bucketOf(mr, context),
        VersioningConfiguration: { Status: wanted(mr) },
      }),
    ));
  return {
    async observe(mr, context) {
      let bucket: string;
      try {
        bucket = await bucketOf(mr, context);
      } catch {
        return undefined;
      }
      try {
        const { Status } = await clients
          .get('s3', regionOf(mr))
          .send(new GetBucketVersioningCommand({ Bucket: bucket }));
        if (Status === undefined) return undefined;
        return {
          externalName: bucket,
          ready: true,
          upToDate: Status === wanted(mr),
          atProvider: { id: bucket, versioningConfiguration: { status: Status } },
        };
      } catch (error) {
        if (isNotFound(error, 'NoSuchBucket')) return undefined;
        throw error;
      }
    },
    create: put,
    update: (mr, _observed, context) => put(mr, context),
  };
}

const IAM = apiVersionOf('iam');
type RuleStatus = 'Enabled' | 'Disabled';

/** The replication rules the MR asks for, destination buckets and the role resolved to ARNs. */
async function replicationConfiguration(mr: ManagedResource, context: HandlerContext) {
  const fields = mr.spec.forProvider;
  const role = await requireField(
    context,
    mr,
    fields,
    'role',
    { apiVersion: IAM, kind: 'Role' },
    referencedArn,
  );
  const rules: ReplicationRule[] = [];
  for (const rule of blocks(fields, 'rule')) {
    const destination = block(rule, 'destination');
    const filter = block(rule, 'filter');
    const replicaModifications = block(block(rule, 'sourceSelectionCriteria'), 'replicaModifications');
    rules.push({
      ID: str(rule, 'id'),
      Status: (str(rule, 'status') ?? 'Enabled') as RuleStatus,
      Priority: num(rule, 'priority'),
      Filter: filter ? { Prefix: str(filter, 'prefix') ?? '' } : undefined,
      DeleteMarkerReplication: block(rule, 'deleteMarkerReplication')
        ? { Status: str(block(rule, 'deleteMarkerReplication'), 'status') as RuleStatus }
        : undefined,
      SourceSelectionCriteria: replicaModifications
        ? { ReplicaModifications: { Status: str(replicaModifications, 'status') as RuleStatus } }
        : undefined,
      Destination: {
        Bucket: await requireField(
          context,
          mr,
          destination,
          'bucket',
          { apiVersion: S3, kind: 'Bucket' },
          referencedArn,
        ),
        StorageClass: str(destination, 'storageClass') as StorageClass | undefined,
      },
    });
  }
  return { Role: role, Rules: rules };
}

/**
 * A bucket's replication configuration (both directions between the data buckets). The simulator
 * refuses it until both buckets are versioned, as S3 does; the reconciler's retry orders that.
 */
export function bucketReplicationHandler(clients: AwsClients): ManagedResourceHandler {
  const put = async (mr: ManagedResource, context: HandlerContext) =>
    void (await clients.get('s3', regionOf(mr)).send(
      new PutBucketReplicationCommand({
        Bucket: await bucketOf(mr, context),
        ReplicationConfiguration: await replicationConfiguration(mr, context),
      }),
    ));
  return {
    async observe(mr, context) {
      let bucket: string;
      try {
        bucket = await bucketOf(mr, context);
      } catch (error) {
        if (error instanceof UnresolvedReferenceError) return undefined;
        throw error;
      }
      try {
        const { ReplicationConfiguration } = await clients
          .get('s3', regionOf(mr))
          .send(new GetBucketReplicationCommand({ Bucket: bucket }));
        return {
          externalName: bucket,
          ready: true,
          atProvider: {
            id: bucket,
            rules: (ReplicationConfiguration?.Rules ?? []).map((rule) => ({
              id: rule.ID,
              status: rule.Status,
              destination: rule.Destination?.Bucket,
            })),
          },
        };
      } catch (error) {
        if (isNotFound(error, 'ReplicationConfigurationNotFoundError', 'NoSuchBucket')) return undefined;
        throw error;
      }
    },
    create: put,
    async delete(mr, context) {
      await clients
        .get('s3', regionOf(mr))
        .send(new DeleteBucketReplicationCommand({ Bucket: await bucketOf(mr, context) }));
    },
  };
}
