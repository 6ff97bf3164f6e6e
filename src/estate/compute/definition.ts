/**
 * Compute: one region's app tier: launch template (with the app servers' instance profile and
 * user data), Auto Scaling group with a target-tracking scaling policy, ALB, target group, an
 * HTTPS listener with a certificate issued outside the estate, and an HTTP listener that redirects.
 */
import { z } from 'zod';
import { celRule, withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import { appName } from '../common/names.js';
import {
  ACCOUNT_ID_PATTERN,
  accountId,
  appPort,
  commonSpecFields,
  commonSpecRules,
  DEFAULT_HEALTH_PATH,
  type PairRegion,
  REGION_PAIR,
  regionInPair,
  statusString,
} from '../common/parameters.js';
import { computeIdentity } from './identity.js';

/** ACM certificate ids are UUIDs; the partition is `aws` (the pair is us-east-1/us-east-2). */
export const ACM_ARN_PREFIX = 'arn:aws:acm:';
const acmArnPattern = (region: string) =>
  new RegExp(
    `^${ACM_ARN_PREFIX}${region}:[0-9]{12}:certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
  );
const EXAMPLE_CERTIFICATE_ID = '0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901';
/** An illustration for messages and descriptions (any account, the given region). */
const exampleCertificateArn = (region: string) =>
  `${ACM_ARN_PREFIX}${region}:123456789012:certificate/${EXAMPLE_CERTIFICATE_ID}`;

/**
 * The ARN of an ACM certificate issued outside the estate (ACM is not among the provider kinds we
 * compose). With a region, only a certificate of that region passes: an ALB can use ACM
 * certificates of its own region only.
 */
export const certificateArn = (region?: PairRegion) =>
  z
    .string({
      error: (issue) =>
        issue.input === undefined
          ? `required: the ARN of an ACM certificate${region ? ` in ${region}` : ''} for the HTTPS listener, issued outside the estate`
          : undefined,
    })
    .max(256)
    .regex(
      acmArnPattern(region ?? '[a-z]{2}-[a-z]+-[0-9]+'),
      `must be the ARN of an ACM certificate${region ? ` in ${region}` : ''}, such as ${exampleCertificateArn(region ?? 'us-east-1')}`,
    );

/**
 * On an XR with `region`: the certificate must be in that region (the pattern allows any region).
 * Other malformed values are left to the pattern, so each mistake is reported once.
 */
const certificateInRegionRule = celRule<{ region: string; certificateArn?: string }>({
  rule: `!has(self.certificateArn) || !self.certificateArn.startsWith('${ACM_ARN_PREFIX}') || self.certificateArn.startsWith('${ACM_ARN_PREFIX}' + self.region + ':')`,
  message:
    "certificateArn must be an ACM certificate in the XR's region (arn:aws:acm:<region>:…): an ALB can only use certificates of its own region",
  fieldPath: '.certificateArn',
  check: ({ region, certificateArn: arn }) =>
    arn === undefined || !arn.startsWith(ACM_ARN_PREFIX) || arn.startsWith(`${ACM_ARN_PREFIX}${region}:`),
});

/**
 * ALBs use ACM certificates of their own account only; with `accountId` the certificate must be
 * in it (the app role's ARNs name that account). A malformed value is left to its own rule.
 */
const certificateInAccountRule = celRule<{ accountId?: string; certificateArn?: string }>({
  rule: `!has(self.certificateArn) || !has(self.accountId) || !self.accountId.matches('${ACCOUNT_ID_PATTERN}') || !self.certificateArn.startsWith('${ACM_ARN_PREFIX}') || self.certificateArn.contains(':' + self.accountId + ':certificate/')`,
  message:
    'certificateArn must be a certificate of accountId (arn:aws:acm:<region>:<accountId>:…): an ALB can only use certificates of its own account',
  fieldPath: '.certificateArn',
  check: ({ accountId: account, certificateArn: arn }) =>
    arn === undefined ||
    account === undefined ||
    !new RegExp(ACCOUNT_ID_PATTERN).test(account) ||
    !arn.startsWith(ACM_ARN_PREFIX) ||
    arn.includes(`:${account}:certificate/`),
});

/** The group's ceiling; a derived FailoverPlan scales a region taking over up to it (src/plan). */
export const DEFAULT_MAX_SIZE = 6;

/**
 * The floor of each region's group, which either region keeps while it is the standby: Route 53
 * answers the primary while the secondary has no healthy target (ARCHITECTURE §2), so a standby
 * scaled to nothing could not take traffic until the controller had scaled it up and its targets
 * passed their checks. Two, so losing one instance still leaves a healthy target.
 */
export const DEFAULT_WARM_MINIMUM = 2;

/** A rule that `field` (a group floor) is at least one instance, and why. */
export const warmMinimumRule = (field: string) =>
  celRule<Record<string, unknown>>({
    rule: `!has(self.${field}) || self.${field} >= 1`,
    message:
      `${field} must be at least 1: either region may be the standby, and Route 53 answers the primary while ` +
      'the secondary has no healthy target, so the standby keeps a warm minimum (ARCHITECTURE §2)',
    fieldPath: `.${field}`,
    check: (self) => typeof self[field] !== 'number' || (self[field] as number) >= 1,
  });

/** Longest platformId whose `<platformId>-app-<region>` still fits a target group name (32). */
const MAX_APP_PLATFORM_ID = 32 - Math.max(...REGION_PAIR.map((region) => appName('', region).length));

/** The app tier's names (target group, ASG, IAM role, policy, instance profile) must fit AWS's limits. */
export const appNameLengthRule = celRule<{ platformId: string }>({
  rule: `size(self.platformId) <= ${MAX_APP_PLATFORM_ID}`,
  message: `platformId must be at most ${MAX_APP_PLATFORM_ID} characters: the app tier's target group name <platformId>-app-<region> is limited to 32`,
  fieldPath: '.platformId',
  check: (self) => self.platformId.length <= MAX_APP_PLATFORM_ID,
});

