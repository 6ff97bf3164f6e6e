/**
 * TrafficRouting: Route 53 failover and latency records for the pair, gated per ARCHITECTURE §2.
 * Each region's records carry a CALCULATED check = AND(ALB check, gate check, fence check): the
 * gate of region R is an alarm in R that keeps its state, the fence of R an alarm in the *other*
 * region that holds only while renewed, so the survivor alone can drain R (one PutMetricData in
 * its own region) and reopen itself, with no Route 53 control-plane call (ADR 0010).
 */
import { z } from 'zod';
import { celRule, withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import {
  commonSpecFields,
  commonSpecRules,
  DEFAULT_HEALTH_PATH,
  ownerRegion,
  statusString,
} from '../common/parameters.js';
import { trafficIdentity } from './identity.js';

const hostname = () =>
  z
    .string()
    .max(253)
    .regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a DNS name');

/**
 * Route 53 creates a record only inside its zone: a domainName outside zoneName would fail in AWS
 * after the rest of the estate was built, so the XRD refuses it (TradingPlatform and Traffic).
 */
export function domainInZoneRule() {
  return celRule({
    rule: "self.domainName == self.zoneName || self.domainName.endsWith('.' + self.zoneName)",
    message:
      'domainName must be zoneName or a name below it (Route 53 creates records only inside their zone)',
    fieldPath: '.domainName',
    check: (self: { domainName: string; zoneName: string }) =>
      self.domainName === self.zoneName || self.domainName.endsWith(`.${self.zoneName}`),
  });
}

const endpoint = z.strictObject({
  albDnsName: z.string().max(253).optional().describe('DNS name of the region’s ALB (Compute status).'),
  albZoneId: z.string().max(32).optional().describe('Canonical hosted zone id of the ALB.'),
});

export const trafficSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: ownerRegion(),
    zoneName: hostname().describe('Hosted zone name (the managed-zone variant creates it).'),
    existingZoneId: z.string().max(32).optional().describe('Zone id for the existing-zone variant.'),
    domainName: hostname().describe(
      'Name clients resolve; failover records (PRIMARY us-east-1, SECONDARY us-east-2).',
    ),
    healthPath: z
      .string()
      .max(255)
      .default(DEFAULT_HEALTH_PATH)
      .describe('Path the ALB health checks request.'),
    endpoints: z
      .strictObject({ 'us-east-1': endpoint.optional(), 'us-east-2': endpoint.optional() })
      .optional()
      .describe('Per-region ALB aliases; a TradingPlatform fills them from its Compute XRs.'),
  }),
  [...commonSpecRules, domainInZoneRule()],
);

const checks = z.strictObject({
  alb: statusString().optional(),
  gate: statusString().optional(),
  fence: statusString().optional(),
  calculated: statusString().optional(),
});

const perRegionString = z
  .strictObject({ 'us-east-1': statusString().optional(), 'us-east-2': statusString().optional() })
  .optional();

export const trafficStatus = z.strictObject({
  zoneId: statusString().optional(),
  gateAlarms: perRegionString.describe(
    "Gate alarm of each region (it lives in that region); a FailoverPlan's traffic.gates name them.",
  ),
  fenceAlarms: perRegionString.describe(
    "Fence alarm of each region (it lives in the other region); a FailoverPlan's traffic.gates name them.",
  ),
  healthChecks: z.strictObject({ 'us-east-1': checks.optional(), 'us-east-2': checks.optional() }).optional(),
});

export const trafficDefinition = estateDefinition(trafficIdentity, {
  description: 'Route 53 records, health checks and CloudWatch-alarm traffic gates for the region pair.',
  spec: trafficSpec,
  status: trafficStatus,
  variants: true,
  printerColumns: [{ name: 'Domain', type: 'string', jsonPath: '.spec.domainName' }],
});
