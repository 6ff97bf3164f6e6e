import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import type { ManagedResource, ManagedResourceHandler } from '../provider.js';
import type { AwsClients } from './clients.js';
import { bool, externalNameOf, type Fields, num, regionOf, str, strings } from './fields.js';

const alarmNameOf = (mr: ManagedResource) => externalNameOf(mr) ?? mr.metadata.name;

/**
 * The alarm the MR asks for. Alarm actions go out only when given literally: the estate selects
 * its SNS topic, which is record-only here (no SNS in the simulator), so there is nothing to notify.
 */
function alarmRequest(mr: ManagedResource): PutMetricAlarmCommandInput {
  const fields: Fields = mr.spec.forProvider;
  const dimensions = (fields.dimensions ?? {}) as Record<string, string>;
  return {
    AlarmName: alarmNameOf(mr),
    AlarmDescription: str(fields, 'alarmDescription'),
    Namespace: str(fields, 'namespace'),
    MetricName: str(fields, 'metricName'),
    Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value: String(Value) })),
    Statistic: str(fields, 'statistic') as PutMetricAlarmCommandInput['Statistic'],
    Period: num(fields, 'period'),
    EvaluationPeriods: num(fields, 'evaluationPeriods'),
    DatapointsToAlarm: num(fields, 'datapointsToAlarm'),
    Threshold: num(fields, 'threshold'),
    ComparisonOperator: str(fields, 'comparisonOperator') as PutMetricAlarmCommandInput['ComparisonOperator'],
    TreatMissingData: str(fields, 'treatMissingData'),
    ActionsEnabled: bool(fields, 'actionsEnabled'),
    AlarmActions: strings(fields, 'alarmActions'),
    OKActions: strings(fields, 'okActions'),
  };
}

/** Fields whose difference makes the alarm out of date (what PutMetricAlarm would change). */
function drift(want: PutMetricAlarmCommandInput, have: MetricAlarm): string[] {
  const compared: (keyof PutMetricAlarmCommandInput & keyof MetricAlarm)[] = [
    'Namespace',
    'MetricName',
    'Statistic',
    'Period',
    'EvaluationPeriods',
    'DatapointsToAlarm',
    'Threshold',
    'ComparisonOperator',
    'TreatMissingData',
  ];
  const differing: string[] = compared.filter((key) => want[key] !== undefined && want[key] !== have[key]);
  const dims = (list: { Name?: string; Value?: string }[] = []) =>
    JSON.stringify(list.map((d) => `${d.Name}=${d.Value}`).sort());
  if (dims(want.Dimensions) !== dims(have.Dimensions)) differing.push('Dimensions');
  return differing;
}

/**
 * CloudWatch metric alarms, the gate and fence alarms among them. An alarm's state belongs to
 * whoever sets it (the controller sets the gates): PutMetricAlarm runs only on create or when the
 * definition drifted, and the simulator, like CloudWatch, keeps the state across a redefinition.
 */
export function metricAlarmHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const name = alarmNameOf(mr);
      const { MetricAlarms = [] } = await clients
        .get('cloudwatch', regionOf(mr))
        .send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
      const alarm = MetricAlarms.find((a) => a.AlarmName === name);
      if (!alarm) return undefined;
      const differing = drift(alarmRequest(mr), alarm);
      return {
        externalName: name,
        ready: true,
        upToDate: differing.length === 0,
        message: differing.length ? `${differing.join(', ')} differ from AWS` : undefined,
        atProvider: { id: name, arn: alarm.AlarmArn },
      };
    },
    async create(mr) {
      await clients.get('cloudwatch', regionOf(mr)).send(new PutMetricAlarmCommand(alarmRequest(mr)));
    },
    async update(mr) {
      await clients.get('cloudwatch', regionOf(mr)).send(new PutMetricAlarmCommand(alarmRequest(mr)));
    },
    async delete(mr) {
      await clients
        .get('cloudwatch', regionOf(mr))
        .send(new DeleteAlarmsCommand({ AlarmNames: [alarmNameOf(mr)] }));
    },
  };
}
