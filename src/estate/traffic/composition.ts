/**
 * TrafficRouting Compositions: a managed hosted zone (default) or an existing zone id.
 * Failover types are static (us-east-1 PRIMARY): which region serves is decided at run time by the
 * gate alarms the controller sets, never by a Git change (ARCHITECTURE §1, §2; ADR 0009).
 */
import { compositionName } from '../api.js';
import { REGION_LABEL, ROLE_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { EXTERNAL_NAME } from '../common/names.js';
import {
  ESTATE_API_VERSION,
  ESTATE_GROUP,
  type PairRegion,
  peerOf,
  REGION_PAIR,
} from '../common/parameters.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { format } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate, DirectPatch } from '../patch-and-transform/types.js';
import { GATE_ALARM, GATE_DIMENSIONS, GATE_INSUFFICIENT_DATA_STATUS, gateAlarmFormat } from './gate.js';

export type ZoneSource = 'managed' | 'existing';
const ZONE_SOURCE_LABEL = `${ESTATE_GROUP}/zone-source`;
const CHECK_LABEL = `${ESTATE_GROUP}/check`;
/** Route 53 checkers probe every 30 s (the standard interval; 10 s costs more and flaps more). */
const REQUEST_INTERVAL = 30;

/** `<platform>-switchyard-gate-<region>`: deterministic, so checks can name it before it exists. */
export const gateBucketFormat = (region: PairRegion) => `%s-switchyard-gate-${region}`;
/** The gate object of region R, in the other region's gate bucket. */
export const gateObjectKey = (region: PairRegion) => `gates/${region}`;

function zonePatch(source: ZoneSource): DirectPatch[] {
  return source === 'existing'
    ? [fromComposite('spec.existingZoneId', 'spec.forProvider.zoneId', { policy: 'Required' })]
    : [];
}

function regionResources(region: PairRegion, source: ZoneSource): ComposedTemplate[] {
  const peer = peerOf(region);
  const labels = (extra: Record<string, string>) => ({ [REGION_LABEL]: region, ...extra });
  const zoneSelector = source === 'managed' ? { zoneIdSelector: selectOwn() } : {};
  const alias = (patches: DirectPatch[]) => [
    fromComposite(`spec.endpoints.${region}.albDnsName`, 'spec.forProvider.alias.name'),
    fromComposite(`spec.endpoints.${region}.albZoneId`, 'spec.forProvider.alias.zoneId'),
    ...patches,
  ];
  return [
    managed({
      // Lives in the *peer* region: when `region` fails, its gate is still in reach (ADR 0009).
      name: `gate-alarm-${region}`,
      service: 'cloudwatch',
      kind: 'MetricAlarm',
      region: peer,
      labels: labels({ [ROLE_LABEL]: 'gate' }),
      forProvider: {
        alarmDescription: `Switchyard traffic gate of ${region}: ALARM drains ${region} (its Route 53 gate check reads this alarm). Set by the failover controller; never page on it.`,
        namespace: GATE_ALARM.namespace,
        metricName: GATE_ALARM.metricName,
        statistic: GATE_ALARM.statistic,
        period: GATE_ALARM.period,
        evaluationPeriods: GATE_ALARM.evaluationPeriods,
        datapointsToAlarm: GATE_ALARM.datapointsToAlarm,
        threshold: GATE_ALARM.threshold,
        comparisonOperator: GATE_ALARM.comparisonOperator,
        treatMissingData: GATE_ALARM.treatMissingData,
        dimensions: { [GATE_DIMENSIONS.region]: region },
        actionsEnabled: false,
      },
      patches: [
        fromComposite('spec.platformId', EXTERNAL_NAME, { transforms: [format(gateAlarmFormat(region))] }),
        fromComposite('spec.platformId', `spec.forProvider.dimensions.${GATE_DIMENSIONS.platform}`),
        toComposite('status.atProvider.id', `status.gateAlarms.${region}`),
      ],
    }),
    managed({
      name: `health-check-alb-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'member' }),
      forProvider: {
        type: 'HTTPS',
        port: 443,
        requestInterval: REQUEST_INTERVAL,
        failureThreshold: 3,
        enableSni: true,
        measureLatency: true,
        referenceName: `alb-${region}`,
      },
      patches: [
        fromComposite(`spec.endpoints.${region}.albDnsName`, 'spec.forProvider.fqdn'),
        fromComposite('spec.healthPath', 'spec.forProvider.resourcePath'),
        toComposite('status.atProvider.id', `status.healthChecks.${region}.alb`),
      ],
    }),
    managed({
      name: `health-check-gate-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'member' }),
      // Healthy while the gate alarm is OK (or has never had data); unhealthy once the controller
      // publishes 1 into the alarm's metric in the peer region.
      forProvider: {
        type: 'CLOUDWATCH_METRIC',
        cloudwatchAlarmRegion: peer,
        cloudwatchAlarmNameSelector: selectOwn(labels({ [ROLE_LABEL]: 'gate' })),
        insufficientDataHealthStatus: GATE_INSUFFICIENT_DATA_STATUS,
        referenceName: `gate-${region}`,
      },
      patches: [toComposite('status.atProvider.id', `status.healthChecks.${region}.gate`)],
    }),
    managed({
      name: `health-check-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'calculated' }),
      forProvider: {
        type: 'CALCULATED',
        childHealthThreshold: 2,
        childHealthchecksSelector: selectOwn(labels({ [CHECK_LABEL]: 'member' })),
        referenceName: `region-${region}`,
      },
      patches: [toComposite('status.atProvider.id', `status.healthChecks.${region}.calculated`)],
    }),
    managed({
      name: `record-failover-${region}`,
      service: 'route53',
      kind: 'Record',
      forProvider: {
        type: 'A',
        setIdentifier: `${region}-failover`,
        failoverRoutingPolicy: { type: region === REGION_PAIR[0] ? 'PRIMARY' : 'SECONDARY' },
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
    name: compositionName(
      'trafficroutings',
      ESTATE_GROUP,
      source === 'managed' ? undefined : 'existing-zone',
    ),
    compositeTypeRef: { apiVersion: ESTATE_API_VERSION, kind: 'TrafficRouting' },
    labels: { [ZONE_SOURCE_LABEL]: source },
    patchSets: commonPatchSets,
    resources: trafficResources(source),
  }));
}
