import type { z } from 'zod';
import type { SimClock } from '../core/clock.js';
import { AwsError, invalidParameterValue } from '../core/errors.js';
import type { Persistable } from '../core/persistence.js';
import { ACCOUNT_ID } from '../core/regions.js';
import type { RequestAuthorization, ServiceReply, ServiceRequest, SimService } from '../core/request.js';
import { jsonError, jsonReply, targetOperation } from '../protocols/json.js';
import { type AlarmState, COMPARISON_OPERATORS, evaluate, type MetricAlarm } from './alarms.js';
import { type Dimension, dimensionsKey, MetricStore, statistic } from './metrics.js';
import { type CloudWatchStateFile, cloudWatchStateSchema, retainedDatapoints } from './state.js';

const TARGET_PREFIX = 'GraniteServiceVersion20100801';
const SHAPE_NAMESPACE = 'com.amazonaws.cloudwatch';
/** Query-era error codes → JSON shape names, so the SDK raises the typed exception. */
const SHAPES: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  MissingParameter: 'MissingRequiredParameterException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  ResourceNotFound: 'ResourceNotFound',
  InternalServiceError: 'InternalServiceFault',
};
const STATISTICS = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount'];

type Json = Record<string, unknown>;

const missing = (name: string) => new AwsError('MissingParameter', `The parameter ${name} is required.`);

function str(body: Json, name: string, required = false): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw missing(name);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidParameterValue(`The parameter ${name} must be a string.`);
  return value;
}

function num(body: Json, name: string, required = false): number | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw missing(name);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidParameterValue(`The parameter ${name} must be a number.`);
  }
  return value;
}

function dimensions(value: unknown): Dimension[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidParameterValue('Dimensions must be a list.');
  return value.map((d: unknown) => {
    const dim = (d ?? {}) as Json;
    if (typeof dim.Name !== 'string' || typeof dim.Value !== 'string') {
      throw invalidParameterValue('Each dimension needs a Name and a Value.');
    }
    return { Name: dim.Name, Value: dim.Value };
  });
}

/** Epoch seconds (what the SDK sends) → ms. */
function epochMs(value: unknown, name: string): number {
  if (typeof value !== 'number') throw invalidParameterValue(`The parameter ${name} must be a timestamp.`);
  return value * 1000;
}

/**
 * When an alarm looks at its metric. `on-datapoint` (the default): on every read and right after a
 * datapoint for its metric arrives, so a test sees a switch move at once. `per-period`: as AWS
 * does, once per period, over the last complete one, so a datapoint moves the alarm when its period
 * ends (up to one period later); the modelled-RTO bench uses it, the 10-second switch alarms
 * (src/estate/traffic/gate.ts) then add up to 10 s.
 */
export type AlarmEvaluation = 'on-datapoint' | 'per-period';

/** CloudWatch over awsJson1_0 (query-compatible): metrics and metric alarms per region. */
export class CloudWatchService implements SimService, Persistable<typeof cloudWatchStateSchema> {
  readonly signingName = 'monitoring';
  readonly stateKey = 'cloudwatch';
  readonly stateSchema = cloudWatchStateSchema;
  private readonly metrics = new Map<string, MetricStore>();
  private readonly alarms = new Map<string, Map<string, MetricAlarm>>();

  constructor(
    private readonly clock: SimClock,
    private readonly evaluation: AlarmEvaluation = 'on-datapoint',
  ) {}

  snapshot(): CloudWatchStateFile {
    const now = this.clock.now();
    const regions = new Set([...this.metrics.keys(), ...this.alarms.keys()]);
    return {
      regions: Object.fromEntries(
        [...regions].map((region) => {
          const alarms = [...this.alarmsIn(region).values()];
          return [region, { alarms, datapoints: retainedDatapoints(this.store(region), alarms, now) }];
        }),
      ),
    };
  }

  /** Alarms keep their state across a restart; the next evaluation (timer, read or datapoint) moves it. */
  restore(state: z.output<typeof cloudWatchStateSchema>): void {
    for (const [region, saved] of Object.entries(state.regions)) {
      for (const alarm of saved.alarms) this.alarmsIn(region).set(alarm.name, alarm);
      for (const point of saved.datapoints) this.store(region).put(point);
    }
  }

  store(region: string): MetricStore {
    let store = this.metrics.get(region);
    if (!store) {
      store = new MetricStore();
      this.metrics.set(region, store);
    }
    return store;
  }

