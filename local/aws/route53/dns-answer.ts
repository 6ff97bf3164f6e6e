import type { HostedZone, RecordSet } from './model.js';
import { normaliseName } from './model.js';

/** What an alias to an ELB name resolves to; undefined when the name is no simulated ALB. */
export type AlbLookup = (dnsName: string) => { healthy: boolean; address: string } | undefined;

export interface AnswerContext {
  zones: () => HostedZone[];
  isHealthy: (healthCheckId: string) => boolean;
  alb: AlbLookup;
  /** Region the resolver is closest to, for latency records. */
  resolverRegion: string;
}

export interface DnsAnswer {
  responseCode: 'NOERROR' | 'NXDOMAIN';
  values: string[];
  /**
   * Seconds a resolver may cache the answer: the record's TTL, or for an alias the TTL of what it
   * aliases. Absent when nothing was answered. TestDNSAnswer does not return it (neither does AWS's);
   * it is how long clients can keep the previous answer after a failover.
   */
  ttl?: number;
}

const MAX_ALIAS_DEPTH = 8;

/**
 * An alias to an ELB load balancer is answered with the ELB's own TTL, fixed at 60 s: Route 53 FAQ,
 * ../shared/reference/failover-anchors.md §2.1 and §6 ("ELB/S3-website alias records use a fixed 60 s
 * TTL" [R7]).
 */
export const ELB_ALIAS_TTL_SECONDS = 60;

/**
 * Route 53's answer for a name and type, by its routing rules:
 * failover — primary if healthy; else secondary if healthy; else (secondary unhealthy) the primary;
 * latency — the healthy record of the resolver's region, else the nearest healthy one;
 * weighted — the heaviest healthy record (deterministic, where Route 53 draws at random);
 * in every policy, when no record is healthy Route 53 answers as if all were.
 */
export function answer(
  zone: HostedZone,
  name: string,
  type: string,
  ctx: AnswerContext,
  depth = 0,
): DnsAnswer {
  const fqdn = normaliseName(name);
  const named = zone.records.filter((r) => r.name === fqdn);
  if (named.length === 0) return { responseCode: 'NXDOMAIN', values: [] };
  const group = named.filter((r) => r.type === type);
  const chosen = select(group, ctx, depth);
  if (!chosen) return { responseCode: 'NOERROR', values: [] };
  const ttl = ttlOf(chosen, type, ctx, depth);
  return {
    responseCode: 'NOERROR',
    values: valuesOf(chosen, type, ctx, depth),
    ...(ttl === undefined ? {} : { ttl }),
  };
}

function select(group: RecordSet[], ctx: AnswerContext, depth: number): RecordSet | undefined {
  if (group.length <= 1) return group[0];
  const healthy = (r: RecordSet) => recordHealthy(r, ctx, depth);
  if (group.some((r) => r.failover)) {
    const primary = group.find((r) => r.failover === 'PRIMARY');
    const secondary = group.find((r) => r.failover === 'SECONDARY');
    if (primary && healthy(primary)) return primary;
    if (secondary && healthy(secondary)) return secondary;
    return primary ?? secondary;
  }
  const pool = group.filter(healthy);
  const candidates = pool.length > 0 ? pool : group;
  if (group.some((r) => r.region)) {
    return (
      candidates.find((r) => r.region === ctx.resolverRegion) ??
      candidates.find((r) => r.region?.split('-')[0] === ctx.resolverRegion.split('-')[0]) ??
      candidates[0]
    );
  }
  if (group.some((r) => r.weight !== undefined)) {
    return [...candidates].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))[0];
  }
  return candidates[0];
}

/** A record counts as healthy when its health check (if any) and, with EvaluateTargetHealth, its alias target are. */
export function recordHealthy(record: RecordSet, ctx: AnswerContext, depth = 0): boolean {
  if (record.healthCheckId && !ctx.isHealthy(record.healthCheckId)) return false;
  if (!record.alias?.evaluateTargetHealth) return true;
  if (depth >= MAX_ALIAS_DEPTH) return false;
  const target = normaliseName(record.alias.dnsName);
  const alb = ctx.alb(target);
  if (alb) return alb.healthy;
  const zone = zoneOf(target, ctx);
  if (!zone) return true;
  // An alias to a group of records is healthy when at least one record of the group is.
  const group = zone.records.filter((r) => r.name === target && r.type === record.type);
  return group.some((r) => recordHealthy(r, ctx, depth + 1));
}

function valuesOf(record: RecordSet, type: string, ctx: AnswerContext, depth: number): string[] {
  if (!record.alias) return record.values;
  const target = normaliseName(record.alias.dnsName);
  const alb = ctx.alb(target);
  if (alb) return [alb.address];
  const zone = zoneOf(target, ctx);
  if (!zone || depth >= MAX_ALIAS_DEPTH) return [];
  return answer(zone, target, type, ctx, depth + 1).values;
}

function ttlOf(record: RecordSet, type: string, ctx: AnswerContext, depth: number): number | undefined {
  if (!record.alias) return record.ttl;
  const target = normaliseName(record.alias.dnsName);
  if (ctx.alb(target)) return ELB_ALIAS_TTL_SECONDS;
  const zone = zoneOf(target, ctx);
  if (!zone || depth >= MAX_ALIAS_DEPTH) return undefined;
  return answer(zone, target, type, ctx, depth + 1).ttl;
}

function zoneOf(name: string, ctx: AnswerContext): HostedZone | undefined {
  return ctx
    .zones()
    .filter((z) => name === z.name || name.endsWith(`.${z.name}`))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

/**
 * The simulator has no client geography, so resolver IPs carry it: 10.<n>.0.0/16 is a resolver in
 * the n-th region of RESOLVER_REGIONS (10.1.x.x → us-east-1, 10.2.x.x → us-east-2, …); any other
 * address, or none, resolves from us-east-1.
 */
export const RESOLVER_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
];

export function regionOfResolver(ip: string | undefined): string {
  const match = ip ? /^10\.(\d+)\./.exec(ip) : null;
  return (match ? RESOLVER_REGIONS[Number(match[1]) - 1] : undefined) ?? 'us-east-1';
}
