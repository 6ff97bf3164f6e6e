/**
 * The simulator's policy enforcement over the wire (ADR 0012): with a policy set, a request the
 * policy does not allow is answered AccessDenied in its protocol's own error shape (awsQuery RDS and
 * Auto Scaling, awsJson CloudWatch, restXml Route 53 and S3), the SDK raises it with that name, the
 * journal records it, and nothing changes; allowed requests are served as before. A bad policy
 * file is refused by `switchyard aws --enforce-policy` with the field named and nothing started.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateAutoScalingGroupCommand, SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import {
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  TestDNSAnswerCommand,
} from '@aws-sdk/client-route-53';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsSimulator, parsePolicy } from '../../local/aws/index.js';
import { startFromArgs } from '../../src/cli/aws.js';
import { memoryIo } from '../support/memory-io.js';
import { createTwoRegionGlobalCluster } from './aurora-fixture.js';
import {
  autoScalingClient,
  cloudWatchClient,
  fastSimulator,
  rdsClient,
  route53Client,
  s3Client,
} from './support.js';

let sim: AwsSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const ACCOUNT = '123456789012';

const policy = (statements: object[]) => parsePolicy({ Version: '2012-10-17', Statement: statements });

async function rejection(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the request to be refused');
}

describe('policy enforcement', () => {
  it('answers AccessDenied in each protocol’s shape, names action and resource, journals it and changes nothing', async () => {
    sim = await fastSimulator();
    await createTwoRegionGlobalCluster(sim);
    sim.policy.set(policy([{ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: '*' }]));

    const rds = await rejection(
      rdsClient(sim, 'us-east-2').send(
        new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'trading' }),
      ),
    );
    expect(rds).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${ACCOUNT}:user/AKIDSIMULATOR is not authorized to perform: rds:DescribeGlobalClusters on resource: arn:aws:rds::${ACCOUNT}:global-cluster:trading because no identity-based policy allows the rds:DescribeGlobalClusters action`,
    });

    const json = await rejection(
      cloudWatchClient(sim, 'us-east-1').send(
        new PutMetricDataCommand({
          Namespace: 'Switchyard/Traffic',
          MetricData: [{ MetricName: 'GateClosed', Value: 1 }],
        }),
      ),
    );
    expect(json).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(json.message).toContain('cloudwatch:PutMetricData on resource: *');

    const restXml = await rejection(route53Client(sim).send(new ListHostedZonesCommand({})));
    expect(restXml).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(restXml.message).toContain('route53:ListHostedZones');

    const s3 = await rejection(s3Client(sim, 'us-east-1').send(new ListBucketsCommand({})));
    expect(s3).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(s3.message).toContain('s3:ListBuckets');

    // Allowed: served as before.
    const alarms = await cloudWatchClient(sim, 'us-east-1').send(new DescribeAlarmsCommand({}));
    expect(alarms.MetricAlarms).toEqual([]);

    expect(sim.journal.list({ outcome: 'error' }).map((e) => [e.operation, e.errorCode, e.status])).toEqual([
      ['DescribeGlobalClusters', 'AccessDenied', 403],
      ['PutMetricData', 'AccessDenied', 403],
      ['ListHostedZones', 'AccessDenied', 403],
      ['ListBuckets', 'AccessDenied', 403],
    ]);
    sim.policy.set(undefined);
    expect(
      (await cloudWatchClient(sim, 'us-east-1').send(new DescribeAlarmsCommand({}))).MetricAlarms,
    ).toEqual([]);
  });

  it('resources are ARNs (wildcards), PutMetricData is held to its cloudwatch:namespace condition', async () => {
    sim = await fastSimulator();
    const asg = autoScalingClient(sim, 'us-east-2');
    for (const name of ['trading-app-us-east-2', 'other-app-us-east-2']) {
      await asg.send(
        new CreateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          MinSize: 0,
          MaxSize: 4,
          DesiredCapacity: 0,
        }),
      );
    }
    await cloudWatchClient(sim, 'us-east-2').send(
      new PutMetricAlarmCommand({
        AlarmName: 'trading-switchyard-gate-us-east-2',
        Namespace: 'Switchyard/Traffic',
        MetricName: 'GateClosed',
        Statistic: 'Maximum',
        Period: 10,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    sim.policy.set(
      policy([
        {
          Effect: 'Allow',
          Action: 'autoscaling:SetDesired*',
          Resource: `arn:aws:autoscaling:us-east-2:${ACCOUNT}:autoScalingGroup:*:autoScalingGroupName/trading-app-us-east-2`,
        },
        {
          Effect: 'Allow',
          Action: 'cloudwatch:DescribeAlarms',
          Resource: `arn:aws:cloudwatch:us-east-2:${ACCOUNT}:alarm:trading-switchyard-*`,
        },
        {
          Effect: 'Allow',
          Action: 'cloudwatch:PutMetricData',
          Resource: '*',
          Condition: { StringEquals: { 'cloudwatch:namespace': 'Switchyard/Traffic' } },
        },
      ]),
    );
    await asg.send(
      new SetDesiredCapacityCommand({ AutoScalingGroupName: 'trading-app-us-east-2', DesiredCapacity: 2 }),
    );
    const other = await rejection(
      asg.send(
        new SetDesiredCapacityCommand({ AutoScalingGroupName: 'other-app-us-east-2', DesiredCapacity: 2 }),
      ),
    );
    expect(other.message).toMatch(
      /autoscaling:SetDesiredCapacity on resource: arn:aws:autoscaling:us-east-2:123456789012:autoScalingGroup:[0-9a-f-]+:autoScalingGroupName\/other-app-us-east-2 /,
    );
    expect(sim.autoscaling.groups.in('us-east-2').get('other-app-us-east-2')?.desiredCapacity).toBe(0);

    const cw = cloudWatchClient(sim, 'us-east-2');
    const named = await cw.send(
      new DescribeAlarmsCommand({ AlarmNames: ['trading-switchyard-gate-us-east-2'] }),
    );
    expect(named.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['trading-switchyard-gate-us-east-2']);
    // Without names the request is about every alarm of the region, which the policy does not grant.
    expect((await rejection(cw.send(new DescribeAlarmsCommand({})))).message).toContain(
      `on resource: arn:aws:cloudwatch:us-east-2:${ACCOUNT}:alarm:*`,
    );

    const put = (Namespace: string) =>
      cw.send(new PutMetricDataCommand({ Namespace, MetricData: [{ MetricName: 'GateClosed', Value: 1 }] }));
    await put('Switchyard/Traffic');
    expect((await rejection(put('AWS/RDS'))).name).toBe('AccessDenied');
  });

  it('Route 53: a zone and a health check are their ARNs; ListHostedZonesByName and TestDNSAnswer are on *', async () => {
    sim = await fastSimulator();
    const r53 = route53Client(sim);
    const zoneIdOf = async (name: string) =>
      (
        await r53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: name }))
      ).HostedZone?.Id?.replace('/hostedzone/', '') ?? '';
    const [mine, theirs] = [await zoneIdOf('trading.example.com'), await zoneIdOf('other.example.com')];
    const check = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: 'check',
        HealthCheckConfig: { Type: 'TCP', IPAddress: '127.0.0.1', Port: 1 },
      }),
    );
    sim.policy.set(
      policy([
        {
          Effect: 'Allow',
          Action: 'route53:ListResourceRecordSets',
          Resource: `arn:aws:route53:::hostedzone/${mine}`,
        },
        { Effect: 'Allow', Action: 'route53:GetHealthCheck', Resource: 'arn:aws:route53:::healthcheck/*' },
        {
          Effect: 'Allow',
          Action: ['route53:ListHostedZonesByName', 'route53:TestDNSAnswer'],
          Resource: '*',
        },
      ]),
    );
    await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: mine }));
    expect(
      (await rejection(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: theirs })))).message,
    ).toContain(`route53:ListResourceRecordSets on resource: arn:aws:route53:::hostedzone/${theirs} `);
    await r53.send(new GetHealthCheckCommand({ HealthCheckId: check.HealthCheck?.Id }));
    expect(
      (await rejection(r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: check.HealthCheck?.Id }))))
        .message,
    ).toContain(
      `route53:GetHealthCheckStatus on resource: arn:aws:route53:::healthcheck/${check.HealthCheck?.Id} `,
    );
    await r53.send(new ListHostedZonesByNameCommand({ DNSName: 'trading.example.com' }));
    await r53.send(
      new TestDNSAnswerCommand({ HostedZoneId: theirs, RecordName: 'other.example.com', RecordType: 'NS' }),
    );
  });

  it('refuses what it does not model, naming the field', () => {
    const refused = (statement: object) => () => policy([statement]);
    expect(refused({ Effect: 'Deny', Action: '*', Resource: '*' })).toThrow(
      'Statement[0].Effect: must be "Allow" (Deny is not modelled), got "Deny"',
    );
    expect(refused({ Effect: 'Allow', NotAction: 'rds:*', Resource: '*' })).toThrow(
      'Statement[0].NotAction: not modelled by the simulator',
    );
    expect(
      refused({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:x': 'y' } } }),
    ).toThrow('Statement[0].Condition.StringLike: only StringEquals is modelled');
    expect(refused({ Effect: 'Allow', Action: 'PutMetricData', Resource: '*' })).toThrow(
      'Statement[0].Action: "PutMetricData" is not service:Action',
    );
    expect(refused({ Effect: 'Allow', Action: 'rds:*', Resource: 'trading' })).toThrow(
      'Statement[0].Resource: "trading" is neither * nor an ARN',
    );
    expect(() => parsePolicy('{"Statement": []}')).toThrow('Version: must be "2012-10-17", got undefined');
  });

  it('switchyard aws --enforce-policy: a bad file exits 1 naming the field, a good one enforces after the seed', async () => {
    const dir = tmpdir();
    const bad = join(dir, `switchyard-bad-policy-${process.pid}.json`);
    writeFileSync(
      bad,
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }),
    );
    const refusedIo = memoryIo();
    expect(await startFromArgs(['--enforce-policy', bad], refusedIo)).toBe(1);
    expect(refusedIo.err()).toBe(
      `switchyard aws: --enforce-policy ${bad}: Statement[0].Effect: must be "Allow" (Deny is not modelled), got "Deny"\n`,
    );

    const good = join(dir, `switchyard-policy-${process.pid}.json`);
    writeFileSync(
      good,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'rds:Describe*', Resource: '*' }],
      }),
    );
    const io = memoryIo();
    const started = await startFromArgs(['--time-scale', '0.0001', '--enforce-policy', good], io);
    if (typeof started === 'number') throw new Error(io.err());
    sim = started;
    expect(io.out()).toContain(`enforcing ${good} (1 Allow statements): anything else is AccessDenied\n`);
    await rdsClient(sim, 'us-east-1').send(new DescribeGlobalClustersCommand({}));
    expect((await rejection(route53Client(sim).send(new ListHostedZonesCommand({})))).name).toBe(
      'AccessDenied',
    );
  });
});