  private alarmsIn(region: string): Map<string, MetricAlarm> {
    let alarms = this.alarms.get(region);
    if (!alarms) {
      alarms = new Map();
      this.alarms.set(region, alarms);
    }
    return alarms;
  }

  putDatapoint(
    region: string,
    namespace: string,
    metricName: string,
    dims: Record<string, string>,
    value: number,
  ): void {
    this.store(region).put({
      namespace,
      metricName,
      dimensionsKey: dimensionsKey(Object.entries(dims).map(([Name, Value]) => ({ Name, Value }))),
      timestamp: this.clock.now(),
      value,
    });
  }

  alarmState(region: string, name: string): AlarmState | undefined {
    const alarm = this.alarms.get(region)?.get(name);
    if (alarm) this.refresh(region, alarm);
    return alarm?.state;
  }

  /** Re-evaluates every alarm; the simulator calls this on a timer. */
  evaluateAlarms(): void {
    for (const [region, alarms] of this.alarms) {
      for (const alarm of alarms.values()) this.refresh(region, alarm);
    }
  }

  /**
   * Evaluates one alarm now. AWS evaluates every period; the simulator also evaluates on every
   * read and right after a datapoint for the alarm's metric arrives, because with a fast clock a
   * 10-second period can pass between two timer ticks and a datapoint would go unseen. `arrived`
   * is when that datapoint's request arrived: the evaluation ends just after it, since at time
   * scale 0.0001 a 10-second period is one real millisecond, which handling the request can take.
   */
  private refresh(region: string, alarm: MetricAlarm, arrived?: number): void {
    const now =
      arrived !== undefined && this.evaluation === 'on-datapoint' ? arrived + 1 : this.evaluatedAt(alarm);
    const { state, reason } = evaluate(alarm, this.store(region), now);
    if (state !== alarm.state) {
      alarm.state = state;
      alarm.stateUpdatedAt = now;
    }
    alarm.stateReason = reason;
  }

  /** The end of the window an evaluation looks at now (see AlarmEvaluation). */
  private evaluatedAt(alarm: MetricAlarm): number {
    const now = this.clock.now();
    // +1 ms: a datapoint stamped this very millisecond belongs to the period ending now.
    if (this.evaluation === 'on-datapoint') return now + 1;
    const periodMs = alarm.period * 1000;
    return Math.floor(now / periodMs) * periodMs;
  }

  operationOf(request: ServiceRequest): string {
    return targetOperation(request.headers['x-amz-target'], TARGET_PREFIX) ?? 'Unknown';
  }

  renderError(error: AwsError, request: ServiceRequest): ServiceReply {
    return jsonError(error, request.requestId, SHAPE_NAMESPACE, SHAPES);
  }

  /**
   * Alarm operations act on the named alarms' ARNs (all alarms of the region when none is named);
   * metric operations have no resource-level permissions, and PutMetricData carries the
   * `cloudwatch:namespace` condition key.
   */
  authorization(request: ServiceRequest, operation: string): RequestAuthorization {
    let body: Json = {};
    try {
      const parsed: unknown = JSON.parse(request.body.toString('utf8') || '{}');
      if (parsed && typeof parsed === 'object') body = parsed as Json;
    } catch {
      // Unreadable bodies are refused by handle() once authorized against `*`.
    }
    const alarmArn = (name: string) => `arn:aws:cloudwatch:${request.region}:${ACCOUNT_ID}:alarm:${name}`;
    const names = Array.isArray(body.AlarmNames)
      ? body.AlarmNames.filter((n): n is string => typeof n === 'string')
      : typeof body.AlarmName === 'string'
        ? [body.AlarmName]
        : undefined;
    if (operation === 'DescribeAlarms' || operation === 'PutMetricAlarm' || operation === 'DeleteAlarms') {
      return { resources: names?.length ? names.map(alarmArn) : [alarmArn('*')] };
    }
    if (operation === 'PutMetricData' && typeof body.Namespace === 'string') {
      return { resources: ['*'], conditions: { 'cloudwatch:namespace': body.Namespace } };
    }
    return { resources: ['*'] };
  }

