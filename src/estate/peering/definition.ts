/**
 * Peering: the two regions' VPCs joined by a cross-region VPC peering connection, with a route to
 * the peer CIDR in every private route table of both regions.
 */
import { z } from 'zod';
import { withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import { commonSpecFields, commonSpecRules, ownerRegion, statusString } from '../common/parameters.js';
import { DEFAULT_CIDRS, DEFAULT_ZONES } from '../network/composition.js';
import { cidr16Rule, disjointRegionsRule, zoneCountRule } from '../network/definition.js';
import { peeringIdentity } from './identity.js';

/** What Peering needs of a region's Network XR: its CIDR (route destination) and zone count. */
const peerNetwork = (cidrBlock: string) =>
  withRules(
    z.strictObject({
      cidrBlock: z.string().max(18).default(cidrBlock).describe('The region’s VPC CIDR (a /16).'),
      zoneCount: z
        .int32()
        .max(3)
        .default(DEFAULT_ZONES)
        .describe('Private route tables (one per zone) to route through the peering; selects the variant.'),
    }),
    [cidr16Rule(), zoneCountRule()],
  ).default({ cidrBlock, zoneCount: DEFAULT_ZONES });

export const peeringSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: ownerRegion(),
    regions: withRules(
      z
        .strictObject({
          'us-east-1': peerNetwork(DEFAULT_CIDRS['us-east-1']),
          'us-east-2': peerNetwork(DEFAULT_CIDRS['us-east-2']),
        })
        .default({
          'us-east-1': { cidrBlock: DEFAULT_CIDRS['us-east-1'], zoneCount: DEFAULT_ZONES },
          'us-east-2': { cidrBlock: DEFAULT_CIDRS['us-east-2'], zoneCount: DEFAULT_ZONES },
        }),
      [disjointRegionsRule()],
    ).describe(
      'The Network XRs of the pair (same platformId); their VPCs and route tables are found by label.',
    ),
  }),
  commonSpecRules,
);

export const peeringStatus = z.strictObject({
  peeringConnectionId: statusString().optional(),
  acceptStatus: statusString().optional().describe('`active` once us-east-2 has accepted.'),
});

export const peeringDefinition = estateDefinition(peeringIdentity, {
  description: 'Cross-region VPC peering between the pair’s networks, routed from every private subnet.',
  spec: peeringSpec,
  status: peeringStatus,
  variants: true,
  printerColumns: [
    { name: 'Connection', type: 'string', jsonPath: '.status.peeringConnectionId' },
    { name: 'Status', type: 'string', jsonPath: '.status.acceptStatus' },
  ],
});
