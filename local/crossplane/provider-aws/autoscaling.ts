import {
  AttachLoadBalancerTargetGroupsCommand,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLoadBalancerTargetGroupsCommand,
  DetachLoadBalancerTargetGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import type { HandlerContext, ManagedResource, ManagedResourceHandler } from '../provider.js';
import type { AwsClients } from './clients.js';
import {
  apiVersionOf,
  createFields,
  externalNameOf,
  num,
  referencedArn,
  referencedId,
  regionOf,
  requireField,
  str,
  strings,
  UnresolvedReferenceError,
} from './fields.js';

const groupNameOf = (mr: ManagedResource) =>
  externalNameOf(mr) ?? str(mr.spec.forProvider, 'name') ?? mr.metadata.name;

/**
 * Auto Scaling groups. Desired capacity is runtime-owned (ARCHITECTURE §4): it goes out on create
 * (initProvider), is never compared and never sent on update, so the controller's and the scaling
 * policy's changes survive every reconcile. Min and max are enforced.
 */
export function autoscalingGroupHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const name = groupNameOf(mr);
      const { AutoScalingGroups = [] } = await clients
        .get('autoscaling', regionOf(mr))
        .send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
      const group = AutoScalingGroups.find((g) => g.AutoScalingGroupName === name);
      if (!group) return undefined;
      const desired = mr.spec.forProvider;
      const drift = (['minSize', 'maxSize'] as const).filter((field) => {
        const want = num(desired, field);
        const have = field === 'minSize' ? group.MinSize : group.MaxSize;
        return want !== undefined && want !== have;
      });
      return {
        externalName: name,
        ready: true,
        upToDate: drift.length === 0,
        message: drift.length ? `${drift.join(', ')} differ from AWS` : undefined,
        atProvider: {
          id: name,
          arn: group.AutoScalingGroupARN,
          minSize: group.MinSize,
          maxSize: group.MaxSize,
          desiredCapacity: group.DesiredCapacity,
          availabilityZones: group.AvailabilityZones,
        },
      };
    },
    async create(mr) {
      const fields = createFields(mr);
      const minSize = num(fields, 'minSize');
      const maxSize = num(fields, 'maxSize');
      await clients.get('autoscaling', regionOf(mr)).send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: groupNameOf(mr),
          MinSize: minSize,
          MaxSize: maxSize,
          DesiredCapacity: num(fields, 'desiredCapacity'),
          AvailabilityZones: strings(fields, 'availabilityZones'),
          HealthCheckType: str(fields, 'healthCheckType'),
          HealthCheckGracePeriod: num(fields, 'healthCheckGracePeriod'),
        }),
      );
    },
    async update(mr) {
      // Min and max only: DesiredCapacity is never sent (AWS clamps it into the new bounds).
      await clients.get('autoscaling', regionOf(mr)).send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: groupNameOf(mr),
          MinSize: num(mr.spec.forProvider, 'minSize'),
          MaxSize: num(mr.spec.forProvider, 'maxSize'),
        }),
      );
    },
  };
}

/** The group and target group an Attachment joins, resolved from its references. */
async function attachmentTargets(
  mr: ManagedResource,
  context: HandlerContext,
): Promise<{ group: string; targetGroupArn: string }> {
  const fields = mr.spec.forProvider;
  return {
    group: await requireField(
      context,
      mr,
      fields,
      'autoscalingGroupName',
      { apiVersion: apiVersionOf('autoscaling'), kind: 'AutoscalingGroup' },
      referencedId,
    ),
    targetGroupArn: await requireField(
      context,
      mr,
      fields,
      'lbTargetGroupArn',
      { apiVersion: apiVersionOf('elbv2'), kind: 'LBTargetGroup' },
      referencedArn,
    ),
  };
}

/** An ASG's target group attachment (AttachLoadBalancerTargetGroups), identified by both ends. */
export function attachmentHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr, context) {
      let targets: Awaited<ReturnType<typeof attachmentTargets>>;
      try {
        targets = await attachmentTargets(mr, context);
      } catch (error) {
        if (error instanceof UnresolvedReferenceError) return undefined;
        throw error;
      }
      const { LoadBalancerTargetGroups = [] } = await clients
        .get('autoscaling', regionOf(mr))
        .send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: targets.group }));
      const attached = LoadBalancerTargetGroups.find(
        (t) => t.LoadBalancerTargetGroupARN === targets.targetGroupArn,
      );
      if (!attached) return undefined;
      const id = `${targets.group}-${targets.targetGroupArn.slice(targets.targetGroupArn.lastIndexOf('/') + 1)}`;
      return {
        externalName: id,
        ready: true,
        atProvider: { id, autoscalingGroupName: targets.group, lbTargetGroupArn: targets.targetGroupArn },
      };
    },
    async create(mr, context) {
      const { group, targetGroupArn } = await attachmentTargets(mr, context);
      await clients.get('autoscaling', regionOf(mr)).send(
        new AttachLoadBalancerTargetGroupsCommand({
          AutoScalingGroupName: group,
          TargetGroupARNs: [targetGroupArn],
        }),
      );
    },
    async delete(mr, context) {
      const { group, targetGroupArn } = await attachmentTargets(mr, context);
      await clients.get('autoscaling', regionOf(mr)).send(
        new DetachLoadBalancerTargetGroupsCommand({
          AutoScalingGroupName: group,
          TargetGroupARNs: [targetGroupArn],
        }),
      );
    },
  };
}