  async handle(request: ServiceRequest, operation: string): Promise<ServiceReply> {
    let body: Json;
    try {
      const parsed: unknown = JSON.parse(request.body.toString('utf8') || '{}');
      body = (parsed ?? {}) as Json;
    } catch {
      throw invalidParameterValue('The request body is not valid JSON.');
    }
    const region = request.region;
    switch (operation) {
      case 'PutMetricData':
        this.putMetricData(region, body);
        return jsonReply(request.requestId, {});
      case 'GetMetricData':
        return jsonReply(request.requestId, this.getMetricData(region, body));
      case 'PutMetricAlarm':
        this.putMetricAlarm(region, body);
        return jsonReply(request.requestId, {});
      case 'DescribeAlarms':
        return jsonReply(request.requestId, this.describeAlarms(region, body));
      case 'DeleteAlarms': {
        const names = Array.isArray(body.AlarmNames) ? body.AlarmNames : [];
        for (const name of names) if (typeof name === 'string') this.alarmsIn(region).delete(name);
        return jsonReply(request.requestId, {});
      }
      default:
        throw new AwsError('InvalidAction', `The action ${operation} is not valid for this web service.`);
    }
  }

  private putMetricData(region: string, body: Json): void {
    // One request, one time: datapoints without a Timestamp, and the alarms they move, are as of its arrival.
    const received = this.clock.now();
    const namespace = str(body, 'Namespace', true) ?? '';
    if (namespace.startsWith('AWS/')) {
      throw invalidParameterValue(`The value ${namespace} for parameter Namespace is invalid.`);
    }
    const data = body.MetricData;
    if (!Array.isArray(data) || data.length === 0) throw missing('MetricData');
    const points = data.map((raw: unknown) => {
      const datum = (raw ?? {}) as Json;
      const metricName = str(datum, 'MetricName', true) ?? '';
      const value = num(datum, 'Value');
      const values = Array.isArray(datum.Values)
        ? datum.Values.filter((v): v is number => typeof v === 'number')
        : [];
      if (value === undefined && values.length === 0) {
        throw new AwsError('MissingParameter', 'The parameter MetricData.member.1.Value is required.');
      }
      const timestamp = datum.Timestamp === undefined ? received : epochMs(datum.Timestamp, 'Timestamp');
      const unit = str(datum, 'Unit');
      return (value === undefined ? values : [value]).map((v) => ({
        namespace,
        metricName,
        dimensionsKey: dimensionsKey(dimensions(datum.Dimensions)),
        timestamp,
        value: v,
        ...(unit ? { unit } : {}),
      }));
    });
    // Validate everything before storing anything: a bad datum rejects the whole call.
    for (const point of points.flat()) this.store(region).put(point);
    for (const alarm of this.alarmsIn(region).values()) {
      const watched = points
        .flat()
        .some(
          (p) =>
            p.namespace === alarm.namespace &&
            p.metricName === alarm.metricName &&
            p.dimensionsKey === dimensionsKey(alarm.dimensions),
        );
      if (watched) this.refresh(region, alarm, received);
    }
  }

  private getMetricData(region: string, body: Json): Json {
    const start = epochMs(body.StartTime, 'StartTime');
    const end = epochMs(body.EndTime, 'EndTime');
    if (start >= end)
      throw invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
    const queries = body.MetricDataQueries;
    if (!Array.isArray(queries) || queries.length === 0) throw missing('MetricDataQueries');
    const results = queries.map((raw: unknown) => {
      const query = (raw ?? {}) as Json;
      const id = str(query, 'Id', true) ?? '';
      if (!/^[a-z][a-zA-Z0-9_]*$/.test(id)) {
        throw invalidParameterValue(
          `The value ${id} for parameter MetricDataQueries.member.1.Id is invalid.`,
        );
      }
      const stat = (query.MetricStat ?? undefined) as Json | undefined;
      if (!stat)
        throw invalidParameterValue(
          'Only MetricStat queries are supported by the simulator (no Expression).',
        );
      const metric = (stat.Metric ?? {}) as Json;
      const period = num(stat, 'Period', true) ?? 60;
      const statName = str(stat, 'Stat', true) ?? 'Average';
      if (!STATISTICS.includes(statName))
        throw invalidParameterValue(`The value ${statName} for parameter Stat is invalid.`);
      const key = dimensionsKey(dimensions(metric.Dimensions));
      const timestamps: number[] = [];
      const values: number[] = [];
      // Newest period first, as CloudWatch's default TimestampDescending.
      for (let to = end; to > start; to -= period * 1000) {
        const from = Math.max(start, to - period * 1000);
        const points = this.store(region)
          .query(str(metric, 'Namespace', true) ?? '', str(metric, 'MetricName', true) ?? '', key, from, to)
          .map((p) => p.value);
        const value = statistic(points, statName);
        if (value === undefined) continue;
        timestamps.push(Math.floor(from / 1000));
        values.push(value);
      }
      return {
        Id: id,
        Label: str(metric, 'MetricName') ?? id,
        Timestamps: timestamps,
        Values: values,
        StatusCode: 'Complete',
      };
    });
    return { MetricDataResults: results, Messages: [] };
  }