/** The metrics the app tier's target-tracking scaling policy can hold, as AWS names them. */
export const SCALING_METRICS = ['ALBRequestCountPerTarget', 'ASGAverageCPUUtilization'] as const;
export type ScalingMetric = (typeof SCALING_METRICS)[number];

export const SCALING_DEFAULTS = {
  metric: 'ALBRequestCountPerTarget',
  requestsPerTarget: 1000,
  cpuUtilizationPercent: 50,
} as const satisfies { metric: ScalingMetric; requestsPerTarget: number; cpuUtilizationPercent: number };

/** The scaling parameters; TradingPlatform takes the same and passes them to each region's Compute. */
export const scalingFields = {
  metric: z
    .enum(SCALING_METRICS)
    .default(SCALING_DEFAULTS.metric)
    .describe(
      'What the target-tracking scaling policy holds at its target: ALB requests per instance ' +
        '(ALBRequestCountPerTarget) or the group’s average CPU (ASGAverageCPUUtilization). Selects the Composition variant.',
    ),
  requestsPerTarget: z
    .int32()
    .min(1)
    .max(1_000_000)
    .default(SCALING_DEFAULTS.requestsPerTarget)
    .describe(
      'With ALBRequestCountPerTarget: the ALB requests per instance per minute the policy scales to.',
    ),
  cpuUtilizationPercent: z
    .int32()
    .min(1)
    .max(100)
    .default(SCALING_DEFAULTS.cpuUtilizationPercent)
    .describe('With ASGAverageCPUUtilization: the average CPU utilization (percent) the policy scales to.'),
};

