/**
 * The traffic switches of a region (ARCHITECTURE §2, ADR 0010), defined once. Region R serves only
 * while its ALB and both of its switches are healthy; Route 53 reads each switch through a
 * CLOUDWATCH_METRIC check, and each is an alarm over a metric the controller publishes (1 = closed):
 *
 * - the **gate** of R lives *in R*: what keeps a drained region drained, and what a region that
 *   survives alone opens for itself;
 * - the **fence** of R lives *in the other region*: what the survivor sets to drain R without
 *   calling R. Its check counts an alarm without data (a region Route 53 cannot read) as open, so a
 *   fence cannot outlive the region that holds it.
 *
 * Both keep their state without data (`ignore`): no heartbeat, so no controller is on the data
 * path. The TrafficRouting composition and the local seed build the alarms from here; the
 * controller reads the metric back from the alarm itself.
 */
import { fillFormat } from '../common/names.js';
import { PAIR_PRIMARY, type PairRegion } from '../common/parameters.js';

const SWITCH_COMMON = {
  namespace: 'Switchyard/Traffic',
  statistic: 'Maximum',
  /** High-resolution period: a switch moves within seconds of the datapoint, not a minute. */
  period: 10,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  /** A switch keeps its state until a controller publishes again (no heartbeat to miss). */
  treatMissingData: 'ignore',
} as const;

/** The gate of R, in R. */
export const GATE_ALARM = { ...SWITCH_COMMON, metricName: 'GateClosed' } as const;

/** The fence of R, in the other region. */
export const FENCE_ALARM = { ...SWITCH_COMMON, metricName: 'Fenced' } as const;

export type SwitchKind = 'gate' | 'fence';
export const SWITCH_ALARMS = { gate: GATE_ALARM, fence: FENCE_ALARM } as const;

/**
 * Route 53's status for a switch whose alarm has no data: never published, or in a region Route 53
 * cannot read. A fence without data is open, so a fence set by a region that has since died does
 * not drain the region that took over from it. A gate without data is open in the estate's primary
 * region and closed in its standby, so a new estate serves from exactly one region before any
 * controller has published.
 */
export function insufficientDataHealthStatus(kind: SwitchKind, region: PairRegion) {
  if (kind === 'fence') return 'Healthy';
  return region === PAIR_PRIMARY ? 'LastKnownStatus' : 'Unhealthy';
}

/** The region whose CloudWatch holds the switch of `region`: the gate at home, the fence across. */
export function switchAlarmRegion(kind: SwitchKind, region: PairRegion, peer: PairRegion): PairRegion {
  return kind === 'gate' ? region : peer;
}

/** `<platform>-switchyard-gate-<region>` / `-fence-`: deterministic, so the plan can name them before they exist. */
export const switchAlarmFormat = (kind: SwitchKind, region: PairRegion) => `%s-switchyard-${kind}-${region}`;
export const switchAlarmName = (kind: SwitchKind, platformId: string, region: PairRegion) =>
  fillFormat(switchAlarmFormat(kind, region), platformId);

/** Dimension names of the switch metrics; the values are the platform id and the switched region. */
export const GATE_DIMENSIONS = { platform: 'PlatformId', region: 'Region' } as const;

export function gateDimensions(platformId: string, region: string): Record<string, string> {
  return { [GATE_DIMENSIONS.platform]: platformId, [GATE_DIMENSIONS.region]: region };
}

/**
 * A switch alarm as a CloudWatch PutMetricAlarm request: what the local seed creates where the
 * TrafficRouting composition would (its MetricAlarm has the same fields in forProvider).
 */
export function switchAlarmRequest(kind: SwitchKind, alarmName: string, platformId: string, region: string) {
  const alarm = SWITCH_ALARMS[kind];
  return {
    AlarmName: alarmName,
    AlarmDescription: `Switchyard traffic ${kind} of ${region}`,
    Namespace: alarm.namespace,
    MetricName: alarm.metricName,
    Dimensions: Object.entries(gateDimensions(platformId, region)).map(([Name, Value]) => ({ Name, Value })),
    Statistic: alarm.statistic,
    Period: alarm.period,
    EvaluationPeriods: alarm.evaluationPeriods,
    DatapointsToAlarm: alarm.datapointsToAlarm,
    Threshold: alarm.threshold,
    ComparisonOperator: alarm.comparisonOperator,
    TreatMissingData: alarm.treatMissingData,
    ActionsEnabled: false,
  };
}
