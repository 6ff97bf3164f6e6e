import type { z } from 'zod';
import type { SimClock } from '../core/clock.js';
import { AwsError } from '../core/errors.js';
import type { Persistable } from '../core/persistence.js';
import type { RequestAuthorization, ServiceReply, ServiceRequest, SimService } from '../core/request.js';
import { fields, items, type Xml } from '../core/xml.js';
import { errorResponse } from '../protocols/error-response.js';
import { QueryParams, queryReply } from '../protocols/query.js';
import {
  Elbv2Store,
  type Listener,
  type ListenerAction,
  type LoadBalancer,
  listenerArn,
  newLoadBalancer,
  type TargetGroup,
  targetGroupArn,
} from './model.js';
import { type Elbv2StateFile, elbv2StateSchema, restoreElbv2, snapshotElbv2 } from './state.js';

const NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

const validationError = (message: string) => new AwsError('ValidationError', message);
const lbNotFound = () => new AwsError('LoadBalancerNotFound', 'One or more load balancers not found');
const tgNotFound = () => new AwsError('TargetGroupNotFound', 'One or more target groups not found');
const listenerNotFound = () => new AwsError('ListenerNotFound', 'One or more listeners not found');

/** ELB names: 1–32 letters, digits and hyphens, no leading or trailing hyphen, not `internal-…`. */
function validName(kind: string, name: string): string {
  if (!/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/.test(name) || name.startsWith('internal-')) {
    throw validationError(
      `${kind} name '${name}' cannot be longer than '32' characters, must contain only alphanumeric characters or hyphens, and must not begin or end with a hyphen or begin with 'internal-'`,
    );
  }
  return name;
}

function loadBalancerXml(lb: LoadBalancer): Xml {
  return fields({
    LoadBalancerArn: lb.arn,
    DNSName: lb.dnsName,
    CanonicalHostedZoneId: lb.canonicalHostedZoneId,
    CreatedTime: lb.createdAt,
    LoadBalancerName: lb.name,
    Scheme: lb.scheme,
    VpcId: lb.vpcId,
    State: fields({ Code: 'active' }),
    Type: lb.type,
    AvailabilityZones: items('member', lb.subnets, (subnet) =>
      fields({ ZoneName: `${lb.region}${'abcdef'[lb.subnets.indexOf(subnet) % 6]}`, SubnetId: subnet }),
    ),
    SecurityGroups: items('member', lb.securityGroups, (group) => group),
    IpAddressType: lb.ipAddressType,
  });
}

function targetGroupXml(group: TargetGroup, loadBalancerArns: string[]): Xml {
  const check = group.healthCheck;
  return fields({
    TargetGroupArn: group.arn,
    TargetGroupName: group.name,
    Protocol: group.protocol,
    Port: group.port,
    VpcId: group.vpcId,
    HealthCheckProtocol: check.protocol,
    HealthCheckPort: check.port,
    HealthCheckEnabled: check.enabled,
    HealthCheckIntervalSeconds: check.intervalSeconds,
    HealthCheckTimeoutSeconds: check.timeoutSeconds,
    HealthyThresholdCount: check.healthyThreshold,
    UnhealthyThresholdCount: check.unhealthyThreshold,
    HealthCheckPath: check.path,
    Matcher: check.matcher ? fields({ HttpCode: check.matcher }) : undefined,
    LoadBalancerArns: items('member', loadBalancerArns, (arn) => arn),
    TargetType: group.targetType,
    IpAddressType: 'ipv4',
  });
}

function actionXml(action: ListenerAction): Xml {
  return fields({
    Type: action.type,
    TargetGroupArn: action.targetGroupArn,
    Order: action.order,
    RedirectConfig: action.redirect
      ? fields({
          Protocol: action.redirect.protocol ?? '#{protocol}',
          Port: action.redirect.port ?? '#{port}',
          Host: action.redirect.host ?? '#{host}',
          Path: action.redirect.path ?? '/#{path}',
          Query: action.redirect.query ?? '#{query}',
          StatusCode: action.redirect.statusCode,
        })
      : undefined,
    FixedResponseConfig: action.fixedResponse
      ? fields({
          StatusCode: action.fixedResponse.statusCode,
          ContentType: action.fixedResponse.contentType,
          MessageBody: action.fixedResponse.messageBody,
        })
      : undefined,
    ForwardConfig: action.targetGroupArn
      ? fields({
          TargetGroups: items('member', [action.targetGroupArn], (arn) =>
            fields({ TargetGroupArn: arn, Weight: 1 }),
          ),
        })
      : undefined,
  });
}

