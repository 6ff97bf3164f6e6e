import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutBucketPolicyCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsSimulator } from '../../local/aws/index.js';
import { sleep, waitFor } from '../support/wait.js';
import { fastSimulator, rejectionOf, s3Client } from './support.js';

let sim: AwsSimulator;
beforeEach(async () => {
  sim = await fastSimulator();
});
afterEach(async () => {
  await sim.close();
});

async function bucketIn(region: string, name: string, versioned = false) {
  const s3 = s3Client(sim, region);
  await s3.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: region as 'us-east-2' } }),
    }),
  );
  if (versioned) {
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  return s3;
}

describe('S3 objects', () => {
  it('Put/Get/Head/Delete and ListObjectsV2', async () => {
    const s3 = await bucketIn('us-east-2', 'orders-data');
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'orders-data',
        Key: 'a/b.txt',
        Body: 'hello',
        ContentType: 'text/plain',
      }),
    );
    expect(put.ETag).toBe('"5d41402abc4b2a76b9719d911017c592"');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'orders-data', Key: 'a/b.txt' }));
    expect(await got.Body?.transformToString()).toBe('hello');
    expect(got.ContentType).toBe('text/plain');
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'orders-data', Key: 'a/b.txt' }));
    expect(head.ContentLength).toBe(5);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'orders-data', Prefix: 'a/' }));
    expect(listed.Contents?.map((c) => [c.Key, c.Size])).toEqual([['a/b.txt', 5]]);
    await s3.send(new DeleteObjectCommand({ Bucket: 'orders-data', Key: 'a/b.txt' }));
    expect(
      await rejectionOf(s3.send(new GetObjectCommand({ Bucket: 'orders-data', Key: 'a/b.txt' }))),
    ).toBeInstanceOf(NoSuchKey);
    expect(
      await rejectionOf(s3.send(new HeadObjectCommand({ Bucket: 'orders-data', Key: 'a/b.txt' }))),
    ).toBeInstanceOf(NotFound);
  });

  it('errors: unknown bucket, wrong region, bad location constraint, duplicate bucket', async () => {
    const s3 = await bucketIn('us-east-2', 'orders-data');
    expect(await rejectionOf(s3.send(new GetObjectCommand({ Bucket: 'nope', Key: 'k' })))).toBeInstanceOf(
      NoSuchBucket,
    );
    const wrongRegion = await rejectionOf(
      s3Client(sim, 'us-east-1').send(new PutObjectCommand({ Bucket: 'orders-data', Key: 'k', Body: 'x' })),
    );
    expect(wrongRegion).toBeInstanceOf(S3ServiceException);
    expect((wrongRegion as S3ServiceException).$metadata.httpStatusCode).toBe(301);
    const constraint = await rejectionOf(
      s3.send(
        new CreateBucketCommand({
          Bucket: 'other',
          CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
        }),
      ),
    );
    expect(constraint.name).toBe('IllegalLocationConstraintException');
    const duplicate = await rejectionOf(
      s3.send(
        new CreateBucketCommand({
          Bucket: 'orders-data',
          CreateBucketConfiguration: { LocationConstraint: 'us-east-2' },
        }),
      ),
    );
    expect(duplicate.name).toBe('BucketAlreadyOwnedByYou');
    const badName = await rejectionOf(s3.send(new CreateBucketCommand({ Bucket: 'Bad_Name' })));
    expect(badName.name).toBe('InvalidBucketName');
  });

  it('versioning keeps versions and a delete leaves a delete marker', async () => {
    const s3 = await bucketIn('us-east-1', 'versioned', true);
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'versioned' }))).Status).toBe('Enabled');
    const first = await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'one' }));
    await s3.send(new PutObjectCommand({ Bucket: 'versioned', Key: 'k', Body: 'two' }));
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: 'versioned', Key: 'k' }));
    expect(deleted.DeleteMarker).toBe(true);
    expect(
      await rejectionOf(s3.send(new GetObjectCommand({ Bucket: 'versioned', Key: 'k' }))),
    ).toBeInstanceOf(NoSuchKey);
    const old = await s3.send(
      new GetObjectCommand({ Bucket: 'versioned', Key: 'k', VersionId: first.VersionId }),
    );
    expect(await old.Body?.transformToString()).toBe('one');
  });

  it('nothing is public: unsigned requests are refused and bucket policies are not implemented', async () => {
    const s3 = await bucketIn('us-east-2', 'orders-data');
    await s3.send(new PutObjectCommand({ Bucket: 'orders-data', Key: 'k', Body: 'x' }));
    const unsigned = await fetch(`${sim.url}/orders-data/k`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toBe('Missing Authentication Token');
    const policy = await rejectionOf(
      s3.send(new PutBucketPolicyCommand({ Bucket: 'orders-data', Policy: '{"Statement":[]}' })),
    );
    expect(policy).toBeInstanceOf(S3ServiceException);
    expect((policy as S3ServiceException).$metadata.httpStatusCode).toBe(501);
    expect(policy.name).toBe('NotImplemented');
  });
});

describe('S3 replication', () => {
  it('replication copies objects to the other region and waits out an outage', async () => {
    const east1 = await bucketIn('us-east-1', 'data-use1', true);
    const east2 = await bucketIn('us-east-2', 'data-use2', true);
    const refused = await rejectionOf(
      east2.send(
        new PutBucketReplicationCommand({
          Bucket: 'data-use2',
          ReplicationConfiguration: {
            Role: 'arn:aws:iam::123456789012:role/replication',
            Rules: [
              {
                Status: 'Enabled',
                Priority: 1,
                Filter: { Prefix: '' },
                Destination: { Bucket: 'arn:aws:s3:::nope' },
              },
            ],
          },
        }),
      ),
    );
    expect(refused.name).toBe('InvalidRequest');
    await east1.send(
      new PutBucketReplicationCommand({
        Bucket: 'data-use1',
        ReplicationConfiguration: {
          Role: 'arn:aws:iam::123456789012:role/replication',
          Rules: [
            {
              ID: 'all',
              Status: 'Enabled',
              Priority: 1,
              Filter: { Prefix: '' },
              DeleteMarkerReplication: { Status: 'Enabled' },
              Destination: { Bucket: 'arn:aws:s3:::data-use2' },
            },
          ],
        },
      }),
    );
    await east1.send(new PutObjectCommand({ Bucket: 'data-use1', Key: 'copied', Body: 'payload' }));
    const replica = await waitFor(
      () => east2.send(new GetObjectCommand({ Bucket: 'data-use2', Key: 'copied' })),
      'the replica',
    );
    expect(await replica.Body?.transformToString()).toBe('payload');
    expect(replica.ReplicationStatus).toBe('REPLICA');
    await waitFor(async () => {
      const source = await east1.send(new HeadObjectCommand({ Bucket: 'data-use1', Key: 'copied' }));
      return source.ReplicationStatus === 'COMPLETED';
    }, 'source status COMPLETED');

    sim.faults.apply('partition', ['us-east-1', 'us-east-2']);
    await east1.send(new PutObjectCommand({ Bucket: 'data-use1', Key: 'late', Body: 'x' }));
    await sleep(20); // ten replication delays
    expect(
      await rejectionOf(east2.send(new GetObjectCommand({ Bucket: 'data-use2', Key: 'late' }))),
    ).toBeInstanceOf(NoSuchKey);
    sim.faults.apply('heal', ['us-east-1', 'us-east-2']);
    await waitFor(
      () => east2.send(new HeadObjectCommand({ Bucket: 'data-use2', Key: 'late' })),
      'replica after heal',
    );
  });
});
