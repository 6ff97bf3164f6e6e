import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import type { HandlerContext, ManagedResource, ManagedResourceHandler } from '../provider.js';
import type { AwsClients } from './clients.js';
import {
  apiVersionOf,
  block,
  externalNameOf,
  isNotFound,
  referencedId,
  regionOf,
  requireField,
  str,
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
