/** Network: one region's VPC, public/private subnets over 2-3 zones, internet and NAT egress. */
import { z } from 'zod';
import { celRule, withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import { commonSpecFields, commonSpecRules, regionInPair, statusString } from '../common/parameters.js';
import { networkIdentity } from './identity.js';

/** Regular expression and CEL agree on this: four octets and a /16 suffix. */
const slash16 =
  '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/16$';

export const cidr16Rule = <T extends { cidrBlock: string }>(field = 'cidrBlock') =>
  celRule<T>({
    rule: `self.${field}.matches('${slash16.replaceAll('\\', '\\\\')}')`,
    message: `${field} must be an IPv4 /16 CIDR such as 10.0.0.0/16 (subnets are carved as /24s from it)`,
    fieldPath: `.${field}`,
    check: (self) => new RegExp(slash16).test((self as Record<string, string>)[field] ?? ''),
  });

export const zoneCountRule = () =>
  celRule<{ zoneCount?: number }>({
    rule: '!has(self.zoneCount) || self.zoneCount >= 2',
    message: 'zoneCount must be at least 2: one zone cannot survive the loss of a zone',
    fieldPath: '.zoneCount',
    check: (self) => self.zoneCount === undefined || self.zoneCount >= 2,
  });

type PairCidrs = { 'us-east-1'?: { cidrBlock?: string }; 'us-east-2'?: { cidrBlock?: string } };

/** On a `regions` object keyed by the pair: two /16s overlap exactly when they are equal. */
export const disjointRegionsRule = () =>
  celRule<PairCidrs>({
    rule: '!has(self.us__dash__east__dash__1) || !has(self.us__dash__east__dash__2) || self.us__dash__east__dash__1.cidrBlock != self.us__dash__east__dash__2.cidrBlock',
    message: 'the two regions need non-overlapping CIDR blocks (VPC peering routes between them)',
    check: (self) =>
      self['us-east-1']?.cidrBlock === undefined ||
      self['us-east-1']?.cidrBlock !== self['us-east-2']?.cidrBlock,
  });

export const networkSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: regionInPair(),
    cidrBlock: z
      .string()
      .max(18)
      .describe('VPC CIDR, a /16 (10.0.0.0/16 in us-east-1, 10.1.0.0/16 in us-east-2).'),
    zoneCount: z
      .int32()
      .max(3)
      .default(3)
      .describe('Availability zones (a, b, c…) to spread subnets over; selects the Composition variant.'),
    natGateways: z
      .enum(['PerZone', 'Single'])
      .default('PerZone')
      .describe('One NAT gateway per zone (zone-independent egress) or one shared (cheaper).'),
  }),
  [...commonSpecRules, cidr16Rule(), zoneCountRule()],
);

export const networkStatus = z.strictObject({
  vpcId: statusString().optional(),
  cidrBlock: statusString().optional(),
  publicSubnetIds: z.array(statusString()).max(3).optional(),
  privateSubnetIds: z.array(statusString()).max(3).optional(),
  privateRouteTableIds: z.array(statusString()).max(3).optional(),
});

export const networkDefinition = estateDefinition(networkIdentity, {
  description: 'A regional VPC with public and private subnets, an internet gateway and NAT egress.',
  spec: networkSpec,
  status: networkStatus,
  variants: true,
  printerColumns: [
    { name: 'Region', type: 'string', jsonPath: '.spec.region' },
    { name: 'CIDR', type: 'string', jsonPath: '.spec.cidrBlock' },
    { name: 'VPC', type: 'string', jsonPath: '.status.vpcId' },
  ],
});
