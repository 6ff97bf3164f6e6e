/** Database: an Aurora MySQL global database across the region pair. */
import { z } from 'zod';
import { label } from '../../apis/common.js';
import { celRule, withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import { commonSpecFields, commonSpecRules, ownerRegion, statusString } from '../common/parameters.js';
import { databaseIdentity } from './identity.js';

/** Memory-optimised Graviton classes that Aurora MySQL 3 global databases support. */
export const INSTANCE_CLASSES = [
  'db.r6g.large',
  'db.r6g.xlarge',
  'db.r6g.2xlarge',
  'db.r7g.large',
  'db.r7g.xlarge',
  'db.r7g.2xlarge',
] as const;

/** `instanceClass`, when set, is one of INSTANCE_CLASSES (Database and TradingPlatform). */
export const instanceClassRule = () =>
  celRule<{ instanceClass?: string }>({
    rule: `!has(self.instanceClass) || self.instanceClass in [${INSTANCE_CLASSES.map((c) => `'${c}'`).join(', ')}]`,
    message: `instanceClass must be one of ${INSTANCE_CLASSES.join(', ')}`,
    fieldPath: '.instanceClass',
    check: (self) =>
      self.instanceClass === undefined ||
      (INSTANCE_CLASSES as readonly string[]).includes(self.instanceClass),
  });

export const databaseSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: ownerRegion(),
    globalClusterIdentifier: label().describe(
      'Name of the Aurora global cluster (its external name); clusters join it by this literal, because ' +
        'Cluster.globalClusterIdentifier has no reference field.',
    ),
    engineVersion: z.string().max(64).default('8.0.mysql_aurora.3.08.2'),
    databaseName: z.string().max(64).default('trading'),
    masterUsername: z.string().max(16).default('switchyard'),
    instanceClass: z.string().max(32).default('db.r6g.large'),
    instancesPerRegion: z
      .int32()
      .max(3)
      .default(2)
      .describe(
        'Cluster instances in each region (writer/reader + readers); selects the Composition variant.',
      ),
    backupRetentionDays: z
      .int32()
      .min(1)
      .max(35)
      .default(7)
      .describe('Backups and point-in-time recovery window.'),
    deletionProtection: z.boolean().default(true),
  }),
  [
    ...commonSpecRules,
    instanceClassRule(),
    celRule<{ instancesPerRegion?: number }>({
      rule: '!has(self.instancesPerRegion) || self.instancesPerRegion >= 2',
      message: 'instancesPerRegion must be at least 2: each region needs a reader to promote',
      fieldPath: '.instancesPerRegion',
      check: (self) => self.instancesPerRegion === undefined || self.instancesPerRegion >= 2,
    }),
  ],
);

const member = z.strictObject({
  region: statusString().optional(),
  clusterIdentifier: statusString().optional(),
  clusterArn: statusString().optional(),
  writerEndpoint: statusString().optional(),
  readerEndpoint: statusString().optional(),
});

export const databaseStatus = z.strictObject({
  globalClusterId: statusString().optional(),
  globalClusterArn: statusString().optional(),
  members: z.array(member).max(2).optional().describe('One entry per region: [0] us-east-1, [1] us-east-2.'),
});

export const databaseDefinition = estateDefinition(databaseIdentity, {
  description: 'An Aurora MySQL global database with one cluster per region of the pair.',
  spec: databaseSpec,
  status: databaseStatus,
  variants: true,
  printerColumns: [
    { name: 'Global', type: 'string', jsonPath: '.status.globalClusterId' },
    { name: 'Class', type: 'string', jsonPath: '.spec.instanceClass' },
  ],
});
