/**
 * The derived plan names only what the estate creates: render the example TradingPlatform down to
 * MRs (one reconcile after Compute has reported its ALBs) and find every cluster, global cluster,
 * gate and fence alarm, DNS name, Auto Scaling group and probe target of the plan among them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import type { FailoverPlanInput, RegionHealthInput } from '../../../src/apis/index.js';
import { REGION_LABEL } from '../../../src/estate/common/labels.js';
import { derivePlan } from '../../../src/plan/derive.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import {
  examplesDir,
  forProviderOf,
  regionOf,
  renderPlatformMrs,
  reportedAlb,
  withAlbsReported,
} from '../../support/estate.js';

const example = join(examplesDir, 'trading-platform.yaml');
const REGIONS = ['us-east-1', 'us-east-2'] as const;
const albDnsName = (region: string) => reportedAlb(region).albDnsName;

let mrs: KubeObject[];
let plan: FailoverPlanInput;
let healths: RegionHealthInput[];

beforeAll(() => {
  ({ plan, regionHealths: healths } = derivePlan(parse(readFileSync(example, 'utf8'))));
  // The next reconcile: each region's ALB ids have reached the TradingPlatform's status.
  mrs = renderPlatformMrs(SchemaCatalog.load(), { change: withAlbsReported });
});

const externalName = (mr: KubeObject) => mr.metadata.annotations?.['crossplane.io/external-name'];

/** The MRs of `kind` with this external name (in `region`, for regional kinds). */
function named(kind: string, name: string, region?: string): KubeObject[] {
  return mrs.filter(
    (mr) =>
      mr.kind === kind && externalName(mr) === name && (region === undefined || regionOf(mr) === region),
  );
}

/** `arn:aws:rds:<region>:<account>:cluster:<id>` → its parts. */
function clusterArnParts(arn: string) {
  const [, , service, region, account, type, id] = arn.split(':');
  return { service, region, account, type, id };
}

/** The account the estate's ARNs live in: that of each region's HTTPS listener certificate. */
function listenerAccounts(): string[] {
  return mrs
    .filter((mr) => mr.kind === 'LBListener')
    .flatMap((mr) => forProviderOf<{ certificateArn?: string }>(mr).certificateArn ?? [])
    .map((arn) => arn.split(':')[4] ?? '');
}

function expectCluster(arn: string, region: string) {
  const parts = clusterArnParts(arn);
  expect(parts).toMatchObject({ service: 'rds', region, type: 'cluster' });
  expect(named('Cluster', parts.id ?? '', region), `cluster ${arn}`).toHaveLength(1);
  expect(new Set(listenerAccounts())).toEqual(new Set([parts.account]));
}

describe('the derived FailoverPlan names what the rendered estate creates', () => {
  it('member clusters (ARN: region, account, identifier) and the global cluster', () => {
    expect(plan.spec.database.members.map((m) => m.region)).toEqual([...REGIONS]);
    for (const member of plan.spec.database.members) expectCluster(member.clusterArn, member.region);
    expect(named('GlobalCluster', plan.spec.database.globalClusterIdentifier)).toHaveLength(1);
    // Each member joins that global cluster.
    for (const region of REGIONS) {
      const [cluster] = mrs.filter((mr) => mr.kind === 'Cluster' && regionOf(mr) === region);
      expect(
        (cluster?.spec?.initProvider as { globalClusterIdentifier?: string } | undefined)
          ?.globalClusterIdentifier,
      ).toBe(plan.spec.database.globalClusterIdentifier);
    }
  });

  it('each gate alarm in its region and each fence alarm in the other, over that region', () => {
    expect(plan.spec.traffic.gates.map((g) => g.region)).toEqual([...REGIONS]);
    for (const gate of plan.spec.traffic.gates) {
      const peer = REGIONS.find((r) => r !== gate.region);
      for (const [name, alarmRegion] of [
        [gate.alarmName, gate.region],
        [gate.fenceAlarmName, peer],
      ] as const) {
        const alarms = named('MetricAlarm', name, alarmRegion);
        expect(alarms, `${name} in ${alarmRegion}`).toHaveLength(1);
        expect(
          forProviderOf<{ dimensions: Record<string, string> }>(alarms[0] as KubeObject).dimensions,
        ).toEqual({ PlatformId: 'trading', Region: gate.region });
      }
    }
  });

  it('the DNS: its zone, the failover records of each region (PRIMARY the plan primary) and each region’s own name', () => {
    const dns = plan.spec.traffic.dns;
    if (!dns) throw new Error('the derived plan names no DNS');
    expect(
      mrs.filter((mr) => mr.kind === 'Zone').map((mr) => forProviderOf<{ name?: string }>(mr).name),
    ).toEqual([dns.zoneName]);
    const records = (name: string) =>
      mrs
        .filter((mr) => mr.kind === 'Record' && forProviderOf<{ name?: string }>(mr).name === name)
        .map((mr) =>
          forProviderOf<{
            alias: { name: string };
            setIdentifier?: string;
            failoverRoutingPolicy?: { type: string };
            healthCheckIdSelector?: { matchLabels?: Record<string, string> };
          }>(mr),
        );
    const failover = records(dns.recordName);
    const roles = { PRIMARY: plan.spec.regions.primary, SECONDARY: plan.spec.regions.standby };
    expect(failover.map((r) => r.failoverRoutingPolicy?.type).sort()).toEqual(['PRIMARY', 'SECONDARY']);
    for (const record of failover) {
      const region = roles[record.failoverRoutingPolicy?.type as keyof typeof roles];
      expect(record.alias.name, `the ${record.failoverRoutingPolicy?.type} record aliases ${region}`).toBe(
        albDnsName(region),
      );
      // Its health check is the region's own (the CALCULATED check verify-dns reads).
      expect(record.healthCheckIdSelector?.matchLabels?.[REGION_LABEL]).toBe(region);
    }
    expect(dns.regionalRecords.map((r) => r.region)).toEqual([...REGIONS]);
    for (const regional of dns.regionalRecords) {
      const [record, ...others] = records(regional.recordName);
      expect(others, regional.recordName).toEqual([]);
      expect(record?.alias.name, `${regional.recordName} aliases the ALB of ${regional.region}`).toBe(
        albDnsName(regional.region),
      );
      expect(record?.setIdentifier).toBeUndefined();
    }
  });

  it('each Auto Scaling group, in its region', () => {
    expect(plan.spec.compute.autoScalingGroups.map((g) => g.region)).toEqual([...REGIONS]);
    for (const group of plan.spec.compute.autoScalingGroups) {
      expect(named('AutoscalingGroup', group.name, group.region), group.name).toHaveLength(1);
    }
  });
});

