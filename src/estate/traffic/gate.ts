/**
 * The traffic gate of a region (ARCHITECTURE §2, ADR 0009), defined once: a CloudWatch alarm in
 * the *other* region over a metric the controller publishes (1 = drained, 0 = open), read by the
 * region's Route 53 gate health check. The TrafficRouting composition and the local seed both
 * build the alarm from here; the controller reads the metric back from the alarm itself.
 */
import type { PairRegion } from '../common/parameters.js';

export const GATE_ALARM = {
  namespace: 'Switchyard/Traffic',
  metricName: 'GateClosed',
  statistic: 'Maximum',
  /** High-resolution period: the gate moves within seconds of the datapoint, not a minute. */
  period: 10,
  evaluationPeriods: 1,
  datapointsToAlarm: 1,
  threshold: 1,
  comparisonOperator: 'GreaterThanOrEqualToThreshold',
  /** A gate keeps its state until the controller publishes again (no heartbeat to miss). */
  treatMissingData: 'ignore',
} as const;

/**
 * Route 53's status for the gate check while the alarm has no data: a new gate (never published)
 * counts as healthy, a gate that was closed stays closed.
 */
export const GATE_INSUFFICIENT_DATA_STATUS = 'LastKnownStatus';

/** `<platform>-switchyard-gate-<region>`: deterministic, so the plan can name it before it exists. */
export const gateAlarmFormat = (region: PairRegion) => `%s-switchyard-gate-${region}`;
export const gateAlarmName = (platformId: string, region: PairRegion) =>
  gateAlarmFormat(region).replace('%s', platformId);

/** Dimension names of the gate metric; the values are the platform id and the gated region. */
export const GATE_DIMENSIONS = { platform: 'PlatformId', region: 'Region' } as const;

export function gateDimensions(platformId: string, region: string): Record<string, string> {
  return { [GATE_DIMENSIONS.platform]: platformId, [GATE_DIMENSIONS.region]: region };
}

/**
 * The gate alarm as a CloudWatch PutMetricAlarm request: what the local seed creates where the
 * TrafficRouting composition would (its MetricAlarm has the same fields in forProvider).
 */
export function gateAlarmRequest(alarmName: string, platformId: string, region: string) {
  return {
    AlarmName: alarmName,
    AlarmDescription: `Switchyard traffic gate of ${region}`,
    Namespace: GATE_ALARM.namespace,
    MetricName: GATE_ALARM.metricName,
    Dimensions: Object.entries(gateDimensions(platformId, region)).map(([Name, Value]) => ({ Name, Value })),
    Statistic: GATE_ALARM.statistic,
    Period: GATE_ALARM.period,
    EvaluationPeriods: GATE_ALARM.evaluationPeriods,
    DatapointsToAlarm: GATE_ALARM.datapointsToAlarm,
    Threshold: GATE_ALARM.threshold,
    ComparisonOperator: GATE_ALARM.comparisonOperator,
    TreatMissingData: GATE_ALARM.treatMissingData,
    ActionsEnabled: false,
  };
}
