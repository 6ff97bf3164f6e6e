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
import { fastSimulator, httpGet, rejectionOf, s3Client, waitFor } from './support.js';

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

const gatePolicy = (bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/gates/*` },
    ],
  });

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
});

describe('S3 replication and traffic gates', () => {
  it('replication copies objects to the other region and waits out an outage', async () => {
    const east1 = await bucketIn('us-east-1', 'gates-use1', true);
    const east2 = await bucketIn('us-east-2', 'gates-use2', true);
    const refused = await rejectionOf(
      east2.send(
        new PutBucketReplicationCommand({
          Bucket: 'gates-use2',
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
        Bucket: 'gates-use1',
        ReplicationConfiguration: {
          Role: 'arn:aws:iam::123456789012:role/replication',
          Rules: [
            {
              ID: 'all',
              Status: 'Enabled',
              Priority: 1,
              Filter: { Prefix: '' },
              DeleteMarkerReplication: { Status: 'Enabled' },
              Destination: { Bucket: 'arn:aws:s3:::gates-use2' },
            },
          ],
        },
      }),
    );
    await east1.send(new PutObjectCommand({ Bucket: 'gates-use1', Key: 'copied', Body: 'payload' }));
    const replica = await waitFor(
      () => east2.send(new GetObjectCommand({ Bucket: 'gates-use2', Key: 'copied' })),
      'the replica',
    );
    expect(await replica.Body?.transformToString()).toBe('payload');
    expect(replica.ReplicationStatus).toBe('REPLICA');
    await waitFor(async () => {
      const source = await east1.send(new HeadObjectCommand({ Bucket: 'gates-use1', Key: 'copied' }));
      return source.ReplicationStatus === 'COMPLETED';
    }, 'source status COMPLETED');

    sim.faults.apply('partition', ['us-east-1', 'us-east-2']);
    await east1.send(new PutObjectCommand({ Bucket: 'gates-use1', Key: 'late', Body: 'x' }));
    await new Promise((resolve) => setTimeout(resolve, 20)); // ten replication delays
    expect(
      await rejectionOf(east2.send(new GetObjectCommand({ Bucket: 'gates-use2', Key: 'late' }))),
    ).toBeInstanceOf(NoSuchKey);
    sim.faults.apply('heal', ['us-east-1', 'us-east-2']);
    await waitFor(
      () => east2.send(new HeadObjectCommand({ Bucket: 'gates-use2', Key: 'late' })),
      'replica after heal',
    );
  });

  it('anonymous object URLs answer 200 when present, 404 when absent, 403 outside the policy', async () => {
    const s3 = await bucketIn('us-east-2', 'gates-use2');
    const url = (key: string) => `${sim.url}/gates-use2/${key}`;
    expect((await fetch(url('gates/drain-us-east-1'))).status).toBe(403);
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'gates-use2', Policy: gatePolicy('gates-use2') }));
    expect((await fetch(url('gates/drain-us-east-1'))).status).toBe(404);
    await s3.send(new PutObjectCommand({ Bucket: 'gates-use2', Key: 'gates/drain-us-east-1', Body: '' }));
    expect((await fetch(url('gates/drain-us-east-1'))).status).toBe(200);
    const virtualHost = await httpGet(`${sim.url}/gates/drain-us-east-1`, {
      host: 'gates-use2.s3.us-east-2.amazonaws.com',
    });
    expect(virtualHost).toBe(200);
    await s3.send(new PutObjectCommand({ Bucket: 'gates-use2', Key: 'private', Body: 'x' }));
    expect((await fetch(url('private'))).status).toBe(403);
    sim.faults.apply('region-down', ['us-east-2']);
    await expect(fetch(url('gates/drain-us-east-1'))).rejects.toThrow();
  });
});
