/**
 * Storage: a versioned, encrypted, private data bucket in each region of the pair, replicated in
 * both directions, so objects written in whichever region serves survive the loss of that region.
 */
import { z } from 'zod';
import { withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import { commonSpecFields, commonSpecRules, ownerRegion, statusString } from '../common/parameters.js';
import { storageIdentity } from './identity.js';

export const storageSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: ownerRegion(),
    forceDestroy: z
      .boolean()
      .default(false)
      .describe('Let deleting the XR delete non-empty buckets (all object versions). Off for real data.'),
    replicaStorageClass: z
      .enum(['STANDARD', 'STANDARD_IA', 'INTELLIGENT_TIERING'])
      .default('STANDARD')
      .describe('Storage class of replicated copies; the standby serves from them after a failover.'),
  }),
  commonSpecRules,
);

const bucket = z.strictObject({ name: statusString().optional(), arn: statusString().optional() });

export const storageStatus = z.strictObject({
  buckets: z.strictObject({ 'us-east-1': bucket.optional(), 'us-east-2': bucket.optional() }).optional(),
  replicationRoleArn: statusString().optional(),
});

export const storageDefinition = estateDefinition(storageIdentity, {
  description: 'Versioned, encrypted data buckets in both regions with replication in both directions.',
  spec: storageSpec,
  status: storageStatus,
  printerColumns: [{ name: 'Role', type: 'string', jsonPath: '.status.replicationRoleArn' }],
});
