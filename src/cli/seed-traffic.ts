/**
 * The Route 53 side of the TrafficRouting composition for a FailoverPlan, in the AWS simulator: the
 * hosted zone its traffic.dns names, per region the ALB, gate and fence checks and their
 * CALCULATED AND, failover (PRIMARY = the plan's primary) and latency records aliasing each
 * region's ALB, and each region's own record. With it, what the controller does to the gates
 * shows up where it matters: in DNS answers (ADR 0010).
 */
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  type HealthCheckConfig,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { FailoverPlanSpec } from '../apis/failover-plan.js';
import { type PairRegion, REGION_PAIR } from '../estate/common/parameters.js';
import { DNS_FAILOVER_TIMING } from '../estate/traffic/dns-timing.js';
import { insufficientDataHealthStatus, type SwitchKind } from '../estate/traffic/gate.js';

export interface SeededTraffic {
  zoneId: string;
  /** The failover name (PRIMARY/SECONDARY) and the latency name, as clients resolve them. */
  failoverName: string;
  latencyName: string;
  /** Each region's CALCULATED check. */
  regionChecks: Record<string, string>;
}

export interface TrafficSeedOptions {
  /** DNS name of each region's ALB, as the simulator serves it. */
  albDnsName(region: string): string;
  healthPath?: string;
}

const isPairRegion = (region: string): region is PairRegion =>
  (REGION_PAIR as readonly string[]).includes(region);

export async function seedTrafficForPlan(
  plan: FailoverPlanSpec,
  endpoint: string,
  options: TrafficSeedOptions,
): Promise<SeededTraffic> {
  const route53 = new Route53Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' },
  });
  const { dns } = plan.traffic;
  if (!dns) throw new Error('the plan names no DNS (spec.traffic.dns): there is no traffic routing to seed');
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: dns.zoneName, CallerReference: `seed-${dns.zoneName}` }),
  );
  const zoneId = zone.HostedZone?.Id?.replace('/hostedzone/', '') ?? '';
  const check = async (reference: string, config: HealthCheckConfig) =>
    (
      await route53.send(
        new CreateHealthCheckCommand({ CallerReference: reference, HealthCheckConfig: config }),
      )
    ).HealthCheck?.Id ?? '';

  const failoverName = dns.recordName;
  // The estate's latency name (a Format over the domain name, src/estate/traffic/composition.ts).
  const latencyName = `latency.${dns.recordName}`;
  const regionChecks: Record<string, string> = {};
  const records: ResourceRecordSet[] = [];
  for (const region of [plan.regions.primary, plan.regions.standby]) {
    if (!isPairRegion(region)) throw new Error(`the estate has no traffic routing for ${region}`);
    const gate = plan.traffic.gates.find((g) => g.region === region);
    if (!gate) throw new Error(`the plan names no gate for ${region}`);
    const peer = region === plan.regions.primary ? plan.regions.standby : plan.regions.primary;
    const alb = options.albDnsName(region);
    const switchCheck = (kind: SwitchKind, alarmName: string, alarmRegion: string) =>
      check(`${kind}-${region}`, {
        Type: 'CLOUDWATCH_METRIC',
        AlarmIdentifier: { Region: alarmRegion as 'us-east-1', Name: alarmName },
        InsufficientDataHealthStatus: insufficientDataHealthStatus(kind, region),
      });
    const members = [
      await check(`alb-${region}`, {
        Type: 'HTTPS',
        FullyQualifiedDomainName: alb,
        Port: 443,
        ResourcePath: options.healthPath ?? '/healthz',
        RequestInterval: DNS_FAILOVER_TIMING.healthCheckIntervalSeconds,
        FailureThreshold: DNS_FAILOVER_TIMING.failureThreshold,
      }),
      await switchCheck('gate', gate.alarmName, region),
      await switchCheck('fence', gate.fenceAlarmName, peer),
    ];
    const calculated = await check(`region-${region}`, {
      Type: 'CALCULATED',
      ChildHealthChecks: members,
      HealthThreshold: members.length,
    });
    regionChecks[region] = calculated;
    const alias = { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: alb, EvaluateTargetHealth: true };
    records.push(
      {
        Name: failoverName,
        Type: 'A',
        SetIdentifier: `${region}-failover`,
        Failover: region === plan.regions.primary ? 'PRIMARY' : 'SECONDARY',
        AliasTarget: alias,
        HealthCheckId: calculated,
      },
      {
        Name: latencyName,
        Type: 'A',
        SetIdentifier: `${region}-latency`,
        Region: region,
        AliasTarget: alias,
        HealthCheckId: calculated,
      },
    );
    const regional = dns.regionalRecords.find((r) => r.region === region);
    if (regional) {
      // Not gated: the region's ALB whatever its checks say.
      records.push({
        Name: regional.recordName,
        Type: 'A',
        AliasTarget: { ...alias, EvaluateTargetHealth: false },
      });
    }
  }
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: records.map((r) => ({ Action: 'CREATE', ResourceRecordSet: r })) },
    }),
  );
  return { zoneId, failoverName, latencyName, regionChecks };
}