function listenerXml(listener: Listener): Xml {
  return fields({
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    Certificates: items('member', listener.certificateArns, (arn) => fields({ CertificateArn: arn })),
    SslPolicy: listener.sslPolicy,
    DefaultActions: items('member', listener.defaultActions, actionXml),
  });
}

function parseAction(params: QueryParams): ListenerAction {
  const type = params.required('Type');
  const redirectCode = params.string('RedirectConfig.StatusCode');
  const fixedCode = params.string('FixedResponseConfig.StatusCode');
  const forwardTo = params.structs('ForwardConfig.TargetGroups')[0]?.string('TargetGroupArn');
  const action: ListenerAction = { type };
  const order = params.int('Order');
  if (order !== undefined) action.order = order;
  const targetGroupArn = params.string('TargetGroupArn') ?? forwardTo;
  if (targetGroupArn) action.targetGroupArn = targetGroupArn;
  if (redirectCode) {
    action.redirect = { statusCode: redirectCode };
    for (const key of ['Protocol', 'Port', 'Host', 'Path', 'Query'] as const) {
      const value = params.string(`RedirectConfig.${key}`);
      if (value !== undefined) action.redirect[key.toLowerCase() as 'protocol'] = value;
    }
  }
  if (fixedCode) {
    action.fixedResponse = { statusCode: fixedCode };
    const contentType = params.string('FixedResponseConfig.ContentType');
    const messageBody = params.string('FixedResponseConfig.MessageBody');
    if (contentType) action.fixedResponse.contentType = contentType;
    if (messageBody) action.fixedResponse.messageBody = messageBody;
  }
  if (type === 'forward' && !action.targetGroupArn)
    throw validationError('A target group ARN must be specified for a forward action');
  if (type === 'redirect' && !action.redirect)
    throw validationError('A redirect configuration must be specified for a redirect action');
  if (type === 'fixed-response' && !action.fixedResponse)
    throw validationError('A fixed response configuration must be specified for a fixed-response action');
  return action;
}

/**
 * Elastic Load Balancing v2 over awsQuery (2015-12-01): application load balancers, target groups
 * and listeners, enough for the estate's Compute XR to provision its ALB. Created ALBs are `active`
 * at once (AWS takes a few minutes in `provisioning`); targets are not registered here, an ALB's
 * health is its region's in-service Auto Scaling instances (local/aws/alb).
 */
export class Elbv2Service implements SimService, Persistable<typeof elbv2StateSchema> {
  readonly signingName = 'elasticloadbalancing';
  readonly stateKey = 'elbv2';
  readonly stateSchema = elbv2StateSchema;
  readonly store = new Elbv2Store();

  constructor(private readonly clock: SimClock) {}

  snapshot(): Elbv2StateFile {
    return snapshotElbv2(this.store);
  }

  restore(state: z.output<typeof elbv2StateSchema>): void {
    restoreElbv2(this.store, state);
  }

  operationOf(request: ServiceRequest): string {
    return QueryParams.fromBody(request.body, request.query).string('Action') ?? 'Unknown';
  }

  renderError(error: AwsError, request: ServiceRequest): ServiceReply {
    return errorResponse(error, NAMESPACE, request.requestId);
  }

  authorization(request: ServiceRequest, operation: string): RequestAuthorization {
    if (operation.startsWith('Describe')) return { resources: ['*'] };
    const params = QueryParams.fromBody(request.body, request.query);
    const arn =
      params.string('LoadBalancerArn') ?? params.string('TargetGroupArn') ?? params.string('ListenerArn');
    return { resources: [arn ?? '*'] };
  }

