import { z } from 'zod';
import type { MetricAlarm } from './alarms.js';
import type { Datapoint, MetricStore } from './metrics.js';

/**
 * The CloudWatch section of the state file: every alarm with its state, and the datapoints recent
 * enough to matter. Older datapoints are dropped from the file (the bound keeps a long run at a fast
 * time scale from growing the file without end): those of the last RETAINED_MS of simulated time, or
 * of the longest alarm window in the region if longer, and at most MAX_DATAPOINTS per region.
 */
const RETAINED_MS = 3 * 60 * 60 * 1000;
const MAX_DATAPOINTS = 20_000;

const alarmSchema = z.object({
  name: z.string(),
  arn: z.string(),
  namespace: z.string(),
  metricName: z.string(),
  dimensions: z.array(z.object({ Name: z.string(), Value: z.string() })),
  statistic: z.string(),
  period: z.number().positive(),
  evaluationPeriods: z.number().int().positive(),
  datapointsToAlarm: z.number().int().positive(),
  threshold: z.number(),
  comparisonOperator: z.string(),
  treatMissingData: z.string(),
  actionsEnabled: z.boolean(),
  state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
  stateReason: z.string(),
  stateUpdatedAt: z.number(),
  configuredAt: z.number(),
}) satisfies z.ZodType<MetricAlarm>;

const datapointSchema = z.object({
  namespace: z.string(),
  metricName: z.string(),
  dimensionsKey: z.string(),
  timestamp: z.number(),
  value: z.number(),
  unit: z.string().optional(),
}) satisfies z.ZodType<Datapoint>;

export const cloudWatchStateSchema = z.object({
  regions: z.record(
    z.string(),
    z.object({ alarms: z.array(alarmSchema), datapoints: z.array(datapointSchema) }),
  ),
});

export type CloudWatchStateFile = z.input<typeof cloudWatchStateSchema>;

export function retainedDatapoints(
  store: MetricStore,
  alarms: readonly MetricAlarm[],
  now: number,
): Datapoint[] {
  const window = Math.max(RETAINED_MS, ...alarms.map((a) => a.period * 1000 * (a.evaluationPeriods + 1)));
  return store.since(now - window).slice(-MAX_DATAPOINTS);
}
