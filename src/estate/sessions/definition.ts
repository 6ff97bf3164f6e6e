/**
 * SessionStore: the DynamoDB global table the app keeps sessions in, owned from the owner region with
 * a replica in the other region, so a session survives the loss of either region.
 */
import { z } from 'zod';
import { withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import { commonSpecFields, commonSpecRules, ownerRegion, statusString } from '../common/parameters.js';
import { sessionsIdentity } from './identity.js';

export const sessionsSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: ownerRegion().describe(
      'Region of the table itself (the replica goes to the other region); must survive the loss of the other.',
    ),
    ttlAttribute: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9_.-]+$/, 'must be a DynamoDB attribute name')
      .default('expiresAt')
      .describe('Number attribute (epoch seconds) after which DynamoDB deletes a session.'),
    deletionProtection: z.boolean().default(true).describe('On the table and its replica.'),
  }),
  commonSpecRules,
);

export const sessionsStatus = z.strictObject({
  tableName: statusString().optional(),
  tableArn: statusString().optional(),
  replicaRegion: statusString().optional(),
  replicaArn: statusString().optional(),
});

export const sessionsDefinition = estateDefinition(sessionsIdentity, {
  description: 'A DynamoDB global table (on-demand, PITR, TTL) replicated across the region pair.',
  spec: sessionsSpec,
  status: sessionsStatus,
  printerColumns: [
    { name: 'Table', type: 'string', jsonPath: '.status.tableName' },
    { name: 'Replica', type: 'string', jsonPath: '.status.replicaRegion' },
  ],
});
