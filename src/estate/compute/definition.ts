/** Compute: one region's app tier: launch template, Auto Scaling group, ALB, target group, listener. */
import { z } from 'zod';
import { compositeResourceDefinition } from '../../apis/xrd.js';
import { celRule, withRules } from '../../schema/x-kubernetes.js';
import {
  commonSpecFields,
  commonSpecRules,
  ESTATE_GROUP,
  regionInPair,
  statusString,
} from '../common/parameters.js';

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
    healthPath: z.string().max(255).default('/healthz'),
    minSize: z.int32().min(0).max(100).default(2),
    maxSize: z.int32().min(1).max(100).default(6),
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

export const computeDefinition = compositeResourceDefinition({
  group: ESTATE_GROUP,
  kind: 'Compute',
  plural: 'computes',
  categories: ['switchyard', 'estate'],
  description: 'The app tier of one region behind an application load balancer.',
  spec: computeSpec,
  status: computeStatus,
  printerColumns: [
    { name: 'Region', type: 'string', jsonPath: '.spec.region' },
    { name: 'ALB', type: 'string', jsonPath: '.status.albDnsName' },
  ],
});
