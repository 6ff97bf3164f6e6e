import type { z } from 'zod';
import type { SimClock } from '../core/clock.js';
import { AwsError } from '../core/errors.js';
import type { Persistable } from '../core/persistence.js';
import { ACCOUNT_ID } from '../core/regions.js';
import type { RequestAuthorization, ServiceReply, ServiceRequest, SimService } from '../core/request.js';
import { fields, items, type Xml } from '../core/xml.js';
import { errorResponse } from '../protocols/error-response.js';
import { QueryParams, queryReply } from '../protocols/query.js';
import { type Group, Groups } from './groups.js';
import {
  type AutoScalingStateFile,
  autoScalingStateSchema,
  restoreAutoScaling,
  snapshotAutoScaling,
} from './state.js';

const NAMESPACE = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

const validationError = (message: string) => new AwsError('ValidationError', message);

function groupXml(group: Group): Xml {
  return fields({
    AutoScalingGroupName: group.name,
    AutoScalingGroupARN: group.arn,
    LaunchTemplate: group.launchTemplateName
      ? fields({ LaunchTemplateName: group.launchTemplateName, Version: '$Default' })
      : undefined,
    MinSize: group.minSize,
    MaxSize: group.maxSize,
    DesiredCapacity: group.desiredCapacity,
    DefaultCooldown: 300,
    AvailabilityZones: items('member', group.availabilityZones, (z) => z),
    LoadBalancerNames: items('member', [], (n) => n),
    TargetGroupARNs: items('member', group.targetGroupArns, (a) => a),
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 300,
    Instances: items('member', group.instances, (i) =>
      fields({
        InstanceId: i.id,
        AvailabilityZone: i.availabilityZone,
        LifecycleState: i.lifecycleState,
        HealthStatus: i.healthStatus,
        ProtectedFromScaleIn: false,
      }),
    ),
    CreatedTime: group.createdAt,
  });
}

/** EC2 Auto Scaling over awsQuery: the groups a failover scales, per region. */
export class AutoScalingService implements SimService, Persistable<typeof autoScalingStateSchema> {
  readonly signingName = 'autoscaling';
  readonly stateKey = 'autoscaling';
  readonly stateSchema = autoScalingStateSchema;
  readonly groups: Groups;

  constructor(
    private readonly clock: SimClock,
    launchMs: number,
  ) {
    this.groups = new Groups(clock, launchMs);
  }

  snapshot(): AutoScalingStateFile {
    return snapshotAutoScaling(this.groups);
  }

  restore(state: z.output<typeof autoScalingStateSchema>): void {
    restoreAutoScaling(this.groups, state);
  }

  operationOf(request: ServiceRequest): string {
    return QueryParams.fromBody(request.body, request.query).string('Action') ?? 'Unknown';
  }

  renderError(error: AwsError, request: ServiceRequest): ServiceReply {
    return errorResponse(error, NAMESPACE, request.requestId);
  }

  /**
   * A request naming one group acts on its ARN (AWS-generated id; a group that does not exist gets
   * a placeholder id). Describe calls have no resource-level permissions: `*`.
   */
  authorization(request: ServiceRequest, operation: string): RequestAuthorization {
    const name = QueryParams.fromBody(request.body, request.query).string('AutoScalingGroupName');
    if (name === undefined || operation.startsWith('Describe')) return { resources: ['*'] };
    const arn =
      this.groups.in(request.region).get(name)?.arn ??
      `arn:aws:autoscaling:${request.region}:${ACCOUNT_ID}:autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/${name}`;
    return { resources: [arn] };
  }

