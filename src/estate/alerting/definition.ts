/**
 * Alerting: one region's SNS topic (encrypted with its own KMS key, optionally subscribed by email
 * or HTTPS) and the CloudWatch alarms that tell an operator a region is degrading before the
 * failover controller acts.
 */
import { z } from 'zod';
import { celRule, withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import {
  accountId,
  commonSpecFields,
  commonSpecRules,
  regionInPair,
  statusString,
} from '../common/parameters.js';
import { alertingIdentity } from './identity.js';

export const NOTIFY = ['None', 'Email', 'HTTPS'] as const;

const targets = z
  .strictObject({
    loadBalancerArn: z.string().max(2048).optional().describe('The region’s ALB (Compute status.albArn).'),
    targetGroupArn: z
      .string()
      .max(2048)
      .optional()
      .describe('Its target group (Compute status.targetGroupArn).'),
    autoScalingGroupName: z
      .string()
      .max(255)
      .optional()
      .describe('The app ASG (`<platformId>-app-<region>`).'),
    dbClusterIdentifier: z
      .string()
      .max(63)
      .optional()
      .describe('The region’s Aurora cluster (`<globalClusterIdentifier>-<region>`).'),
  })
  .describe(
    'What the alarms watch. An alarm whose target is not known yet is held back (not created without its ' +
      'dimension), and the XR stays not ready until it is.',
  );

const thresholds = z.strictObject({
  alb5xxPerMinute: z.int32().min(1).default(10).describe('ELB or target 5xx responses per minute.'),
  minInServiceInstances: z
    .int32()
    .min(1)
    .default(1)
    .describe('Alarm when fewer app instances are InService.'),
  dbCpuPercent: z.int32().min(1).max(100).default(80),
  dbConnections: z.int32().min(1).default(1000),
  dbFreeableMemoryMiB: z.int32().min(1).default(512),
  replicationLagMs: z
    .int32()
    .min(1)
    .default(5000)
    .describe('Aurora global replication lag into this region; sustained lag puts the failover RPO at risk.'),
});

type NotifySpec = { notify?: (typeof NOTIFY)[number]; endpoint?: string };

/** Who hears about alarms; shared with TradingPlatform, which passes them through. */
export const notifyFields = {
  notify: z
    .enum(NOTIFY)
    .default('None')
    .describe('Subscribe `endpoint` to the topic (selects the Composition variant: none | subscribed).'),
  endpoint: z.string().max(2048).optional().describe('Email address or https:// URL for notify Email/HTTPS.'),
};

export const notifyRules = [
  celRule<NotifySpec>({
    rule: "!has(self.notify) || self.notify == 'None' || has(self.endpoint)",
    message: 'endpoint is required when notify is Email or HTTPS',
    fieldPath: '.endpoint',
    check: (self) => (self.notify ?? 'None') === 'None' || self.endpoint !== undefined,
  }),
  celRule<NotifySpec>({
    rule: "!has(self.notify) || self.notify != 'Email' || !has(self.endpoint) || self.endpoint.matches('^[^@ ]+@[^@ ]+$')",
    message: 'endpoint must be an email address when notify is Email',
    fieldPath: '.endpoint',
    check: (self) =>
      self.notify !== 'Email' || self.endpoint === undefined || /^[^@ ]+@[^@ ]+$/.test(self.endpoint),
  }),
  celRule<NotifySpec>({
    rule: "!has(self.notify) || self.notify != 'HTTPS' || !has(self.endpoint) || self.endpoint.startsWith('https://')",
    message: 'endpoint must be an https:// URL when notify is HTTPS',
    fieldPath: '.endpoint',
    check: (self) =>
      self.notify !== 'HTTPS' || self.endpoint === undefined || self.endpoint.startsWith('https://'),
  }),
];

export const alertingSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: regionInPair(),
    accountId: accountId().describe(
      'The AWS account of the platform: the topic’s KMS key lets this account administer it and CloudWatch use it.',
    ),
    ...notifyFields,
    targets: targets.default({}),
    thresholds: thresholds.default({
      alb5xxPerMinute: 10,
      minInServiceInstances: 1,
      dbCpuPercent: 80,
      dbConnections: 1000,
      dbFreeableMemoryMiB: 512,
      replicationLagMs: 5000,
    }),
  }),
  [...commonSpecRules, ...notifyRules],
);

export const alertingStatus = z.strictObject({
  topicArn: statusString().optional(),
  encryptionKeyArn: statusString()
    .optional()
    .describe('The KMS key the topic is encrypted with; the topic is composed once it is known.'),
});

export const alertingDefinition = estateDefinition(alertingIdentity, {
  description: 'SNS topic and CloudWatch alarms (ALB, ASG, Aurora, replication lag) of one region.',
  spec: alertingSpec,
  status: alertingStatus,
  variants: true,
  printerColumns: [
    { name: 'Region', type: 'string', jsonPath: '.spec.region' },
    { name: 'Topic', type: 'string', jsonPath: '.status.topicArn' },
  ],
});
