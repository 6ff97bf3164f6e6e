/**
 * TrafficRouting Compositions: a managed hosted zone (default) or an existing zone id.
 * Failover types are static (us-east-1 PRIMARY): which region serves is decided at run time by the
 * gate and fence alarms the controller sets, never by a Git change (ARCHITECTURE §1, §2; ADR 0010).
 * Each region also gets its own name, `<region>.<domainName>`, outside the gates: what the derived
 * RegionHealth probes (docs/adr/0011-derived-plan.md) instead of an AWS-generated ALB host name.
 *
 * Held back until known (ADR 0005): the ALB check and the records need the region's ALB
 * (`spec.endpoints`, from Compute's status) and the CALCULATED check needs its members' ids (this
 * XR's status). Composed earlier they would be created half-valid: a check of no host, an alias
 * to nothing, a CALCULATED check over the members that happened to exist (a children selector is
 * resolved once and then kept).
 */
import { REGION_LABEL, ROLE_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { EXTERNAL_NAME, regionalHostFormat } from '../common/names.js';
import { ESTATE_GROUP, PAIR_PRIMARY, type PairRegion, peerOf, REGION_PAIR } from '../common/parameters.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, requiredFromComposite, toComposite } from '../patch-and-transform/patches.js';
import { format } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate, DirectPatch } from '../patch-and-transform/types.js';
import { DNS_FAILOVER_TIMING } from './dns-timing.js';
import {
  GATE_DIMENSIONS,
  insufficientDataHealthStatus,
  SWITCH_ALARMS,
  type SwitchKind,
  switchAlarmFormat,
  switchAlarmRegion,
} from './gate.js';
import { trafficIdentity } from './identity.js';

export type ZoneSource = 'managed' | 'existing';
const ZONE_SOURCE_LABEL = `${ESTATE_GROUP}/zone-source`;
const CHECK_LABEL = `${ESTATE_GROUP}/check`;

function zonePatch(source: ZoneSource): DirectPatch[] {
  return source === 'existing'
    ? [requiredFromComposite('spec.existingZoneId', 'spec.forProvider.zoneId')]
    : [];
}

/** Member checks of a region's CALCULATED check (their ids in `status.healthChecks.<region>`). */
const MEMBER_CHECKS = ['alb', 'gate', 'fence'] as const;

type RegionLabels = (extra: Record<string, string>) => Record<string, string>;

/**
 * One switch of `region` (ADR 0010): its alarm, in the region that holds it (the gate at home, the
 * fence in the peer, so the survivor can drain a region it cannot reach), and the Route 53 check
 * that reads it.
 */