  async handle(request: ServiceRequest, operation: string): Promise<ServiceReply> {
    const params = QueryParams.fromBody(request.body, request.query);
    const groups = this.groups.in(request.region);
    const find = (name: string) => {
      const group = groups.get(name);
      if (!group)
        throw validationError(`AutoScalingGroup name not found - AutoScalingGroup ${name} not found`);
      return group;
    };
    const done = (result?: Xml) => queryReply(operation, NAMESPACE, request.requestId, result);
    switch (operation) {
      case 'CreateAutoScalingGroup': {
        const name = params.required('AutoScalingGroupName');
        const minSize = params.int('MinSize');
        const maxSize = params.int('MaxSize');
        if (minSize === undefined || maxSize === undefined) {
          throw validationError('MinSize and MaxSize are required.');
        }
        const desired = params.int('DesiredCapacity') ?? minSize;
        checkSizes(minSize, maxSize, desired);
        if (groups.has(name)) {
          throw new AwsError(
            'AlreadyExists',
            `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`,
          );
        }
        const zones = params.list('AvailabilityZones');
        const group: Group = {
          name,
          arn: `arn:aws:autoscaling:${request.region}:${ACCOUNT_ID}:autoScalingGroup:${crypto.randomUUID()}:autoScalingGroupName/${name}`,
          region: request.region,
          minSize,
          maxSize,
          desiredCapacity: desired,
          availabilityZones: zones.length > 0 ? zones : [`${request.region}a`, `${request.region}b`],
          targetGroupArns: params.list('TargetGroupARNs'),
          launchTemplateName: params.string('LaunchTemplate.LaunchTemplateName'),
          createdAt: this.clock.date(),
          instances: [],
        };
        groups.set(name, group);
        this.groups.reconcile(group);
        return done();
      }
      case 'DescribeAutoScalingGroups': {
        const names = params.list('AutoScalingGroupNames');
        // Unknown names are left out of the answer, as AWS does, rather than being an error.
        const selected = [...groups.values()].filter((g) => names.length === 0 || names.includes(g.name));
        return done(fields({ AutoScalingGroups: items('member', selected, groupXml) }));
      }
      case 'SetDesiredCapacity': {
        const group = find(params.required('AutoScalingGroupName'));
        const desired = params.int('DesiredCapacity');
        if (desired === undefined) throw validationError('DesiredCapacity is required.');
        if (desired > group.maxSize) {
          throw validationError(
            `New SetDesiredCapacity value ${desired} is above max value ${group.maxSize} for the AutoScalingGroup.`,
          );
        }
        if (desired < group.minSize) {
          throw validationError(
            `New SetDesiredCapacity value ${desired} is below min value ${group.minSize} for the AutoScalingGroup.`,
          );
        }
        group.desiredCapacity = desired;
        this.groups.reconcile(group);
        return done();
      }
      case 'UpdateAutoScalingGroup': {
        const group = find(params.required('AutoScalingGroupName'));
        const minSize = params.int('MinSize') ?? group.minSize;
        const maxSize = params.int('MaxSize') ?? group.maxSize;
        const desired =
          params.int('DesiredCapacity') ?? Math.min(Math.max(group.desiredCapacity, minSize), maxSize);
        checkSizes(minSize, maxSize, desired);
        Object.assign(group, { minSize, maxSize, desiredCapacity: desired });
        this.groups.reconcile(group);
        return done();
      }
      case 'AttachLoadBalancerTargetGroups': {
        const group = find(params.required('AutoScalingGroupName'));
        const arns = params.list('TargetGroupARNs');
        if (arns.length === 0) throw validationError('TargetGroupARNs is required.');
        for (const arn of arns) if (!group.targetGroupArns.includes(arn)) group.targetGroupArns.push(arn);
        return done(fields({}));
      }
      case 'DetachLoadBalancerTargetGroups': {
        const group = find(params.required('AutoScalingGroupName'));
        const arns = params.list('TargetGroupARNs');
        group.targetGroupArns = group.targetGroupArns.filter((arn) => !arns.includes(arn));
        return done(fields({}));
      }
      case 'DescribeLoadBalancerTargetGroups': {
        const group = find(params.required('AutoScalingGroupName'));
        // Targets are not registered in the simulator: an attached group is in service at once.
        return done(
          fields({
            LoadBalancerTargetGroups: items('member', group.targetGroupArns, (arn) =>
              fields({ LoadBalancerTargetGroupARN: arn, State: 'InService' }),
            ),
          }),
        );
      }
      default:
        throw new AwsError('InvalidAction', `The action ${operation} is not valid for this web service.`);
    }
  }
}

function checkSizes(min: number, max: number, desired: number): void {
  if (min > max)
    throw validationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) {
    throw validationError(
      `Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`,
    );
  }
}
