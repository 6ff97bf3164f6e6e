/**
 * The pair-level data APIs: the session table lives in the owner region with its replica in the
 * other one, and each data bucket replicates into the other region's bucket through one role
 * whose policy names both buckets.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { byResourceName, examplesDir, forProviderOf, regionOf, renderExample } from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const dir = mkdtempSync(join(tmpdir(), 'switchyard-replication-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SessionStore', () => {
  it('is an on-demand table with PITR and TTL, streaming into a replica in the other region', () => {
    const { resources } = renderExample(join(examplesDir, 'sessions.yaml'), { catalog });
    const table = byResourceName(resources, 'table');
    expect(table).toMatchObject({
      metadata: { annotations: { 'crossplane.io/external-name': 'trading-sessions' } },
      spec: {
        forProvider: {
          region: 'us-east-2',
          billingMode: 'PAY_PER_REQUEST',
          pointInTimeRecovery: { enabled: true },
          ttl: { enabled: true, attributeName: 'expiresAt' },
          streamViewType: 'NEW_AND_OLD_IMAGES',
        },
        managementPolicies: ['*'],
      },
    });
    expect(byResourceName(resources, 'table-replica').spec?.forProvider).toMatchObject({
      region: 'us-east-1',
      pointInTimeRecovery: true,
      globalTableArnSelector: { matchControllerRef: true },
    });
  });

  it('follows the owner region: owned from us-east-1, the replica goes to us-east-2', () => {
    const xr = parse(readFileSync(join(examplesDir, 'sessions.yaml'), 'utf8'));
    xr.spec.region = 'us-east-1';
    const file = join(dir, 'sessions-us-east-1.yaml');
    writeFileSync(file, stringify(xr));
    const { resources } = renderExample(file, { catalog });
    expect(resources.map((mr) => `${mr.kind} ${regionOf(mr)}`)).toEqual([
      'Table us-east-1',
      'TableReplica us-east-2',
    ]);
  });
});

describe('Storage', () => {
  const { resources } = renderExample(join(examplesDir, 'storage.yaml'), { catalog });

  it('replicates each region’s bucket into the other region’s, through the one role', () => {
    for (const [region, peer] of [
      ['us-east-1', 'us-east-2'],
      ['us-east-2', 'us-east-1'],
    ] as const) {
      expect(byResourceName(resources, `bucket-replication-${region}`).spec?.forProvider).toMatchObject({
        region,
        bucketSelector: {
          matchControllerRef: true,
          matchLabels: { 'platform.switchyard.dev/region': region },
        },
        roleSelector: { matchControllerRef: true },
        rule: [
          {
            id: `to-${peer}`,
            status: 'Enabled',
            deleteMarkerReplication: { status: 'Enabled' },
            destination: {
              storageClass: 'STANDARD',
              bucketSelector: { matchLabels: { 'platform.switchyard.dev/region': peer } },
            },
          },
        ],
      });
      expect(byResourceName(resources, `bucket-versioning-${region}`).spec?.forProvider).toMatchObject({
        versioningConfiguration: { status: 'Enabled' },
      });
      expect(byResourceName(resources, `bucket-public-access-${region}`).spec?.forProvider).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    }
  });

  it('grants the role exactly the replication actions on both buckets', () => {
    const policy = JSON.parse(
      forProviderOf<{ policy: string }>(byResourceName(resources, 'replication-policy')).policy,
    );
    const resourcesOf = (action: string) =>
      policy.Statement.find((statement: { Action: string[] }) => statement.Action.includes(action))?.Resource;
    expect(resourcesOf('s3:GetReplicationConfiguration')).toEqual([
      'arn:aws:s3:::trading-switchyard-data-us-east-1',
      'arn:aws:s3:::trading-switchyard-data-us-east-2',
    ]);
    expect(resourcesOf('s3:ReplicateObject')).toEqual([
      'arn:aws:s3:::trading-switchyard-data-us-east-1/*',
      'arn:aws:s3:::trading-switchyard-data-us-east-2/*',
    ]);
    const role = byResourceName(resources, 'replication-role').spec?.forProvider as {
      assumeRolePolicy: string;
    };
    expect(JSON.parse(role.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 's3.amazonaws.com' });
  });
});
