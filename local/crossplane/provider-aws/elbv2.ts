import {
  type Action,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { HandlerContext, ManagedResource, ManagedResourceHandler } from '../provider.js';
import type { AwsClients } from './clients.js';
import {
  apiVersionOf,
  block,
  blocks,
  bool,
  createFields,
  externalNameOf,
  type Fields,
  identityHash,
  isNotFound,
  num,
  referencedArn,
  referencedId,
  regionOf,
  requireField,
  resolveField,
  str,
  strings,
} from './fields.js';

const ELBV2 = apiVersionOf('elbv2');
const EC2 = apiVersionOf('ec2');

/**
 * An ELB name for an MR without `name`: its own name if it fits ELB's 32 characters, else a
 * prefix of it and a hash (terraform would generate a random `tf-lb-…`; this one is stable, so
 * observe finds what create made).
 */
export function elbNameOf(mr: ManagedResource): string {
  const given = str(mr.spec.forProvider, 'name');
  if (given) return given;
  const name = mr.metadata.name.replace(/[^a-zA-Z0-9-]/g, '-');
  if (name.length <= 32) return name;
  return `${name.slice(0, 25).replace(/-+$/, '')}-${identityHash(mr, 6)}`;
}

/** `arn:…:loadbalancer/app/name/id` → `app/name/id` (what CloudWatch dimensions use; a target group's is `targetgroup/name/id`). */
const arnSuffix = (arn: string, marker: string) => arn.slice(arn.indexOf(marker) + marker.length);

async function describeLoadBalancer(
  clients: AwsClients,
  mr: ManagedResource,
): Promise<LoadBalancer | undefined> {
  const arn = externalNameOf(mr);
  try {
    const { LoadBalancers = [] } = await clients
      .get('elbv2', regionOf(mr))
      .send(
        new DescribeLoadBalancersCommand(
          arn?.startsWith('arn:') ? { LoadBalancerArns: [arn] } : { Names: [elbNameOf(mr)] },
        ),
      );
    return LoadBalancers[0];
  } catch (error) {
    if (isNotFound(error, 'LoadBalancerNotFoundException')) return undefined;
    throw error;
  }
}

export function loadBalancerHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const lb = await describeLoadBalancer(clients, mr);
      if (!lb?.LoadBalancerArn) return undefined;
      const ready = lb.State?.Code === 'active';
      return {
        externalName: lb.LoadBalancerArn,
        ready,
        message: ready ? undefined : `load balancer is ${lb.State?.Code}`,
        atProvider: {
          id: lb.LoadBalancerArn,
          arn: lb.LoadBalancerArn,
          arnSuffix: arnSuffix(lb.LoadBalancerArn, ':loadbalancer/'),
          name: lb.LoadBalancerName,
          dnsName: lb.DNSName,
          zoneId: lb.CanonicalHostedZoneId,
          vpcId: lb.VpcId,
          loadBalancerType: lb.Type,
          internal: lb.Scheme === 'internal',
        },
      };
    },
    async create(mr) {
      const fields = createFields(mr);
      await clients.get('elbv2', regionOf(mr)).send(
        new CreateLoadBalancerCommand({
          Name: elbNameOf(mr),
          Type: (str(fields, 'loadBalancerType') ?? 'application') as 'application',
          Scheme: bool(fields, 'internal') ? 'internal' : 'internet-facing',
          IpAddressType: str(fields, 'ipAddressType') as 'ipv4' | undefined,
          // Literal ids only: the estate selects its subnets and groups, which are record-only here.
          Subnets: strings(fields, 'subnets'),
          SecurityGroups: strings(fields, 'securityGroups'),
        }),
      );
    },
    async delete(mr) {
      const lb = await describeLoadBalancer(clients, mr);
      if (lb?.LoadBalancerArn)
        await clients
          .get('elbv2', regionOf(mr))
          .send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    },
  };
}

async function describeTargetGroup(
  clients: AwsClients,
  mr: ManagedResource,
): Promise<TargetGroup | undefined> {
  const arn = externalNameOf(mr);
  try {
    const { TargetGroups = [] } = await clients
      .get('elbv2', regionOf(mr))
      .send(
        new DescribeTargetGroupsCommand(
          arn?.startsWith('arn:') ? { TargetGroupArns: [arn] } : { Names: [elbNameOf(mr)] },
        ),
      );
    return TargetGroups[0];
  } catch (error) {
    if (isNotFound(error, 'TargetGroupNotFoundException')) return undefined;
    throw error;
  }
}

