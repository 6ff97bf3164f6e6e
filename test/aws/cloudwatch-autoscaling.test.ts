import {
  AutoScalingServiceException,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  InvalidParameterValueException,
  MissingRequiredParameterException,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import { switchAlarmRequest } from '../../src/estate/traffic/gate.js';
import { waitFor } from '../support/wait.js';
import { createTwoRegionGlobalCluster } from './aurora-fixture.js';
import { autoScalingClient, cloudWatchClient, fastSimulator, rejectionOf } from './support.js';

let sim: AwsSimulator;
beforeEach(async () => {
  sim = await fastSimulator();
});
afterEach(async () => {
  await sim.close();
});

const lagQuery = (cluster: string, from: number, to: number) =>
  new GetMetricDataCommand({
    StartTime: new Date(from),
    EndTime: new Date(to),
    MetricDataQueries: [
      {
        Id: 'lag',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/RDS',
            MetricName: 'AuroraGlobalDBRPOLag',
            Dimensions: [{ Name: 'DBClusterIdentifier', Value: cluster }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      },
    ],
  });

describe('CloudWatch', () => {
  it('PutMetricData / GetMetricData aggregate per period', async () => {
    const cw = cloudWatchClient(sim, 'us-east-2');
    const now = sim.clock.now();
    const at = (secondsAgo: number) => new Date(Math.floor(now / 60_000) * 60_000 - secondsAgo * 1000);
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Switchyard/Probe',
        MetricData: [
          {
            MetricName: 'Latency',
            Value: 10,
            Timestamp: at(30),
            Dimensions: [{ Name: 'Region', Value: 'us-east-1' }],
          },
          {
            MetricName: 'Latency',
            Value: 30,
            Timestamp: at(20),
            Dimensions: [{ Name: 'Region', Value: 'us-east-1' }],
          },
          {
            MetricName: 'Latency',
            Value: 99,
            Timestamp: at(90),
            Dimensions: [{ Name: 'Region', Value: 'us-east-1' }],
          },
        ],
      }),
    );
    const out = await cw.send(
      new GetMetricDataCommand({
        StartTime: at(120),
        EndTime: at(0),
        MetricDataQueries: [
          {
            Id: 'latency',
            MetricStat: {
              Metric: {
                Namespace: 'Switchyard/Probe',
                MetricName: 'Latency',
                Dimensions: [{ Name: 'Region', Value: 'us-east-1' }],
              },
              Period: 60,
              Stat: 'Average',
            },
          },
        ],
      }),
    );
    expect(out.MetricDataResults?.[0]).toMatchObject({
      Id: 'latency',
      Values: [20, 99],
      StatusCode: 'Complete',
    });
    expect(out.MetricDataResults?.[0]?.Timestamps?.map((t) => t.getTime())).toEqual([
      at(60).getTime(),
      at(120).getTime(),
    ]);
  });

  it('errors are the typed exceptions', async () => {
    const cw = cloudWatchClient(sim, 'us-east-2');
    const reserved = await rejectionOf(
      cw.send(
        new PutMetricDataCommand({ Namespace: 'AWS/RDS', MetricData: [{ MetricName: 'x', Value: 1 }] }),
      ),
    );
    expect(reserved).toBeInstanceOf(InvalidParameterValueException);
    const missing = await rejectionOf(
      cw.send(new PutMetricDataCommand({ Namespace: 'A', MetricData: [{ MetricName: 'x' }] })),
    );
    expect(missing).toBeInstanceOf(MissingRequiredParameterException);
    const badAlarm = await rejectionOf(
      cw.send(
        new PutMetricAlarmCommand({
          AlarmName: 'bad',
          MetricName: 'x',
          Namespace: 'A',
          Statistic: 'Average',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 1,
          ComparisonOperator: 'Sideways' as 'GreaterThanThreshold',
        }),
      ),
    );
    expect(badAlarm).toBeInstanceOf(InvalidParameterValueException);
    expect((await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
  });

  it('lag metrics exist for the secondary only, grow during a partition, and drive an alarm', async () => {
    await createTwoRegionGlobalCluster(sim);
    const east2 = cloudWatchClient(sim, 'us-east-2');
    const east1 = cloudWatchClient(sim, 'us-east-1');
    await east2.send(
      new PutMetricAlarmCommand({
        AlarmName: 'rpo-budget',
        Namespace: 'AWS/RDS',
        MetricName: 'AuroraGlobalDBRPOLag',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'trading-use2' }],
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 60_000,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const ok = await waitFor(async () => {
      const alarms = await east2.send(new DescribeAlarmsCommand({ AlarmNames: ['rpo-budget'] }));
      return alarms.MetricAlarms?.[0]?.StateValue === 'OK' ? alarms.MetricAlarms[0] : undefined;
    }, 'the alarm to see data');
    expect(ok.StateReason).toContain('Threshold Crossed');
    const now = sim.clock.now();
    const lag = await east2.send(lagQuery('trading-use2', now - 600_000, now));
    expect(lag.MetricDataResults?.[0]?.Values?.[0]).toBe(20);
    const primaryLag = await east1.send(lagQuery('trading-use1', now - 600_000, now));
    expect(primaryLag.MetricDataResults?.[0]?.Values).toEqual([]);

    sim.faults.apply('partition', ['us-east-1', 'us-east-2']);
    await waitFor(
      async () => {
        const alarms = await east2.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
        return alarms.MetricAlarms?.some((a) => a.AlarmName === 'rpo-budget');
      },
      'the RPO alarm',
      5_000,
    );
  });

  it('a datapoint moves its alarm as of its arrival, however fast the clock runs while the request is handled', async () => {
    // 1 real µs = 10 simulated s: handling PutMetricData takes longer than the alarm's period.
    const racing = await startAwsSimulator({ timeScale: 1e-7 });
    try {
      const cloudWatch = cloudWatchClient(racing, 'us-east-2');
      const request = switchAlarmRequest('gate', 'gate-use2', 'trading', 'us-east-2');
      await cloudWatch.send(new PutMetricAlarmCommand(request));
      const publish = (value: number) =>
        cloudWatch.send(
          new PutMetricDataCommand({
            Namespace: request.Namespace,
            MetricData: [{ MetricName: request.MetricName, Dimensions: request.Dimensions, Value: value }],
          }),
        );
      const state = async () =>
        (await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['gate-use2'] }))).MetricAlarms?.[0]
          ?.StateValue;
      await publish(0);
      // Periods without data since: the switch keeps what the datapoint said (treatMissingData ignore).
      expect(await state()).toBe('OK');
      await publish(1);
      expect(await state()).toBe('ALARM');
    } finally {
      await racing.close();
    }
  });

  it('per-period evaluation: a datapoint moves its alarm only when its period ends, as AWS evaluates', async () => {
    // 10 simulated seconds = 100 real ms: room to read the alarm before its period ends.
    const slow = await startAwsSimulator({ timeScale: 0.01, alarmEvaluation: 'per-period' });
    try {
      const cloudWatch = cloudWatchClient(slow, 'us-east-2');
      const request = switchAlarmRequest('gate', 'gate-use2', 'trading', 'us-east-2');
      await cloudWatch.send(new PutMetricAlarmCommand(request));
      const periodMs = request.Period * 1000;
      const untilBoundary = () => periodMs - (slow.clock.now() % periodMs);
      // Start early in a period, so the reads below fall in the same one.
      await new Promise((resolve) => setTimeout(resolve, slow.clock.toRealMs(untilBoundary() + 1_000)));
      await cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: request.Namespace,
          MetricData: [
            {
              MetricName: request.MetricName,
              Dimensions: request.Dimensions,
              Value: 1,
              StorageResolution: 1,
            },
          ],
        }),
      );
      const state = async () =>
        (await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['gate-use2'] }))).MetricAlarms?.[0];
      expect(untilBoundary()).toBeGreaterThan(2_000);
      expect((await state())?.StateValue).toBe('INSUFFICIENT_DATA');
      const alarm = await waitFor(async () => {
        const current = await state();
        return current?.StateValue === 'ALARM' ? current : undefined;
      }, 'the period to end');
      // The change is stamped at the period's end, not at the datapoint.
      expect(((alarm.StateUpdatedTimestamp?.getTime() ?? 0) % periodMs) / 1000).toBe(0);
    } finally {
      await slow.close();
    }
  });
});