function switchResources(
  kind: SwitchKind,
  region: PairRegion,
  peer: PairRegion,
  labels: RegionLabels,
): ComposedTemplate[] {
  const alarm = SWITCH_ALARMS[kind];
  const role = kind === 'gate' ? 'gate' : 'fence';
  const alarmRegion = switchAlarmRegion(kind, region, peer);
  return [
    managed({
      name: `${kind}-alarm-${region}`,
      service: 'cloudwatch',
      kind: 'MetricAlarm',
      region: alarmRegion,
      labels: labels({ [ROLE_LABEL]: role }),
      forProvider: {
        alarmDescription:
          kind === 'gate'
            ? `Switchyard traffic gate of ${region}: ALARM drains ${region} and stays until a controller opens it. Set by the failover controller; never page on it.`
            : `Switchyard fence of ${region}: ALARM drains ${region}; set from ${peer} when ${region} cannot be reached, cleared by the controller. Never page on it.`,
        namespace: alarm.namespace,
        metricName: alarm.metricName,
        statistic: alarm.statistic,
        period: alarm.period,
        evaluationPeriods: alarm.evaluationPeriods,
        datapointsToAlarm: alarm.datapointsToAlarm,
        threshold: alarm.threshold,
        comparisonOperator: alarm.comparisonOperator,
        treatMissingData: alarm.treatMissingData,
        dimensions: { [GATE_DIMENSIONS.region]: region },
        actionsEnabled: false,
      },
      patches: [
        fromComposite('spec.platformId', EXTERNAL_NAME, {
          transforms: [format(switchAlarmFormat(kind, region))],
        }),
        fromComposite('spec.platformId', `spec.forProvider.dimensions.${GATE_DIMENSIONS.platform}`),
        toComposite('status.atProvider.id', `status.${kind}Alarms.${region}`),
      ],
    }),
    managed({
      name: `health-check-${kind}-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'member' }),
      forProvider: {
        type: 'CLOUDWATCH_METRIC',
        cloudwatchAlarmRegion: alarmRegion,
        cloudwatchAlarmNameSelector: selectOwn(labels({ [ROLE_LABEL]: role })),
        insufficientDataHealthStatus: insufficientDataHealthStatus(kind, region),
        referenceName: `${kind}-${region}`,
      },
      patches: [toComposite('status.atProvider.id', `status.healthChecks.${region}.${kind}`)],
    }),
  ];
}

function regionResources(region: PairRegion, source: ZoneSource): ComposedTemplate[] {
  const peer = peerOf(region);
  const labels: RegionLabels = (extra) => ({ [REGION_LABEL]: region, ...extra });
  const zoneSelector = source === 'managed' ? { zoneIdSelector: selectOwn() } : {};
  const albDnsName = `spec.endpoints.${region}.albDnsName`;
  const alias = (patches: DirectPatch[]) => [
    requiredFromComposite(albDnsName, 'spec.forProvider.alias.name'),
    requiredFromComposite(`spec.endpoints.${region}.albZoneId`, 'spec.forProvider.alias.zoneId'),
    ...patches,
  ];
  return [
    ...(['gate', 'fence'] as const).flatMap((kind) => switchResources(kind, region, peer, labels)),
    managed({
      name: `health-check-alb-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'member' }),
      forProvider: {
        type: 'HTTPS',
        port: 443,
        requestInterval: DNS_FAILOVER_TIMING.healthCheckIntervalSeconds,
        failureThreshold: DNS_FAILOVER_TIMING.failureThreshold,
        enableSni: true,
        measureLatency: true,
        referenceName: `alb-${region}`,
      },
      patches: [
        requiredFromComposite(albDnsName, 'spec.forProvider.fqdn'),
        fromComposite('spec.healthPath', 'spec.forProvider.resourcePath'),
        toComposite('status.atProvider.id', `status.healthChecks.${region}.alb`),
      ],
    }),
    managed({
      name: `health-check-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'calculated' }),
      forProvider: {
        type: 'CALCULATED',
        // AND of the member checks: the ALB serves, the gate is open, no fence holds.
        childHealthThreshold: MEMBER_CHECKS.length,
        referenceName: `region-${region}`,
      },
      patches: [
        // By id, all or nothing: the CALCULATED check is composed once every member exists.
        ...MEMBER_CHECKS.map((member, index) =>
          requiredFromComposite(
            `status.healthChecks.${region}.${member}`,
            `spec.forProvider.childHealthchecks[${index}]`,
          ),
        ),
        toComposite('status.atProvider.id', `status.healthChecks.${region}.calculated`),
      ],
    }),
    managed({
      name: `record-failover-${region}`,
      service: 'route53',
      kind: 'Record',
      forProvider: {
        type: 'A',
        setIdentifier: `${region}-failover`,
        failoverRoutingPolicy: { type: region === PAIR_PRIMARY ? 'PRIMARY' : 'SECONDARY' },
        alias: { evaluateTargetHealth: true },
        healthCheckIdSelector: selectOwn(labels({ [CHECK_LABEL]: 'calculated' })),
        ...zoneSelector,
      },
      patches: alias([fromComposite('spec.domainName', 'spec.forProvider.name'), ...zonePatch(source)]),
    }),
    managed({
      name: `record-latency-${region}`,
      service: 'route53',
      kind: 'Record',
      forProvider: {
        type: 'A',
        setIdentifier: `${region}-latency`,
        latencyRoutingPolicy: { region },
        alias: { evaluateTargetHealth: true },
        healthCheckIdSelector: selectOwn(labels({ [CHECK_LABEL]: 'calculated' })),
        ...zoneSelector,
      },
      patches: alias([
        fromComposite('spec.domainName', 'spec.forProvider.name', { transforms: [format('latency.%s')] }),
        ...zonePatch(source),
      ]),
    }),
    managed({
      // Not gated: a probe must see the region's ALB even while traffic is drained from it.
      name: `record-regional-${region}`,
      service: 'route53',
      kind: 'Record',
      forProvider: { type: 'A', alias: { evaluateTargetHealth: false }, ...zoneSelector },
      patches: alias([
        fromComposite('spec.domainName', 'spec.forProvider.name', {
          transforms: [format(regionalHostFormat(region))],
        }),
        ...zonePatch(source),
      ]),
    }),
  ];
}

export function trafficResources(source: ZoneSource): ComposedTemplate[] {
  const zone: ComposedTemplate[] =
    source === 'managed'
      ? [
          managed({
            name: 'hosted-zone',
            service: 'route53',
            kind: 'Zone',
            forProvider: { comment: 'Switchyard trading platform', forceDestroy: false },
            patches: [
              fromComposite('spec.zoneName', 'spec.forProvider.name'),
              toComposite('status.atProvider.zoneId', 'status.zoneId'),
            ],
          }),
        ]
      : [];
  return [...zone, ...REGION_PAIR.flatMap((region) => regionResources(region, source))];
}

export function trafficCompositions(): PipelineCompositionProps[] {
  return (['managed', 'existing'] as const).map((source) => ({
    name: trafficIdentity.compositionName(source === 'managed' ? undefined : 'existing-zone'),
    compositeTypeRef: trafficIdentity.compositeTypeRef,
    labels: { [ZONE_SOURCE_LABEL]: source },
    patchSets: commonPatchSets,
    resources: trafficResources(source),
  }));
}
