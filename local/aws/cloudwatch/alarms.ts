import { type Dimension, dimensionsKey, type MetricStore, statistic } from './metrics.js';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface MetricAlarm {
  name: string;
  arn: string;
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  statistic: string;
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  threshold: number;
  comparisonOperator: string;
  treatMissingData: string;
  actionsEnabled: boolean;
  state: AlarmState;
  stateReason: string;
  stateUpdatedAt: number;
  configuredAt: number;
}

const COMPARE: Record<string, (value: number, threshold: number) => boolean> = {
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  GreaterThanThreshold: (v, t) => v > t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

export const COMPARISON_OPERATORS = Object.keys(COMPARE);

/**
 * One evaluation of a metric alarm over its last EvaluationPeriods periods ending now:
 * ALARM when at least DatapointsToAlarm periods breach, with missing periods treated as
 * TreatMissingData says (missing | breaching | notBreaching | ignore).
 */
export function evaluate(
  alarm: MetricAlarm,
  metrics: MetricStore,
  now: number,
): { state: AlarmState; reason: string } {
  const periodMs = alarm.period * 1000;
  const key = dimensionsKey(alarm.dimensions);
  const compare = COMPARE[alarm.comparisonOperator] ?? COMPARE.GreaterThanThreshold;
  let breaching = 0;
  let present = 0;
  const seen: number[] = [];
  for (let k = 0; k < alarm.evaluationPeriods; k++) {
    const to = now - k * periodMs;
    const values = metrics
      .query(alarm.namespace, alarm.metricName, key, to - periodMs, to)
      .map((p) => p.value);
    const value = statistic(values, alarm.statistic);
    if (value === undefined) {
      if (alarm.treatMissingData === 'breaching') breaching += 1;
      continue;
    }
    present += 1;
    seen.push(value);
    if (compare?.(value, alarm.threshold)) breaching += 1;
  }
  if (present === 0 && (alarm.treatMissingData === 'missing' || alarm.treatMissingData === 'ignore')) {
    if (alarm.treatMissingData === 'ignore') return { state: alarm.state, reason: alarm.stateReason };
    return { state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: no datapoints were received.' };
  }
  const reason = `Threshold Crossed: ${breaching} out of the last ${alarm.evaluationPeriods} datapoints [${seen.join(', ')}] were ${alarm.comparisonOperator} ${alarm.threshold}.`;
  return { state: breaching >= alarm.datapointsToAlarm ? 'ALARM' : 'OK', reason };
}
