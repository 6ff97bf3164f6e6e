/** TradingPlatform: the whole region pair, composed from the regional and pair-level XR APIs. */
import { z } from 'zod';
import { label } from '../../apis/common.js';
import { withRules } from '../../schema/x-kubernetes.js';
import { alertingStatus, notifyFields, notifyRules } from '../alerting/definition.js';
import { estateDefinition } from '../api.js';
import { commonSpecFields, commonSpecRules, ownerRegion } from '../common/parameters.js';
import {
  appNameLengthRule,
  certificateArn,
  computeStatus,
  DEFAULT_MAX_SIZE,
  DEFAULT_WARM_MINIMUM,
  SCALING_DEFAULTS,
  scalingFields,
  userData,
  warmMinimumRule,
} from '../compute/definition.js';
import {
  controllerAccessStatus,
  controllerTrustFields,
  controllerTrustRules,
} from '../controller-access/definition.js';
import { databaseStatus, instanceClassRule } from '../database/definition.js';
import { cidr16Rule, disjointRegionsRule, networkStatus, zoneCountRule } from '../network/definition.js';
import { peeringStatus } from '../peering/definition.js';
import { sessionsStatus } from '../sessions/definition.js';
import { storageStatus } from '../storage/definition.js';
import { domainInZoneRule, trafficStatus } from '../traffic/definition.js';
import { tradingPlatformIdentity } from './identity.js';

const regionSettings = (cidrBlock: string) =>
  withRules(
    z.strictObject({
      cidrBlock: z.string().max(18).default(cidrBlock),
      zoneCount: z.int32().max(3).default(3),
      natGateways: z.enum(['PerZone', 'Single']).default('PerZone'),
    }),
    [cidr16Rule(), zoneCountRule()],
  ).default({ cidrBlock, zoneCount: 3, natGateways: 'PerZone' });

export const tradingPlatformSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: ownerRegion(),
    regions: withRules(
      z
        .strictObject({
          'us-east-1': regionSettings('10.0.0.0/16'),
          'us-east-2': regionSettings('10.1.0.0/16'),
        })
        .default({
          'us-east-1': { cidrBlock: '10.0.0.0/16', zoneCount: 3, natGateways: 'PerZone' },
          'us-east-2': { cidrBlock: '10.1.0.0/16', zoneCount: 3, natGateways: 'PerZone' },
        }),
      [disjointRegionsRule()],
    ),
    zoneName: z.string().max(253),
    domainName: z.string().max(253),
    imageId: z
      .string()
      .max(32)
      .regex(/^ami-[0-9a-f]+$/, 'must be an AMI id such as ami-0abc123'),
    instanceType: z.string().max(32).default('m7g.large'),
    userData: userData(),
    scaling: withRules(
      z.strictObject({
        ...scalingFields,
        warmMinimum: z
          .int32()
          .min(0)
          .max(DEFAULT_MAX_SIZE)
          .default(DEFAULT_WARM_MINIMUM)
          .describe(
            'Instances each region keeps at least, and starts with: whichever region is the standby stays warm ' +
              'with this many healthy targets (at least 1).',
          ),
      }),
      [warmMinimumRule('warmMinimum')],
    )
      .default({ ...SCALING_DEFAULTS, warmMinimum: DEFAULT_WARM_MINIMUM })
      .describe('Scaling on demand of each region’s app tier, passed to both Compute XRs.'),
    certificateArns: z
      .strictObject({ 'us-east-1': certificateArn('us-east-1'), 'us-east-2': certificateArn('us-east-2') })
      .describe(
        'ACM certificate of each region’s HTTPS listener, issued outside the estate (for domainName), ' +
          'one per region: an ALB can only use a certificate of its own region.',
      ),
    globalClusterIdentifier: label(),
    instanceClass: z.string().max(32).default('db.r6g.large'),
    alerting: withRules(z.strictObject(notifyFields), notifyRules)
      .default({ notify: 'None' })
      .describe('Who each region’s alert topic notifies.'),
    controller: withRules(z.strictObject(controllerTrustFields), controllerTrustRules)
      .default({
        trust: 'PodIdentity',
        serviceAccount: { namespace: 'switchyard-system', name: 'switchyard-controller' },
      })
      .describe(
        'How each region’s failover controller assumes its IAM role (ControllerAccess); its account is the one of certificateArns.',
      ),
  }),
  [...commonSpecRules, instanceClassRule(), appNameLengthRule, domainInZoneRule()],
);

const perRegion = <T extends z.ZodType>(schema: T) =>
  z.strictObject({ 'us-east-1': schema.optional(), 'us-east-2': schema.optional() });

export const tradingPlatformStatus = z.strictObject({
  networks: perRegion(networkStatus.pick({ vpcId: true, privateSubnetIds: true })).optional(),
  compute: perRegion(computeStatus).optional(),
  database: databaseStatus.optional(),
  traffic: trafficStatus.optional(),
  peering: peeringStatus.optional(),
  sessions: sessionsStatus.optional(),
  storage: storageStatus.optional(),
  alerting: perRegion(alertingStatus).optional(),
  controllerAccess: controllerAccessStatus.optional(),
});

export const tradingPlatformDefinition = estateDefinition(tradingPlatformIdentity, {
  description:
    'The two-region trading platform: networks and peering, security, compute, Aurora global database, ' +
    'session table, replicated storage, alerting and traffic.',
  spec: tradingPlatformSpec,
  status: tradingPlatformStatus,
  printerColumns: [{ name: 'Domain', type: 'string', jsonPath: '.spec.domainName' }],
});