describe('the derived RegionHealth objects probe what the rendered estate creates', () => {
  it('one per region and vantage', () => {
    expect(healths.map((h) => `${h.spec.region} from ${h.spec.vantage}`)).toEqual([
      'us-east-1 from cluster-use1',
      'us-east-1 from cluster-use2',
      'us-east-2 from cluster-use1',
      'us-east-2 from cluster-use2',
    ]);
  });

  it('HTTP: the region’s own record, an alias to its ALB, on the path its target group checks', () => {
    for (const health of healths) {
      const { region } = health.spec;
      const probes = health.spec.probes.filter((p) => p.type === 'HTTP');
      expect(probes).toHaveLength(1);
      const url = new URL(probes[0]?.http?.url ?? '');
      expect(url.protocol).toBe('https:');
      const records = mrs.filter(
        (mr) => mr.kind === 'Record' && forProviderOf<{ name?: string }>(mr).name === url.hostname,
      );
      expect(records, url.hostname).toHaveLength(1);
      const record = forProviderOf<{ alias: { name: string }; setIdentifier?: string }>(
        records[0] as KubeObject,
      );
      expect(record.alias.name, `${url.hostname} aliases the ALB of ${region}`).toBe(albDnsName(region));
      // Not a failover or latency record: the probe sees the region whatever its gates say.
      expect(record.setIdentifier).toBeUndefined();
      const [targetGroup] = mrs.filter((mr) => mr.kind === 'LBTargetGroup' && regionOf(mr) === region);
      expect(
        forProviderOf<{ healthCheck: { path: string } }>(targetGroup as KubeObject).healthCheck.path,
      ).toBe(url.pathname);
    }
  });

  it('CloudWatchAlarm: an alarm the Alerting composition makes in the probed region', () => {
    for (const health of healths) {
      const probes = health.spec.probes.filter((p) => p.type === 'CloudWatchAlarm');
      expect(probes.length).toBeGreaterThan(0);
      for (const probe of probes) {
        const name = probe.cloudWatchAlarm?.alarmName ?? '';
        expect(named('MetricAlarm', name, health.spec.region), name).toHaveLength(1);
      }
    }
  });

  it('AuroraWriter: the member cluster of the probed region', () => {
    for (const health of healths) {
      const probes = health.spec.probes.filter((p) => p.type === 'AuroraWriter');
      expect(probes).toHaveLength(1);
      expectCluster(probes[0]?.auroraWriter?.clusterArn ?? '', health.spec.region);
    }
  });

  it('each probes every automatic signal of the plan, which combines them with signalPolicy All', () => {
    // Under All a vantage that does not probe one of the signals cannot vote: a derived
    // RegionHealth missing one would leave the trigger a vantage short.
    expect(plan.spec.automatic.signalPolicy).toBe('All');
    const signals = plan.spec.automatic.signals ?? [];
    expect(signals.length).toBeGreaterThan(1);
    for (const health of healths) {
      const probed = health.spec.probes.map((probe) => probe.name);
      expect(probed, health.metadata.name).toEqual(expect.arrayContaining([...signals]));
    }
  });

  it('every probe type the derivation uses is covered above (no TCP probe of a guessed host)', () => {
    const types = new Set(healths.flatMap((h) => h.spec.probes.map((p) => p.type)));
    expect([...types].sort()).toEqual(['AuroraWriter', 'CloudWatchAlarm', 'HTTP']);
  });
});
