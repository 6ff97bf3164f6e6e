/**
 * The security groups of a region and who may talk to whom, written once as flows. Each flow
 * between two groups becomes an egress rule on the sender and the matching ingress rule on the
 * receiver, so neither side can exist without the other; a flow from or to the internet has one
 * side only. Every group is used by exactly one kind of resource (ALB, app instances, Aurora).
 */
import { ROLE_LABEL } from '../common/labels.js';

export const SECURITY_GROUP_ROLES = ['alb', 'app', 'database'] as const;
export type SecurityGroupRole = (typeof SECURITY_GROUP_ROLES)[number];

/** The labels a resource's security group selector matches for the region's group of `role`. */
export const securityGroupLabels = (role: SecurityGroupRole) => ({ [ROLE_LABEL]: role });

export const INTERNET = 'internet';
export const INTERNET_CIDR = '0.0.0.0/0';
type Endpoint = SecurityGroupRole | typeof INTERNET;

/** The Security XR's `spec.appPort`: what the ALB forwards to and checks. */
export const APP_PORT = 'app';
/** Aurora MySQL's port (the clusters do not override it). */
export const MYSQL_PORT = 3306;

export interface Flow {
  from: Endpoint;
  to: Endpoint;
  /** TCP only: nothing in the platform needs another protocol or a port range. */
  port: number | typeof APP_PORT;
  /** Names a rule to or from the internet (`alb-in-https`); rules between groups name the peer. */
  service: string;
  why: string;
}

export const FLOWS: readonly Flow[] = [
  {
    from: INTERNET,
    to: 'alb',
    port: 443,
    service: 'https',
    why: 'HTTPS from clients and the Route 53 health checkers',
  },
  {
    from: INTERNET,
    to: 'alb',
    port: 80,
    service: 'http',
    why: 'HTTP from clients, only redirected to HTTPS',
  },
  { from: 'alb', to: 'app', port: APP_PORT, service: 'app', why: 'requests and target group health checks' },
  { from: 'app', to: 'database', port: MYSQL_PORT, service: 'mysql', why: 'Aurora MySQL' },
  {
    // AWS's public endpoints through the NAT gateways; DNS, NTP and instance metadata are not
    // filtered by security groups, so nothing else leaves the app.
    from: 'app',
    to: INTERNET,
    port: 443,
    service: 'https',
    why: 'AWS APIs (DynamoDB sessions, S3 data, Secrets Manager) through the NAT gateways',
  },
];

export interface GroupRule {
  /** `<group>-<in|out>-<peer group or internet service>`, e.g. `app-in-alb`, `alb-in-https`. */
  name: string;
  direction: 'ingress' | 'egress';
  group: SecurityGroupRole;
  /** The other side: a group of the region, or the internet as a CIDR. */
  peer: { group: SecurityGroupRole } | { cidr: string };
  port: Flow['port'];
  description: string;
}

function ruleOf(flow: Flow, direction: GroupRule['direction']): GroupRule | undefined {
  const [group, peer] = direction === 'egress' ? [flow.from, flow.to] : [flow.to, flow.from];
  if (group === INTERNET) return undefined;
  const way = direction === 'egress' ? 'out' : 'in';
  return {
    name: `${group}-${way}-${peer === INTERNET ? flow.service : peer}`,
    direction,
    group,
    peer: peer === INTERNET ? { cidr: INTERNET_CIDR } : { group: peer },
    port: flow.port,
    description: `${direction === 'egress' ? 'to' : 'from'} ${peer}: ${flow.why}`,
  };
}

/** Every rule of the region's groups: each flow's egress side, then its ingress side. */
export function groupRules(flows: readonly Flow[] = FLOWS): GroupRule[] {
  return flows.flatMap((flow) =>
    (['egress', 'ingress'] as const).flatMap((direction) => ruleOf(flow, direction) ?? []),
  );
}
