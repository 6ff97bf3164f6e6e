/**
 * Database Compositions (one per instance count). Runtime ownership (ARCHITECTURE §4):
 * - Which cluster writes is Aurora state the controller changes (Switchover/FailoverGlobalCluster);
 *   no Crossplane field says it.
 * - Global membership (`globalClusterIdentifier`) and the bootstrap writer's credentials
 *   (`masterUsername`, `manageMasterUserPassword`) are initProvider: sent on Create, never enforced.
 *   The global cluster is created empty (no sourceDbClusterIdentifier), and the us-east-1 cluster,
 *   the only one created with credentials, joins first and becomes the first writer; the us-east-2
 *   cluster is refused as a primary (no credentials) until then, so creation orders itself.
 * - Clusters use the XR's runtimeOwnedManagementPolicies (no LateInitialize), so the provider never
 *   copies an observed global id or writer-side value into forProvider, and the composed MR never
 *   asks for the membership Git wrote at creation after the controller changed it.
 */
import { encryptionKey } from '../common/encryption.js';
import { INSTANCES_LABEL, REGION_LABEL, ROLE_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { clusterIdentifierFormat, EXTERNAL_NAME } from '../common/names.js';
import { ESTATE_GROUP, type PairRegion, PLATFORM_LABEL, REGION_PAIR } from '../common/parameters.js';
import { initProviderPath } from '../common/runtime-owned.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { convertTo, format, mapValues } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate } from '../patch-and-transform/types.js';
import { securityGroupLabels } from '../security/groups.js';
import { databaseIdentity } from './identity.js';

const ENGINE = 'aurora-mysql';
/** The bootstrap writer: created with credentials, joins the empty global cluster first. */
const BOOTSTRAP_WRITER_REGION: PairRegion = 'us-east-1';

/** One parameter group definition, instantiated in each region (parameter groups are regional). */
export const clusterParameterGroup = {
  family: 'aurora-mysql8.0',
  description: 'Switchyard trading: binary logging for CDC, UTC, strict SQL',
  parameter: [
    { name: 'binlog_format', value: 'ROW', applyMethod: 'pending-reboot' },
    { name: 'time_zone', value: 'UTC', applyMethod: 'immediate' },
    { name: 'sql_mode', value: 'STRICT_ALL_TABLES', applyMethod: 'immediate' },
  ],
};

const regionLabels = (region: PairRegion) => ({ [REGION_LABEL]: region });

/** Selects another XR's resources of this platform in one region (same namespace). */
const platformSelectorPatch = (selectorPath: string) =>
  fromComposite('spec.platformId', `${selectorPath}.matchLabels[${PLATFORM_LABEL}]`);

function regionResources(region: PairRegion, index: number, instances: number): ComposedTemplate[] {
  const own = (extra: Record<string, string> = {}) => selectOwn({ ...regionLabels(region), ...extra });
  const bootstrap = region === BOOTSTRAP_WRITER_REGION;
  const resources: ComposedTemplate[] = [
    encryptionKey({
      name: `kms-key-${region}`,
      region,
      labels: regionLabels(region),
      description: `Aurora storage encryption (${region})`,
    }),
    managed({
      name: `cluster-parameter-group-${region}`,
      service: 'rds',
      kind: 'ClusterParameterGroup',
      region,
      labels: regionLabels(region),
      forProvider: clusterParameterGroup,
    }),
    managed({
      name: `subnet-group-${region}`,
      service: 'rds',
      kind: 'SubnetGroup',
      region,
      labels: regionLabels(region),
      forProvider: {
        description: `Private subnets of the ${region} network`,
        subnetIdSelector: { matchLabels: { ...regionLabels(region), [`${ESTATE_GROUP}/access`]: 'private' } },
      },
      patches: [platformSelectorPatch('spec.forProvider.subnetIdSelector')],
    }),
    managed({
      name: `cluster-${region}`,
      service: 'rds',
      kind: 'Cluster',
      region,
      runtimeOwned: true,
      labels: { ...regionLabels(region), [ROLE_LABEL]: 'aurora' },
      forProvider: {
        engine: ENGINE,
        storageEncrypted: true,
        kmsKeyIdSelector: own(),
        dbSubnetGroupNameSelector: own(),
        dbClusterParameterGroupNameSelector: own(),
        vpcSecurityGroupIdSelector: {
          matchLabels: { ...regionLabels(region), ...securityGroupLabels('database') },
        },
        preferredBackupWindow: '03:00-04:00',
        copyTagsToSnapshot: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `switchyard-final-${region}`,
        enabledCloudwatchLogsExports: ['error', 'slowquery'],
      },
      initProvider: bootstrap ? { masterUsername: 'switchyard', manageMasterUserPassword: true } : {},
      patches: [
        // `<global id>-<region>`: alarms (Alerting) and the controller know it without a status round trip.
        fromComposite('spec.globalClusterIdentifier', EXTERNAL_NAME, {
          transforms: [format(clusterIdentifierFormat(region))],
        }),
        fromComposite('spec.engineVersion', 'spec.forProvider.engineVersion'),
        fromComposite('spec.backupRetentionDays', 'spec.forProvider.backupRetentionPeriod'),
        fromComposite('spec.deletionProtection', 'spec.forProvider.deletionProtection'),
        fromComposite(
          'spec.globalClusterIdentifier',
          initProviderPath('rds', 'Cluster', 'globalClusterIdentifier'),
        ),
        ...(bootstrap
          ? [
              fromComposite('spec.masterUsername', initProviderPath('rds', 'Cluster', 'masterUsername')),
              fromComposite('spec.databaseName', 'spec.initProvider.databaseName'),
            ]
          : []),
        platformSelectorPatch('spec.forProvider.vpcSecurityGroupIdSelector'),
        toComposite('spec.forProvider.region', `status.members[${index}].region`),
        toComposite('status.atProvider.id', `status.members[${index}].clusterIdentifier`),
        toComposite('status.atProvider.arn', `status.members[${index}].clusterArn`),
        toComposite('status.atProvider.endpoint', `status.members[${index}].writerEndpoint`),
        toComposite('status.atProvider.readerEndpoint', `status.members[${index}].readerEndpoint`),
      ],
    }),
  ];
  for (let n = 1; n <= instances; n++) {
    resources.push(
      managed({
        name: `cluster-instance-${region}-${n}`,
        service: 'rds',
        kind: 'ClusterInstance',
        region,
        labels: regionLabels(region),
        forProvider: {
          engine: ENGINE,
          clusterIdentifierSelector: own({ [ROLE_LABEL]: 'aurora' }),
          dbSubnetGroupNameSelector: own(),
          publiclyAccessible: false,
          performanceInsightsEnabled: true,
          promotionTier: n,
        },
        patches: [fromComposite('spec.instanceClass', 'spec.forProvider.instanceClass')],
      }),
    );
  }
  return resources;
}

export function databaseResources(instances: number): ComposedTemplate[] {
  return [
    managed({
      name: 'global-cluster',
      service: 'rds',
      kind: 'GlobalCluster',
      region: 'fromXr',
      runtimeOwned: true,
      forProvider: { engine: ENGINE, storageEncrypted: true, forceDestroy: false },
      patches: [
        fromComposite('spec.globalClusterIdentifier', EXTERNAL_NAME),
        fromComposite('spec.engineVersion', 'spec.forProvider.engineVersion'),
        fromComposite('spec.deletionProtection', 'spec.forProvider.deletionProtection'),
        // Variant guard: an XR asking for another instance count fails to render.
        fromComposite('spec.instancesPerRegion', `metadata.labels[${INSTANCES_LABEL}]`, {
          transforms: [convertTo('string'), mapValues({ [String(instances)]: String(instances) })],
        }),
        toComposite('status.atProvider.id', 'status.globalClusterId'),
        toComposite('status.atProvider.arn', 'status.globalClusterArn'),
      ],
    }),
    ...REGION_PAIR.flatMap((region, index) => regionResources(region, index, instances)),
  ];
}

export function databaseCompositions(): PipelineCompositionProps[] {
  return [2, 3].map((instances) => ({
    name: databaseIdentity.compositionName(instances === 2 ? undefined : `${instances}-instances`),
    compositeTypeRef: databaseIdentity.compositeTypeRef,
    labels: { [INSTANCES_LABEL]: String(instances) },
    patchSets: commonPatchSets,
    resources: databaseResources(instances),
  }));
}