/** EC2 takes at most 16 KB of user data before base64 encoding. */
export const userData = () =>
  z
    .string()
    .min(1)
    .max(16_384)
    .optional()
    .describe(
      'User data of the app servers (a cloud-init script or cloud-config), as plain text: the Composition ' +
        'base64-encodes it into the launch template. At most 16 KB.',
    );

export const computeSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: regionInPair(),
    accountId: accountId(),
    imageId: z
      .string()
      .max(32)
      .regex(/^ami-[0-9a-f]+$/, 'must be an AMI id such as ami-0abc123'),
    instanceType: z.string().max(32).default('m7g.large'),
    userData: userData(),
    appPort: appPort(),
    healthPath: z.string().max(255).default(DEFAULT_HEALTH_PATH),
    certificateArn: certificateArn().describe(
      'ACM certificate of the HTTPS:443 listener, issued outside the estate, in the XR’s region. ' +
        'The HTTP:80 listener only redirects to HTTPS.',
    ),
    scaling: z.strictObject(scalingFields).default(SCALING_DEFAULTS).describe('Scaling on demand.'),
    minSize: z
      .int32()
      .min(0)
      .max(100)
      .default(DEFAULT_WARM_MINIMUM)
      .describe(
        'The group’s floor: the scaling policy never scales in below it, and the controller scales a region it ' +
          'drains down to it, so it is the warm minimum of the region while it is the standby (at least 1).',
      ),
    maxSize: z.int32().min(1).max(100).default(DEFAULT_MAX_SIZE),
    initialCapacity: z
      .int32()
      .min(0)
      .max(100)
      .default(DEFAULT_WARM_MINIMUM)
      .describe(
        'Desired capacity at creation only. Afterwards the failover controller and the scaling policy own it, ' +
          'so it is initProvider and never enforced.',
      ),
  }),
  [
    ...commonSpecRules,
    certificateInRegionRule,
    certificateInAccountRule,
    appNameLengthRule,
    warmMinimumRule('minSize'),
    celRule<{ minSize?: number; maxSize?: number }>({
      rule: '!has(self.minSize) || !has(self.maxSize) || self.minSize <= self.maxSize',
      message: 'minSize must not exceed maxSize',
      fieldPath: '.minSize',
      check: (self) =>
        self.minSize === undefined || self.maxSize === undefined || self.minSize <= self.maxSize,
    }),
    celRule<{ initialCapacity?: number; minSize?: number; maxSize?: number }>({
      rule:
        '!has(self.initialCapacity) || ((!has(self.minSize) || self.initialCapacity >= self.minSize) && ' +
        '(!has(self.maxSize) || self.initialCapacity <= self.maxSize))',
      message:
        'initialCapacity must be between minSize and maxSize: AWS refuses a desired capacity outside them',
      fieldPath: '.initialCapacity',
      check: ({ initialCapacity, minSize, maxSize }) =>
        initialCapacity === undefined ||
        ((minSize === undefined || initialCapacity >= minSize) &&
          (maxSize === undefined || initialCapacity <= maxSize)),
    }),
  ],
);

export const computeStatus = z.strictObject({
  albArn: statusString().optional(),
  albDnsName: statusString().optional(),
  albZoneId: statusString().optional(),
  targetGroupArn: statusString().optional(),
  autoScalingGroupName: statusString().optional(),
  /** `app/<name>/<id>` and `targetgroup/<name>/<id>`: the request-count metric's resource label. */
  albArnSuffix: statusString().optional(),
  targetGroupArnSuffix: statusString().optional(),
  instanceRoleArn: statusString().optional(),
  instanceProfileArn: statusString().optional(),
});

export const computeDefinition = estateDefinition(computeIdentity, {
  description: 'The app tier of one region behind an application load balancer.',
  spec: computeSpec,
  status: computeStatus,
  variants: true,
  printerColumns: [
    { name: 'Region', type: 'string', jsonPath: '.spec.region' },
    { name: 'ALB', type: 'string', jsonPath: '.status.albDnsName' },
  ],
});