describe('Auto Scaling and the ALB', () => {
  it('groups scale, instances go InService and the region ALB turns healthy; region-down fails it', async () => {
    const asg = autoScalingClient(sim, 'us-east-2');
    const alb = sim.albs.find((a) => a.region === 'us-east-2');
    if (!alb) throw new Error('no ALB for us-east-2');
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'web',
        MinSize: 0,
        MaxSize: 4,
        DesiredCapacity: 0,
      }),
    );
    expect((await fetch(alb.url)).status).toBe(503);
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web', DesiredCapacity: 2 }));
    const group = await waitFor(async () => {
      const out = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }));
      const g = out.AutoScalingGroups?.[0];
      return g?.Instances?.every((i) => i.LifecycleState === 'InService') ? g : undefined;
    }, 'instances in service');
    expect(group).toMatchObject({ DesiredCapacity: 2, MinSize: 0, MaxSize: 4 });
    expect(group.Instances).toHaveLength(2);
    expect((await fetch(alb.url)).status).toBe(200);

    await asg.send(
      new UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: 'web',
        MinSize: 1,
        MaxSize: 1,
        DesiredCapacity: 1,
      }),
    );
    const after = await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web'] }));
    expect(after.AutoScalingGroups?.[0]?.Instances).toHaveLength(1);

    const tooMany = await rejectionOf(
      asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web', DesiredCapacity: 5 })),
    );
    expect(tooMany).toBeInstanceOf(AutoScalingServiceException);
    expect(tooMany.name).toBe('ValidationError');
    expect(tooMany.message).toBe(
      'New SetDesiredCapacity value 5 is above max value 1 for the AutoScalingGroup.',
    );
    const unknown = await rejectionOf(
      asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'nope', DesiredCapacity: 1 })),
    );
    expect(unknown.name).toBe('ValidationError');
    const duplicate = await rejectionOf(
      asg.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'web', MinSize: 0, MaxSize: 1 })),
    );
    expect(duplicate.name).toBe('AlreadyExistsFault');

    sim.faults.apply('region-down', ['us-east-2']);
    await expect(fetch(alb.url)).rejects.toThrow();
  });
});
