export const ROUTE53_NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';

export interface AliasTarget {
  hostedZoneId: string;
  dnsName: string;
  evaluateTargetHealth: boolean;
}

export interface RecordSet {
  name: string;
  type: string;
  ttl?: number;
  values: string[];
  setIdentifier?: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  region?: string;
  weight?: number;
  healthCheckId?: string;
  alias?: AliasTarget;
}

export interface HostedZone {
  id: string;
  name: string;
  callerReference: string;
  comment?: string;
  privateZone: boolean;
  records: RecordSet[];
}

/** Route 53's health check types, as CreateHealthCheck accepts them and the state file keeps them. */
export const HEALTH_CHECK_TYPES = [
  'HTTP',
  'HTTPS',
  'HTTP_STR_MATCH',
  'HTTPS_STR_MATCH',
  'TCP',
  'CALCULATED',
  'CLOUDWATCH_METRIC',
  'RECOVERY_CONTROL',
] as const;

export type HealthCheckType = (typeof HEALTH_CHECK_TYPES)[number];

export interface HealthCheckConfig {
  type: HealthCheckType;
  ipAddress?: string;
  port?: number;
  resourcePath?: string;
  fqdn?: string;
  searchString?: string;
  /** Seconds; 10 or 30, fixed at creation. */
  requestInterval: number;
  failureThreshold: number;
  measureLatency: boolean;
  inverted: boolean;
  disabled: boolean;
  healthThreshold?: number;
  childHealthChecks: string[];
  enableSni?: boolean;
  regions: string[];
  alarmRegion?: string;
  alarmName?: string;
  insufficientDataHealthStatus?: string;
}

export interface HealthCheck {
  id: string;
  callerReference: string;
  version: number;
  config: HealthCheckConfig;
}

/** DNS names compare lowercase with the trailing dot. */
export function normaliseName(name: string): string {
  const lower = name.toLowerCase().replace(/\\052/g, '*');
  return lower.endsWith('.') ? lower : `${lower}.`;
}

export function stripPrefix(id: string, prefix: string): string {
  return id.startsWith(prefix) ? id.slice(prefix.length) : id;
}