  async handle(request: ServiceRequest, operation: string): Promise<ServiceReply> {
    const params = QueryParams.fromBody(request.body, request.query);
    const region = request.region;
    const done = (result?: Xml) => queryReply(operation, NAMESPACE, request.requestId, result);
    const store = this.store;
    switch (operation) {
      case 'CreateLoadBalancer': {
        const name = validName('Load balancer', params.required('Name'));
        const type = (params.string('Type') ?? 'application') as LoadBalancer['type'];
        const scheme = (params.string('Scheme') ?? 'internet-facing') as LoadBalancer['scheme'];
        const existing = store.loadBalancersIn(region).find((lb) => lb.name === name);
        if (existing) {
          // The same request again answers with the load balancer it created (AWS is idempotent here).
          if (existing.type === type && existing.scheme === scheme)
            return done(fields({ LoadBalancers: items('member', [existing], loadBalancerXml) }));
          throw new AwsError('DuplicateLoadBalancerName', 'A load balancer with the same name exists');
        }
        const lb = newLoadBalancer(
          region,
          name,
          {
            type,
            scheme,
            ipAddressType: params.string('IpAddressType') ?? 'ipv4',
            subnets: params.list('Subnets'),
            securityGroups: params.list('SecurityGroups'),
          },
          this.clock.date(),
        );
        store.loadBalancers.set(lb.arn, lb);
        return done(fields({ LoadBalancers: items('member', [lb], loadBalancerXml) }));
      }
      case 'DescribeLoadBalancers': {
        const arns = params.list('LoadBalancerArns');
        const names = params.list('Names');
        const inRegion = store.loadBalancersIn(region);
        const selected = inRegion.filter(
          (lb) =>
            (arns.length === 0 || arns.includes(lb.arn)) && (names.length === 0 || names.includes(lb.name)),
        );
        // Any named load balancer that does not exist fails the whole call, as on AWS.
        const missing =
          arns.some((arn) => !selected.some((lb) => lb.arn === arn)) ||
          names.some((name) => !selected.some((lb) => lb.name === name));
        if (missing) throw lbNotFound();
        return done(fields({ LoadBalancers: items('member', selected, loadBalancerXml) }));
      }
      case 'DeleteLoadBalancer': {
        const arn = params.required('LoadBalancerArn');
        // Deleting a load balancer that is already gone succeeds (documented ELBv2 behaviour).
        store.loadBalancers.delete(arn);
        for (const listener of [...store.listeners.values()])
          if (listener.loadBalancerArn === arn) store.listeners.delete(listener.arn);
        return done();
      }
      case 'CreateTargetGroup': {
        const name = validName('Target group', params.required('Name'));
        const existing = [...store.targetGroups.values()].find((g) => g.region === region && g.name === name);
        if (existing) {
          if (existing.port === params.int('Port') && existing.protocol === params.string('Protocol'))
            return done(fields({ TargetGroups: items('member', [existing], (g) => this.targetGroupXml(g)) }));
          throw new AwsError('DuplicateTargetGroupName', 'A target group with the same name exists');
        }
        const protocol = params.string('Protocol');
        const targetType = params.string('TargetType') ?? 'instance';
        if (targetType !== 'lambda' && (protocol === undefined || params.int('Port') === undefined))
          throw validationError('A protocol and port must be specified for this target type');
        const group: TargetGroup = {
          arn: targetGroupArn(region, name),
          name,
          region,
          targetType,
          healthCheck: {
            enabled: params.bool('HealthCheckEnabled') ?? true,
            protocol: params.string('HealthCheckProtocol') ?? protocol ?? 'HTTP',
            port: params.string('HealthCheckPort') ?? 'traffic-port',
            intervalSeconds: params.int('HealthCheckIntervalSeconds') ?? 30,
            timeoutSeconds: params.int('HealthCheckTimeoutSeconds') ?? 5,
            healthyThreshold: params.int('HealthyThresholdCount') ?? 5,
            unhealthyThreshold: params.int('UnhealthyThresholdCount') ?? 2,
            path: params.string('HealthCheckPath') ?? (protocol?.startsWith('HTTP') ? '/' : undefined),
            matcher: params.string('Matcher.HttpCode') ?? (protocol?.startsWith('HTTP') ? '200' : undefined),
          },
        };
        if (protocol) group.protocol = protocol;
        const port = params.int('Port');
        if (port !== undefined) group.port = port;
        const vpcId = params.string('VpcId');
        if (vpcId) group.vpcId = vpcId;
        store.targetGroups.set(group.arn, group);
        return done(fields({ TargetGroups: items('member', [group], (g) => this.targetGroupXml(g)) }));
      }
      case 'DescribeTargetGroups': {
        const arns = params.list('TargetGroupArns');
        const names = params.list('Names');
        const lbArn = params.string('LoadBalancerArn');
        if (lbArn && !store.loadBalancers.has(lbArn)) throw lbNotFound();
        const selected = [...store.targetGroups.values()].filter(
          (g) =>
            g.region === region &&
            (arns.length === 0 || arns.includes(g.arn)) &&
            (names.length === 0 || names.includes(g.name)) &&
            (!lbArn || this.loadBalancersOf(g).includes(lbArn)),
        );
        const missing =
          arns.some((arn) => !selected.some((g) => g.arn === arn)) ||
          names.some((name) => !selected.some((g) => g.name === name));
        if (missing) throw tgNotFound();
        return done(fields({ TargetGroups: items('member', selected, (g) => this.targetGroupXml(g)) }));
      }
      case 'DeleteTargetGroup': {
        const arn = params.required('TargetGroupArn');
        const group = store.targetGroups.get(arn);
        if (group && this.loadBalancersOf(group).length > 0) {
          throw new AwsError(
            'ResourceInUse',
            `Target group '${arn}' is currently in use by a listener or a rule`,
          );
        }
        store.targetGroups.delete(arn);
        return done();
      }
      case 'CreateListener': {
        const lbArn = params.required('LoadBalancerArn');
        const lb = store.loadBalancers.get(lbArn);
        if (!lb || lb.region !== region) throw lbNotFound();
        const port = params.int('Port');
        const protocol = params.string('Protocol');
        if (port === undefined || protocol === undefined)
          throw validationError('A listener port and protocol must be specified');
        const certificateArns = params
          .structs('Certificates')
          .map((c) => c.string('CertificateArn'))
          .filter((arn): arn is string => arn !== undefined);
        if (protocol === 'HTTPS' && certificateArns.length === 0)
          throw new AwsError('CertificateNotFound', 'A certificate must be specified for HTTPS listeners');
        const defaultActions = params.structs('DefaultActions').map(parseAction);
        if (defaultActions.length === 0) throw validationError('A default action must be specified');
        for (const action of defaultActions)
          if (action.targetGroupArn && !store.targetGroups.has(action.targetGroupArn)) throw tgNotFound();
        const taken = [...store.listeners.values()].find(
          (l) => l.loadBalancerArn === lbArn && l.port === port,
        );
        if (taken) {
          if (taken.protocol === protocol)
            return done(fields({ Listeners: items('member', [taken], listenerXml) }));
          throw new AwsError(
            'DuplicateListener',
            'A listener already exists on this port for this load balancer',
          );
        }
        const listener: Listener = {
          arn: listenerArn(lbArn),
          loadBalancerArn: lbArn,
          region,
          port,
          protocol,
          certificateArns,
          defaultActions,
        };
        const sslPolicy =
          params.string('SslPolicy') ?? (protocol === 'HTTPS' ? 'ELBSecurityPolicy-2016-08' : undefined);
        if (sslPolicy) listener.sslPolicy = sslPolicy;
        store.listeners.set(listener.arn, listener);
        return done(fields({ Listeners: items('member', [listener], listenerXml) }));
      }
      case 'DescribeListeners': {
        const arns = params.list('ListenerArns');
        const lbArn = params.string('LoadBalancerArn');
        if (!lbArn && arns.length === 0)
          throw validationError('You must specify either listener ARNs or a load balancer ARN');
        if (lbArn && !store.loadBalancers.has(lbArn)) throw lbNotFound();
        const selected = [...store.listeners.values()].filter(
          (l) =>
            l.region === region &&
            (arns.length === 0 || arns.includes(l.arn)) &&
            (!lbArn || l.loadBalancerArn === lbArn),
        );
        if (arns.length > 0 && selected.length < arns.length) throw listenerNotFound();
        return done(fields({ Listeners: items('member', selected, listenerXml) }));
      }
      case 'DeleteListener': {
        const arn = params.required('ListenerArn');
        if (!store.listeners.delete(arn)) throw listenerNotFound();
        return done();
      }
      default:
        throw new AwsError('InvalidAction', `The action ${operation} is not valid for this web service.`);
    }
  }

  private targetGroupXml(group: TargetGroup): Xml {
    return targetGroupXml(group, this.loadBalancersOf(group));
  }

  /** Load balancers with a listener forwarding to the group (what AWS lists in LoadBalancerArns). */
  private loadBalancersOf(group: TargetGroup): string[] {
    const arns = new Set<string>();
    for (const listener of this.store.listeners.values())
      if (listener.defaultActions.some((a) => a.targetGroupArn === group.arn))
        arns.add(listener.loadBalancerArn);
    return [...arns];
  }
}
