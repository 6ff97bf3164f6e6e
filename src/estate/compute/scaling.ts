/**
 * Scaling on demand: one target-tracking policy per group, holding the metric the XR chose at its
 * target. P&T cannot branch, so each metric is its own Composition variant (label
 * SCALING_LABEL). The policy changes the group's desired capacity at run time, like the failover
 * controller: that field stays initProvider (composition.ts), so neither is reverted; the group's
 * floor (minSize) is the warm minimum the policy never scales in below.
 */
import { SCALING_LABEL } from '../common/labels.js';
import { managed, selectOwn } from '../common/managed.js';
import { combineFromComposite, fromComposite } from '../patch-and-transform/patches.js';
import { mapValues } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate, DirectPatch } from '../patch-and-transform/types.js';
import type { ScalingMetric, scalingFields } from './definition.js';

export type ScalingVariant = 'request-count' | 'cpu';
/** spec.scaling.metric → the Composition variant label that serves it. */
export const SCALING_VARIANT: Record<ScalingMetric, ScalingVariant> = {
  ALBRequestCountPerTarget: 'request-count',
  ASGAverageCPUUtilization: 'cpu',
};

/** Which spec.scaling field holds each metric's target value. */
const TARGET_FIELD: Record<ScalingMetric, keyof typeof scalingFields> = {
  ALBRequestCountPerTarget: 'requestsPerTarget',
  ASGAverageCPUUtilization: 'cpuUtilizationPercent',
};

/**
 * Seconds before a new instance counts: its metrics are left out of the policy's average for that
 * long, and the group ignores its ELB health checks for as long (healthCheckGracePeriod).
 */
export const INSTANCE_WARMUP_SECONDS = 120;

/**
 * ALBRequestCountPerTarget needs a resource label, `app/<alb>/<id>/targetgroup/<tg>/<id>`, made of
 * the ALB's and target group's ARN suffixes; AWS generates their ids, so they come back through
 * the XR's status and the policy is held back until both are known (one reconcile after the ALB
 * and target group are observed) rather than composed without the label AWS requires.
 */
const resourceLabel: DirectPatch = combineFromComposite(
  ['status.albArnSuffix', 'status.targetGroupArnSuffix'],
  '%s/%s',
  'spec.forProvider.targetTrackingConfiguration.predefinedMetricSpecification.resourceLabel',
  { policy: 'Required' },
);

export function scalingPolicy(metric: ScalingMetric): ComposedTemplate {
  return managed({
    name: 'scaling-policy',
    service: 'autoscaling',
    kind: 'Policy',
    region: 'fromXr',
    forProvider: {
      autoscalingGroupNameSelector: selectOwn(),
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: INSTANCE_WARMUP_SECONDS,
      targetTrackingConfiguration: { predefinedMetricSpecification: { predefinedMetricType: metric } },
    },
    patches: [
      // Variant guard: an XR asking for the other metric fails to render here.
      fromComposite('spec.scaling.metric', `metadata.labels[${SCALING_LABEL}]`, {
        transforms: [mapValues({ [metric]: SCALING_VARIANT[metric] })],
      }),
      fromComposite(
        `spec.scaling.${TARGET_FIELD[metric]}`,
        'spec.forProvider.targetTrackingConfiguration.targetValue',
      ),
      ...(metric === 'ALBRequestCountPerTarget' ? [resourceLabel] : []),
    ],
  });
}
