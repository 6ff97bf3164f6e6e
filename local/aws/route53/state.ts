import { z } from 'zod';
import type { HealthMonitor } from './health-monitor.js';
import { HEALTH_CHECK_TYPES, type HealthCheck, type HealthCheckConfig, type HostedZone } from './model.js';

/** The Route 53 section of the state file: hosted zones with their records, health checks and their health. */

const recordSchema = z.object({
  name: z.string(),
  type: z.string(),
  ttl: z.number().optional(),
  values: z.array(z.string()),
  setIdentifier: z.string().optional(),
  failover: z.enum(['PRIMARY', 'SECONDARY']).optional(),
  region: z.string().optional(),
  weight: z.number().optional(),
  healthCheckId: z.string().optional(),
  alias: z
    .object({ hostedZoneId: z.string(), dnsName: z.string(), evaluateTargetHealth: z.boolean() })
    .optional(),
});

const zoneSchema = z.object({
  id: z.string(),
  name: z.string(),
  callerReference: z.string(),
  comment: z.string().optional(),
  privateZone: z.boolean(),
  records: z.array(recordSchema),
}) satisfies z.ZodType<HostedZone>;

// Keys in HealthCheckConfig's order: CreateHealthCheck compares configs as JSON for idempotent retries.
const configSchema = z.object({
  type: z.enum(HEALTH_CHECK_TYPES),
  ipAddress: z.string().optional(),
  port: z.number().int().optional(),
  resourcePath: z.string().optional(),
  fqdn: z.string().optional(),
  searchString: z.string().optional(),
  requestInterval: z.number().int().positive(),
  failureThreshold: z.number().int().positive(),
  measureLatency: z.boolean(),
  inverted: z.boolean(),
  disabled: z.boolean(),
  healthThreshold: z.number().int().optional(),
  childHealthChecks: z.array(z.string()),
  enableSni: z.boolean().optional(),
  regions: z.array(z.string()),
  alarmRegion: z.string().optional(),
  alarmName: z.string().optional(),
  insufficientDataHealthStatus: z.string().optional(),
}) satisfies z.ZodType<HealthCheckConfig>;

export const route53StateSchema = z.object({
  zones: z.array(zoneSchema),
  healthChecks: z.array(
    z.object({
      id: z.string(),
      callerReference: z.string(),
      version: z.number().int(),
      config: configSchema,
    }) satisfies z.ZodType<HealthCheck>,
  ),
  health: z.object({
    endpoints: z.record(z.string(), z.boolean()),
    lastKnownAlarm: z.record(z.string(), z.boolean()),
  }),
});

export type Route53StateFile = z.input<typeof route53StateSchema>;

export function snapshotRoute53(
  zones: ReadonlyMap<string, HostedZone>,
  healthChecks: ReadonlyMap<string, HealthCheck>,
  monitor: HealthMonitor,
): Route53StateFile {
  return {
    zones: [...zones.values()],
    healthChecks: [...healthChecks.values()],
    health: monitor.healthState(),
  };
}

/** Restores zones and checks, then watches the checks again: probing resumes from the saved health. */
export function restoreRoute53(
  zones: Map<string, HostedZone>,
  healthChecks: Map<string, HealthCheck>,
  monitor: HealthMonitor,
  state: z.output<typeof route53StateSchema>,
): void {
  for (const zone of state.zones) zones.set(zone.id, zone);
  for (const check of state.healthChecks) healthChecks.set(check.id, check);
  monitor.restoreHealth(state.health);
  for (const check of state.healthChecks) monitor.watch(check);
}
