/**
 * Storage Composition. Each region: Bucket, BucketVersioning (replication needs it on both
 * sides), SSE-S3 encryption, a full public access block and a replication configuration to the
 * other region's bucket. One IAM role (IAM is global) replicates both ways; its policy names the
 * buckets by their deterministic names, so it can be written before the buckets exist.
 * SSE-S3 rather than SSE-KMS: KMS-encrypted objects replicate only with per-region keys and
 * sourceSelectionCriteria, which buys nothing for data that is already private.
 */
import { serviceTrustPolicy } from '../../iam/policy-document.js';
import { REGION_LABEL, ROLE_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { dataBucketFormat, EXTERNAL_NAME } from '../common/names.js';
import { type PairRegion, peerOf, REGION_PAIR } from '../common/parameters.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { combineFromComposite, fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { format } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate } from '../patch-and-transform/types.js';
import { storageIdentity } from './identity.js';

const dataBucket = (region: PairRegion) => ({ [REGION_LABEL]: region, [ROLE_LABEL]: 'data' });

const assumeRolePolicy = JSON.stringify(serviceTrustPolicy('s3.amazonaws.com'));

/** S3's replication permissions over both buckets (each is source and destination). */
function replicationPolicy(): { fmt: string; placeholders: number } {
  const buckets = REGION_PAIR.map((region) => `arn:aws:s3:::${dataBucketFormat(region)}`);
  const objects = buckets.map((arn) => `${arn}/*`);
  const fmt = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: buckets },
      {
        Effect: 'Allow',
        Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
        Resource: objects,
      },
      {
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
        Resource: objects,
      },
    ],
  });
  return { fmt, placeholders: fmt.split('%s').length - 1 };
}

function regionResources(region: PairRegion): ComposedTemplate[] {
  const bucketSelector = selectOwn(dataBucket(region));
  return [
    managed({
      name: `bucket-${region}`,
      service: 's3',
      kind: 'Bucket',
      region,
      labels: dataBucket(region),
      forProvider: {},
      patches: [
        fromComposite('spec.platformId', EXTERNAL_NAME, { transforms: [format(dataBucketFormat(region))] }),
        fromComposite('spec.forceDestroy', 'spec.forProvider.forceDestroy'),
        toComposite('status.atProvider.id', `status.buckets.${region}.name`),
        toComposite('status.atProvider.arn', `status.buckets.${region}.arn`),
      ],
    }),
    managed({
      name: `bucket-versioning-${region}`,
      service: 's3',
      kind: 'BucketVersioning',
      region,
      forProvider: { bucketSelector, versioningConfiguration: { status: 'Enabled' } },
    }),
    managed({
      name: `bucket-encryption-${region}`,
      service: 's3',
      kind: 'BucketServerSideEncryptionConfiguration',
      region,
      forProvider: {
        bucketSelector,
        rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
      },
    }),
    managed({
      name: `bucket-public-access-${region}`,
      service: 's3',
      kind: 'BucketPublicAccessBlock',
      region,
      forProvider: {
        bucketSelector,
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
    }),
    managed({
      name: `bucket-replication-${region}`,
      service: 's3',
      kind: 'BucketReplicationConfiguration',
      region,
      forProvider: {
        bucketSelector,
        roleSelector: selectOwn(),
        rule: [
          {
            id: `to-${peerOf(region)}`,
            status: 'Enabled',
            filter: { prefix: '' },
            deleteMarkerReplication: { status: 'Enabled' },
            // Two-way replication: metadata changes made to a replica flow back too.
            sourceSelectionCriteria: { replicaModifications: { status: 'Enabled' } },
            destination: { bucketSelector: selectOwn(dataBucket(peerOf(region))) },
          },
        ],
      },
      patches: [
        fromComposite('spec.replicaStorageClass', 'spec.forProvider.rule[0].destination.storageClass'),
      ],
    }),
  ];
}

export function storageResources(): ComposedTemplate[] {
  const policy = replicationPolicy();
  return [
    ...REGION_PAIR.flatMap(regionResources),
    managed({
      name: 'replication-role',
      service: 'iam',
      kind: 'Role',
      forProvider: {
        description: 'S3 replication between the Switchyard data buckets of the region pair',
        assumeRolePolicy,
      },
      patches: [toComposite('status.atProvider.arn', 'status.replicationRoleArn')],
    }),
    managed({
      name: 'replication-policy',
      service: 'iam',
      kind: 'Policy',
      forProvider: { description: 'Replicate objects between the Switchyard data buckets' },
      patches: [
        combineFromComposite(
          Array(policy.placeholders).fill('spec.platformId'),
          policy.fmt,
          'spec.forProvider.policy',
        ),
      ],
    }),
    managed({
      name: 'replication-role-policy',
      service: 'iam',
      kind: 'RolePolicyAttachment',
      forProvider: { roleSelector: selectOwn(), policyArnSelector: selectOwn() },
    }),
  ];
}

export function storageCompositions(): PipelineCompositionProps[] {
  return [
    {
      name: storageIdentity.compositionName(),
      compositeTypeRef: storageIdentity.compositeTypeRef,
      patchSets: commonPatchSets,
      resources: storageResources(),
    },
  ];
}
