/**
 * Compute: one region's app tier: launch template, Auto Scaling group, ALB, target group, an
 * HTTPS listener with a certificate issued outside the estate, and an HTTP listener that redirects.
 */
import { z } from 'zod';
import { celRule, withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import {
  commonSpecFields,
  commonSpecRules,
  DEFAULT_HEALTH_PATH,
  type PairRegion,
  regionInPair,
  statusString,
} from '../common/parameters.js';
import { computeIdentity } from './identity.js';

/** ACM certificate ids are UUIDs; the partition is `aws` (the pair is us-east-1/us-east-2). */
const ACM_ARN_PREFIX = 'arn:aws:acm:';
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

/** The group's ceiling; a derived FailoverPlan scales a region taking over up to it (src/plan). */
export const DEFAULT_MAX_SIZE = 6;

export const computeSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: regionInPair(),
    imageId: z
      .string()
      .max(32)
      .regex(/^ami-[0-9a-f]+$/, 'must be an AMI id such as ami-0abc123'),
    instanceType: z.string().max(32).default('m7g.large'),
    appPort: z.int32().min(1).max(65535).default(8080),
    healthPath: z.string().max(255).default(DEFAULT_HEALTH_PATH),
    certificateArn: certificateArn().describe(
      'ACM certificate of the HTTPS:443 listener, issued outside the estate, in the XR’s region. ' +
        'The HTTP:80 listener only redirects to HTTPS.',
    ),
    minSize: z.int32().min(0).max(100).default(2),
    maxSize: z.int32().min(1).max(100).default(DEFAULT_MAX_SIZE),
    initialCapacity: z
      .int32()
      .min(0)
      .max(100)
      .default(2)
      .describe(
        'Desired capacity at creation only. Afterwards the failover controller owns it (scales the standby up), ' +
          'so it is initProvider and never enforced.',
      ),
  }),
  [
    ...commonSpecRules,
    certificateInRegionRule,
    celRule<{ minSize?: number; maxSize?: number }>({
      rule: '!has(self.minSize) || !has(self.maxSize) || self.minSize <= self.maxSize',
      message: 'minSize must not exceed maxSize',
      fieldPath: '.minSize',
      check: (self) =>
        self.minSize === undefined || self.maxSize === undefined || self.minSize <= self.maxSize,
    }),
  ],
);

export const computeStatus = z.strictObject({
  albArn: statusString().optional(),
  albDnsName: statusString().optional(),
  albZoneId: statusString().optional(),
  targetGroupArn: statusString().optional(),
  autoScalingGroupName: statusString().optional(),
});

export const computeDefinition = estateDefinition(computeIdentity, {
  description: 'The app tier of one region behind an application load balancer.',
  spec: computeSpec,
  status: computeStatus,
  printerColumns: [
    { name: 'Region', type: 'string', jsonPath: '.spec.region' },
    { name: 'ALB', type: 'string', jsonPath: '.status.albDnsName' },
  ],
});
