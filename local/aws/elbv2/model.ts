import { randomBytes, randomInt } from 'node:crypto';
import { ACCOUNT_ID } from '../core/regions.js';

/**
 * Application load balancers, target groups and listeners as ELBv2 keeps them: per region, by
 * ARN. Only the control-plane model; the data plane of a region's ALBs is the region's listener
 * in local/aws/alb (it answers for the ALBs this model holds).
 */
export interface LoadBalancer {
  arn: string;
  name: string;
  region: string;
  /** `<name>-<digits>.<region>.elb.amazonaws.com`, as AWS forms internet-facing ALB names. */
  dnsName: string;
  canonicalHostedZoneId: string;
  scheme: 'internet-facing' | 'internal';
  type: 'application' | 'network' | 'gateway';
  ipAddressType: string;
  vpcId: string;
  subnets: string[];
  securityGroups: string[];
  createdAt: Date;
}

export interface TargetGroup {
  arn: string;
  name: string;
  region: string;
  protocol?: string;
  port?: number;
  vpcId?: string;
  targetType: string;
  healthCheck: {
    enabled: boolean;
    protocol: string;
    port: string;
    path?: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
    matcher?: string;
  };
}

export interface ListenerAction {
  type: string;
  order?: number;
  targetGroupArn?: string;
  redirect?: {
    protocol?: string;
    port?: string;
    host?: string;
    path?: string;
    query?: string;
    statusCode: string;
  };
  fixedResponse?: { statusCode: string; contentType?: string; messageBody?: string };
}

export interface Listener {
  arn: string;
  loadBalancerArn: string;
  region: string;
  port: number;
  protocol: string;
  sslPolicy?: string;
  certificateArns: string[];
  defaultActions: ListenerAction[];
}

/**
 * Route 53 alias hosted zone ids of ALBs (the ELB service's zone per region, AWS's published
 * table); a region not listed gets a stand-in id.
 */
const ALB_HOSTED_ZONE_IDS: Record<string, string> = {
  'us-east-1': 'Z35SXDOTRQ7X7K',
  'us-east-2': 'Z3AADJGX6KTTL2',
  'us-west-1': 'Z368ELLRRE2KJ0',
  'us-west-2': 'Z1H1FL5HABSF5',
  'eu-west-1': 'Z32O12XQLNTSW2',
  'eu-central-1': 'Z215JYRZR1TBD5',
};

export const albHostedZoneId = (region: string) => ALB_HOSTED_ZONE_IDS[region] ?? 'Z0SWITCHYARDALB';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function newLoadBalancer(
  region: string,
  name: string,
  fields: Pick<LoadBalancer, 'scheme' | 'type' | 'ipAddressType' | 'subnets' | 'securityGroups'>,
  createdAt: Date,
): LoadBalancer {
  const typePath = fields.type === 'network' ? 'net' : fields.type === 'gateway' ? 'gwy' : 'app';
  const internal = fields.scheme === 'internal' ? 'internal-' : '';
  return {
    arn: `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:loadbalancer/${typePath}/${name}/${hex(8)}`,
    name,
    region,
    dnsName: `${internal}${name}-${randomInt(100_000_000, 2_000_000_000)}.${region}.elb.amazonaws.com`,
    canonicalHostedZoneId: albHostedZoneId(region),
    vpcId: `vpc-${hex(8)}`,
    createdAt,
    ...fields,
  };
}

export const targetGroupArn = (region: string, name: string) =>
  `arn:aws:elasticloadbalancing:${region}:${ACCOUNT_ID}:targetgroup/${name}/${hex(8)}`;

/** `…:loadbalancer/app/<name>/<id>` → `…:listener/app/<name>/<id>/<listener id>`. */
export const listenerArn = (loadBalancerArn: string) =>
  `${loadBalancerArn.replace(':loadbalancer/', ':listener/')}/${hex(8)}`;

export class Elbv2Store {
  readonly loadBalancers = new Map<string, LoadBalancer>();
  readonly targetGroups = new Map<string, TargetGroup>();
  readonly listeners = new Map<string, Listener>();

  loadBalancersIn(region: string): LoadBalancer[] {
    return [...this.loadBalancers.values()].filter((lb) => lb.region === region);
  }

  /** The ALB whose DNS name this is (trailing dot and case ignored), in any region. */
  byDnsName(name: string): LoadBalancer | undefined {
    const wanted = name.toLowerCase().replace(/\.$/, '');
    return [...this.loadBalancers.values()].find((lb) => lb.dnsName.toLowerCase() === wanted);
  }
}
