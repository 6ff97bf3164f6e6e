/**
 * SessionStore Composition: a Table in the XR's region and a TableReplica in the other one (global
 * tables version 2019.11.21). Separate TableReplica MRs rather than the Table's `replica` block,
 * so each region's copy is its own MR with its own readiness and region endpoint. The Table keeps
 * LateInitialize (the common policies): the replica the TableReplica adds is then copied into the
 * Table's forProvider instead of being planned for removal, Crossplane's form of upstream's
 * "ignore_changes = [replica]" advice.
 */
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { EXTERNAL_NAME, SESSIONS_TABLE_FORMAT } from '../common/names.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { format } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate } from '../patch-and-transform/types.js';
import { sessionsIdentity } from './identity.js';

/** The app's contract: one string partition key. */
export const SESSION_KEY = 'sessionId';

export function sessionsResources(): ComposedTemplate[] {
  return [
    managed({
      name: 'table',
      service: 'dynamodb',
      kind: 'Table',
      region: 'fromXr',
      forProvider: {
        billingMode: 'PAY_PER_REQUEST',
        hashKey: SESSION_KEY,
        attribute: [{ name: SESSION_KEY, type: 'S' }],
        pointInTimeRecovery: { enabled: true },
        // Under the AWS managed key (aws/dynamodb) in each region rather than the AWS owned
        // default: KMS use shows in CloudTrail, and there is no key of ours to lose; the replica
        // uses the same key of its region.
        serverSideEncryption: { enabled: true },
        ttl: { enabled: true },
        // Replicas are fed from the table's stream; global tables require new and old images.
        streamEnabled: true,
        streamViewType: 'NEW_AND_OLD_IMAGES',
      },
      patches: [
        fromComposite('spec.platformId', EXTERNAL_NAME, { transforms: [format(SESSIONS_TABLE_FORMAT)] }),
        fromComposite('spec.ttlAttribute', 'spec.forProvider.ttl.attributeName'),
        fromComposite('spec.deletionProtection', 'spec.forProvider.deletionProtectionEnabled'),
        toComposite('status.atProvider.id', 'status.tableName'),
        toComposite('status.atProvider.arn', 'status.tableArn'),
      ],
    }),
    managed({
      name: 'table-replica',
      service: 'dynamodb',
      kind: 'TableReplica',
      region: 'peerOfXr',
      forProvider: { globalTableArnSelector: selectOwn(), pointInTimeRecovery: true },
      patches: [
        fromComposite('spec.deletionProtection', 'spec.forProvider.deletionProtectionEnabled'),
        toComposite('spec.forProvider.region', 'status.replicaRegion'),
        toComposite('status.atProvider.arn', 'status.replicaArn'),
      ],
    }),
  ];
}

export function sessionsCompositions(): PipelineCompositionProps[] {
  return [
    {
      name: sessionsIdentity.compositionName(),
      compositeTypeRef: sessionsIdentity.compositeTypeRef,
      patchSets: commonPatchSets,
      resources: sessionsResources(),
    },
  ];
}