  private putMetricAlarm(region: string, body: Json): void {
    const name = str(body, 'AlarmName', true) ?? '';
    const comparisonOperator = str(body, 'ComparisonOperator', true) ?? '';
    if (!COMPARISON_OPERATORS.includes(comparisonOperator)) {
      throw invalidParameterValue(
        `The value ${comparisonOperator} for parameter ComparisonOperator is invalid.`,
      );
    }
    const evaluationPeriods = num(body, 'EvaluationPeriods', true) ?? 1;
    const statName = str(body, 'Statistic', true) ?? 'Average';
    if (!STATISTICS.includes(statName))
      throw invalidParameterValue(`The value ${statName} for parameter Statistic is invalid.`);
    const period = num(body, 'Period', true) ?? 60;
    if (period < 10 || (period > 30 && period % 60 !== 0)) {
      throw invalidParameterValue('The parameter Period must be 10, 20, 30 or a multiple of 60.');
    }
    const treatMissingData = str(body, 'TreatMissingData') ?? 'missing';
    if (!['missing', 'breaching', 'notBreaching', 'ignore'].includes(treatMissingData)) {
      throw invalidParameterValue(`The value ${treatMissingData} for parameter TreatMissingData is invalid.`);
    }
    const now = this.clock.now();
    const existing = this.alarmsIn(region).get(name);
    this.alarmsIn(region).set(name, {
      name,
      arn: `arn:aws:cloudwatch:${region}:${ACCOUNT_ID}:alarm:${name}`,
      namespace: str(body, 'Namespace', true) ?? '',
      metricName: str(body, 'MetricName', true) ?? '',
      dimensions: dimensions(body.Dimensions),
      statistic: statName,
      period,
      evaluationPeriods,
      datapointsToAlarm: num(body, 'DatapointsToAlarm') ?? evaluationPeriods,
      threshold: num(body, 'Threshold', true) ?? 0,
      comparisonOperator,
      treatMissingData,
      actionsEnabled: body.ActionsEnabled !== false,
      state: existing?.state ?? 'INSUFFICIENT_DATA',
      stateReason: existing?.stateReason ?? 'Unchecked: Initial alarm creation',
      stateUpdatedAt: existing?.stateUpdatedAt ?? now,
      configuredAt: now,
    });
  }

  private describeAlarms(region: string, body: Json): Json {
    for (const alarm of this.alarmsIn(region).values()) this.refresh(region, alarm);
    const names = Array.isArray(body.AlarmNames) ? body.AlarmNames : undefined;
    const prefix = str(body, 'AlarmNamePrefix');
    const state = str(body, 'StateValue');
    const alarms = [...this.alarmsIn(region).values()].filter(
      (a) =>
        (!names || names.includes(a.name)) &&
        (!prefix || a.name.startsWith(prefix)) &&
        (!state || a.state === state),
    );
    return {
      MetricAlarms: alarms.map((a) => ({
        AlarmName: a.name,
        AlarmArn: a.arn,
        AlarmConfigurationUpdatedTimestamp: a.configuredAt / 1000,
        ActionsEnabled: a.actionsEnabled,
        StateValue: a.state,
        StateReason: a.stateReason,
        StateUpdatedTimestamp: a.stateUpdatedAt / 1000,
        MetricName: a.metricName,
        Namespace: a.namespace,
        Statistic: a.statistic,
        Dimensions: a.dimensions,
        Period: a.period,
        EvaluationPeriods: a.evaluationPeriods,
        DatapointsToAlarm: a.datapointsToAlarm,
        Threshold: a.threshold,
        ComparisonOperator: a.comparisonOperator,
        TreatMissingData: a.treatMissingData,
      })),
      CompositeAlarms: [],
    };
  }
}
