/**
 * The seed's values, asserted as values on the rendered platform (once every XR has reported, so
 * nothing is held back): Route 53 checks every 30 s, Aurora backups kept 7 days (its point-in-time
 * window) with a final snapshot, DynamoDB on demand with point-in-time recovery on both sides, S3
 * versioned, and every store encrypted at rest: Aurora under each region's own KMS key, DynamoDB
 * under the AWS managed key, S3 with SSE-S3, SNS under the topic's own key.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { converged, forProviderOf, regionOf, renderPlatformMrs, resourceName } from '../../support/estate.js';

const REGIONS = ['us-east-1', 'us-east-2'] as const;
const mrs = renderPlatformMrs(SchemaCatalog.load(), converged);

/** The MRs of a kind, at least one (an assertion over none would pass for nothing). */
function all(kind: string, region?: string): KubeObject[] {
  const found = mrs.filter((mr) => mr.kind === kind && (region === undefined || regionOf(mr) === region));
  expect(found.length, `${kind} ${region ?? ''}`).toBeGreaterThan(0);
  return found;
}

function one(kind: string, region: string): KubeObject {
  const found = all(kind, region);
  expect(found, `${kind} in ${region}`).toHaveLength(1);
  return found[0] as KubeObject;
}

interface Selector {
  matchControllerRef?: boolean;
  matchLabels?: Record<string, string>;
}

/** The one MR of `kind` in `region` that `selector` picks (labels ⊆ its labels). */
function selected(selector: Selector | undefined, kind: string, region: string): KubeObject {
  const matches = mrs.filter(
    (mr) =>
      mr.kind === kind &&
      regionOf(mr) === region &&
      Object.entries(selector?.matchLabels ?? {}).every(
        ([key, value]) => mr.metadata.labels?.[key] === value,
      ),
  );
  expect(matches, `${kind} in ${region} selected by ${JSON.stringify(selector)}`).toHaveLength(1);
  return matches[0] as KubeObject;
}

describe('the seed’s values, as rendered', () => {
  it('Route 53 checks each ALB over HTTPS every 30 s, failing after 3 misses', () => {
    const checks = all('HealthCheck').filter((mr) => forProviderOf(mr).type === 'HTTPS');
    expect(checks.map(resourceName).sort()).toEqual([
      'health-check-alb-us-east-1',
      'health-check-alb-us-east-2',
    ]);
    for (const check of checks)
      expect(forProviderOf(check), resourceName(check)).toMatchObject({
        requestInterval: 30,
        failureThreshold: 3,
        port: 443,
        resourcePath: '/healthz',
        enableSni: true,
      });
  });

  it.each(REGIONS)(
    'Aurora in %s: encrypted under the region’s own rotated key, backups kept 7 days',
    (region) => {
      const cluster = forProviderOf<{ kmsKeyIdSelector: Selector }>(one('Cluster', region));
      expect(cluster).toMatchObject({
        storageEncrypted: true,
        backupRetentionPeriod: 7,
        preferredBackupWindow: '03:00-04:00',
        copyTagsToSnapshot: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `switchyard-final-${region}`,
        deletionProtection: true,
      });
      expect(cluster.kmsKeyIdSelector.matchControllerRef).toBe(true);
      expect(forProviderOf(selected(cluster.kmsKeyIdSelector, 'Key', region))).toMatchObject({
        enableKeyRotation: true,
        deletionWindowInDays: 30,
      });
    },
  );

  it('the Aurora global cluster is encrypted and never force-destroyed with its members', () => {
    const [global] = all('GlobalCluster');
    expect(forProviderOf(global as KubeObject)).toMatchObject({
      storageEncrypted: true,
      forceDestroy: false,
    });
  });

  it('DynamoDB: on demand, point-in-time recovery on the table and its replica, under the AWS managed key', () => {
    const [table] = all('Table');
    const tableValues = forProviderOf<{ serverSideEncryption: Record<string, unknown> }>(table as KubeObject);
    expect(tableValues).toMatchObject({
      billingMode: 'PAY_PER_REQUEST',
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: true,
    });
    // No key of ours: enabled without a key ARN is the AWS managed key (aws/dynamodb) of each region.
    expect(tableValues.serverSideEncryption).toEqual({ enabled: true });
    const [replica] = all('TableReplica');
    const replicaValues = forProviderOf(replica as KubeObject);
    expect(replicaValues).toMatchObject({ pointInTimeRecovery: true, deletionProtectionEnabled: true });
    expect(replicaValues.kmsKeyArn).toBeUndefined();
  });

  it.each(REGIONS)('S3 in %s: the data bucket is versioned, SSE-S3 encrypted and not public', (region) => {
    const bucket = one('Bucket', region);
    const ofBucket = (kind: string) => {
      const found = all(kind, region);
      expect(found).toHaveLength(1);
      const config = forProviderOf<{ bucketSelector: Selector }>(found[0] as KubeObject);
      expect(selected(config.bucketSelector, 'Bucket', region)).toBe(bucket);
      return config;
    };
    expect(ofBucket('BucketVersioning')).toMatchObject({ versioningConfiguration: { status: 'Enabled' } });
    expect(ofBucket('BucketServerSideEncryptionConfiguration')).toMatchObject({
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    expect(ofBucket('BucketPublicAccessBlock')).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
  });

  it.each(REGIONS)(
    'SNS in %s: the alert topic is encrypted under the key its Alerting XR reported',
    (region) => {
      const topic = forProviderOf<{ kmsMasterKeyId: string }>(one('Topic', region));
      expect(topic.kmsMasterKeyId).toMatch(new RegExp(`^arn:aws:kms:${region}:123456789012:key/`));
      const keys = all('Key', region).filter((key) => resourceName(key) === 'topic-key');
      expect(keys).toHaveLength(1);
      expect(forProviderOf(keys[0] as KubeObject)).toMatchObject({ enableKeyRotation: true });
    },
  );
});