export function targetGroupHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const group = await describeTargetGroup(clients, mr);
      if (!group?.TargetGroupArn) return undefined;
      return {
        externalName: group.TargetGroupArn,
        ready: true,
        atProvider: {
          id: group.TargetGroupArn,
          arn: group.TargetGroupArn,
          arnSuffix: `targetgroup/${arnSuffix(group.TargetGroupArn, ':targetgroup/')}`,
          name: group.TargetGroupName,
          loadBalancerArns: group.LoadBalancerArns,
        },
      };
    },
    async create(mr, context) {
      const fields = createFields(mr);
      const check = block(fields, 'healthCheck');
      const vpcId = await resolveField(
        context,
        mr,
        fields,
        'vpcId',
        { apiVersion: EC2, kind: 'VPC' },
        referencedId,
      );
      await clients.get('elbv2', regionOf(mr)).send(
        new CreateTargetGroupCommand({
          Name: elbNameOf(mr),
          Protocol: str(fields, 'protocol') as 'HTTP' | undefined,
          Port: num(fields, 'port'),
          VpcId: vpcId,
          TargetType: str(fields, 'targetType') as 'instance' | undefined,
          HealthCheckEnabled: bool(check, 'enabled'),
          HealthCheckProtocol: str(check, 'protocol') as 'HTTP' | undefined,
          HealthCheckPort: str(check, 'port'),
          HealthCheckPath: str(check, 'path'),
          HealthCheckIntervalSeconds: num(check, 'interval'),
          HealthCheckTimeoutSeconds: num(check, 'timeout'),
          HealthyThresholdCount: num(check, 'healthyThreshold'),
          UnhealthyThresholdCount: num(check, 'unhealthyThreshold'),
          Matcher: str(check, 'matcher') ? { HttpCode: str(check, 'matcher') } : undefined,
        }),
      );
    },
    async delete(mr) {
      const group = await describeTargetGroup(clients, mr);
      if (group?.TargetGroupArn)
        await clients
          .get('elbv2', regionOf(mr))
          .send(new DeleteTargetGroupCommand({ TargetGroupArn: group.TargetGroupArn }));
    },
  };
}

const loadBalancerArnOf = (mr: ManagedResource, context: HandlerContext) =>
  requireField(
    context,
    mr,
    mr.spec.forProvider,
    'loadBalancerArn',
    { apiVersion: ELBV2, kind: 'LB' },
    referencedArn,
  );

async function defaultActions(mr: ManagedResource, context: HandlerContext): Promise<Action[]> {
  const actions: Action[] = [];
  for (const action of blocks(mr.spec.forProvider, 'defaultAction')) {
    const redirect = block(action, 'redirect');
    const fixed = block(action, 'fixedResponse');
    const targetGroupArn = await resolveField(
      context,
      mr,
      action,
      'targetGroupArn',
      { apiVersion: ELBV2, kind: 'LBTargetGroup' },
      referencedArn,
    );
    actions.push({
      Type: str(action, 'type') as Action['Type'],
      Order: num(action, 'order'),
      TargetGroupArn: targetGroupArn,
      RedirectConfig: redirect
        ? {
            Protocol: str(redirect, 'protocol'),
            Port: str(redirect, 'port'),
            Host: str(redirect, 'host'),
            Path: str(redirect, 'path'),
            Query: str(redirect, 'query'),
            StatusCode: str(redirect, 'statusCode') as 'HTTP_301',
          }
        : undefined,
      FixedResponseConfig: fixed
        ? {
            StatusCode: str(fixed, 'statusCode'),
            ContentType: str(fixed, 'contentType'),
            MessageBody: str(fixed, 'messageBody'),
          }
        : undefined,
    });
  }
  return actions;
}

/** Listeners: identified by their load balancer and port (ELB generates the ARN). */
export function listenerHandler(clients: AwsClients): ManagedResourceHandler {
  const find = async (mr: ManagedResource, context: HandlerContext): Promise<Listener | undefined> => {
    const known = externalNameOf(mr);
    const elbv2 = clients.get('elbv2', regionOf(mr));
    try {
      if (known?.startsWith('arn:')) {
        const { Listeners = [] } = await elbv2.send(new DescribeListenersCommand({ ListenerArns: [known] }));
        return Listeners[0];
      }
      const loadBalancerArn = await loadBalancerArnOf(mr, context);
      const { Listeners = [] } = await elbv2.send(
        new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn }),
      );
      return Listeners.find((listener) => listener.Port === num(mr.spec.forProvider, 'port'));
    } catch (error) {
      if (isNotFound(error, 'ListenerNotFoundException', 'LoadBalancerNotFoundException')) return undefined;
      if (error instanceof Error && error.name === 'UnresolvedReferenceError') return undefined;
      throw error;
    }
  };
  return {
    async observe(mr, context) {
      const listener = await find(mr, context);
      if (!listener?.ListenerArn) return undefined;
      return {
        externalName: listener.ListenerArn,
        ready: true,
        atProvider: {
          id: listener.ListenerArn,
          arn: listener.ListenerArn,
          loadBalancerArn: listener.LoadBalancerArn,
          port: listener.Port,
          protocol: listener.Protocol,
        },
      };
    },
    async create(mr, context) {
      const fields: Fields = createFields(mr);
      const certificateArn = str(fields, 'certificateArn');
      await clients.get('elbv2', regionOf(mr)).send(
        new CreateListenerCommand({
          LoadBalancerArn: await loadBalancerArnOf(mr, context),
          Port: num(fields, 'port'),
          Protocol: str(fields, 'protocol') as 'HTTP' | undefined,
          SslPolicy: str(fields, 'sslPolicy'),
          Certificates: certificateArn ? [{ CertificateArn: certificateArn }] : undefined,
          DefaultActions: await defaultActions(mr, context),
        }),
      );
    },
    async delete(mr, context) {
      const listener = await find(mr, context);
      if (listener?.ListenerArn)
        await clients
          .get('elbv2', regionOf(mr))
          .send(new DeleteListenerCommand({ ListenerArn: listener.ListenerArn }));
    },
  };
}
