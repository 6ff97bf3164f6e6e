import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  ListHealthChecksCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AWS_STATE_FILE,
  type AwsSimulator,
  type AwsSimulatorOptions,
  parsePolicy,
  startAwsSimulator,
} from '../../local/aws/index.js';
import { StateDirError } from '../../local/state-dir.js';
import { sleep, waitFor } from '../support/wait.js';
import { createTwoRegionGlobalCluster } from './aurora-fixture.js';
import {
  autoScalingClient,
  cloudWatchClient,
  rdsClient,
  rejectionOf,
  route53Client,
  s3Client,
} from './support.js';

/** Aurora steps of a few real ms at time scale 1, so the clock is the wall clock and alarms keep their data. */
const QUICK_AURORA = {
  pendingMs: 10,
  failoverMs: 10,
  switchoverMs: 10,
  switchoverTimeoutMs: 100,
  cancelMs: 10,
  writerDnsMs: 10,
  resyncMs: 10,
};
/** Long enough that whatever starts is still in flight when the simulator closes. */
const FOREVER = 3_600_000;

let dir: string;
const running: AwsSimulator[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-aws-state-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
  const sim = await startAwsSimulator({ stateDir: dir, logger: pino({ level: 'silent' }), ...options });
  running.push(sim);
  return sim;
}

async function restart(sim: AwsSimulator, options: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
  running.splice(running.indexOf(sim), 1);
  await sim.close();
  return start(options);
}

async function globalCluster(sim: AwsSimulator, region = 'us-east-2') {
  const out = await rdsClient(sim, region).send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'trading' }),
  );
  const global = out.GlobalClusters?.[0];
  if (!global) throw new Error('no global cluster trading');
  return global;
}

const writerOf = async (sim: AwsSimulator, region?: string) =>
  (await globalCluster(sim, region)).GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;

async function eventMessages(sim: AwsSimulator, region: string): Promise<string[]> {
  const out = await rdsClient(sim, region).send(new DescribeEventsCommand({ Duration: 60 }));
  return (out.Events ?? []).map((e) => e.Message ?? '');
}

async function versionedBucket(sim: AwsSimulator, region: string, name: string): Promise<S3Client> {
  const s3 = s3Client(sim, region);
  await s3.send(
    new CreateBucketCommand({
      Bucket: name,
      ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }),
    }),
  );
  await s3.send(
    new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return s3;
}

describe('AWS simulator state dir: a restart keeps what AWS would keep', () => {
  it('round trip over the wire: Aurora roles after a switchover, ASG capacity, alarm state, Route 53, S3', async () => {
    const first = await start({ aurora: QUICK_AURORA, instanceLaunchMs: 10 });
    const { east1, secondaryArn } = await createTwoRegionGlobalCluster(first);
    await east1.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );
    await waitFor(
      async () =>
        (await globalCluster(first)).Status === 'available' && (await writerOf(first)) === secondaryArn,
      'the switchover to us-east-2',
    );

    const asg = autoScalingClient(first, 'us-east-2');
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'web-use2',
        MinSize: 0,
        MaxSize: 6,
        DesiredCapacity: 0,
      }),
    );
    await asg.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'web-use2', DesiredCapacity: 4 }));

    const cw = cloudWatchClient(first, 'us-east-2');
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'gate-use2',
        Namespace: 'Switchyard/Gates',
        MetricName: 'Closed',
        Statistic: 'Maximum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0.5,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    await cw.send(
      new PutMetricDataCommand({
        Namespace: 'Switchyard/Gates',
        MetricData: [{ MetricName: 'Closed', Value: 1 }],
      }),
    );
    const alarmBefore = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['gate-use2'] })))
      .MetricAlarms?.[0];
    expect(alarmBefore?.StateValue).toBe('ALARM');

    const r53 = route53Client(first);
    const zone = await r53.send(
      new CreateHostedZoneCommand({ Name: 'trading.example.com', CallerReference: 'zone-1' }),
    );
    const zoneId = zone.HostedZone?.Id ?? '';
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'api.trading.example.com',
                Type: 'CNAME',
                TTL: 60,
                ResourceRecords: [{ Value: 'switchyard-us-east-2.us-east-2.elb.amazonaws.com' }],
              },
            },
          ],
        },
      }),
    );
    const check = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: 'gate-check',
        HealthCheckConfig: {
          Type: 'CLOUDWATCH_METRIC',
          AlarmIdentifier: { Region: 'us-east-2', Name: 'gate-use2' },
          InsufficientDataHealthStatus: 'LastKnownStatus',
        },
      }),
    );

    const s3 = await versionedBucket(first, 'us-east-2', 'data-use2');
    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'data-use2', Key: 'orders/open', Body: 'open' }),
    );

    await waitFor(async () => {
      const group = (await asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups?.[0];
      return group?.Instances?.every((i) => i.LifecycleState === 'InService') && group.Instances.length === 4;
    }, 'four InService instances');
    const instanceIds = (
      await asg.send(new DescribeAutoScalingGroupsCommand({}))
    ).AutoScalingGroups?.[0]?.Instances?.map((i) => i.InstanceId);
    const clockAtClose = first.clock.now();

    const second = await restart(first, { aurora: QUICK_AURORA, instanceLaunchMs: 10 });
    expect(second.restoredFromState).toBe(true);
    expect(second.clock.now()).toBeGreaterThanOrEqual(clockAtClose);

    // Aurora: the writer is still the us-east-2 cluster, as the plan's currentRoles would say.
    expect(await writerOf(second)).toBe(secondaryArn);
    expect(await writerOf(second, 'us-east-1')).toBe(secondaryArn);
    const global = await globalCluster(second);
    expect(global.Status).toBe('available');
    expect(global.EngineVersion).toBe('8.0.mysql_aurora.3.08.0');
    expect(global.GlobalClusterMembers?.map((m) => m.SynchronizationStatus)).toEqual([
      'connected',
      'connected',
    ]);
    const clusters = await rdsClient(second, 'us-east-2').send(new DescribeDBClustersCommand({}));
    expect(clusters.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['trading-use2']);
    const instances = await rdsClient(second, 'us-east-1').send(new DescribeDBInstancesCommand({}));
    expect(instances.DBInstances?.map((i) => i.DBInstanceIdentifier)).toEqual(['trading-use1-1']);
    expect(await eventMessages(second, 'us-east-2')).toContain(
      'Global switchover to DB cluster trading-use2 in Region us-east-2 completed.',
    );

    const groups = await autoScalingClient(second, 'us-east-2').send(
      new DescribeAutoScalingGroupsCommand({}),
    );
    expect(groups.AutoScalingGroups?.[0]).toMatchObject({ DesiredCapacity: 4, MinSize: 0, MaxSize: 6 });
    expect(groups.AutoScalingGroups?.[0]?.Instances?.map((i) => i.InstanceId)).toEqual(instanceIds);

    const alarmAfter = (
      await cloudWatchClient(second, 'us-east-2').send(
        new DescribeAlarmsCommand({ AlarmNames: ['gate-use2'] }),
      )
    ).MetricAlarms?.[0];
    expect(alarmAfter?.StateValue).toBe('ALARM');
    expect(alarmAfter?.StateUpdatedTimestamp).toEqual(alarmBefore?.StateUpdatedTimestamp);

    const records = await route53Client(second).send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }),
    );
    expect(records.ResourceRecordSets?.find((r) => r.Type === 'CNAME')?.ResourceRecords).toEqual([
      { Value: 'switchyard-us-east-2.us-east-2.elb.amazonaws.com' },
    ]);
    const checks = await route53Client(second).send(new ListHealthChecksCommand({}));
    expect(checks.HealthChecks?.map((c) => c.Id)).toEqual([check.HealthCheck?.Id]);
    // Same caller reference and settings after the restart: still the idempotent retry, not a conflict.
    const retried = await route53Client(second).send(
      new CreateHealthCheckCommand({
        CallerReference: 'gate-check',
        HealthCheckConfig: {
          Type: 'CLOUDWATCH_METRIC',
          AlarmIdentifier: { Region: 'us-east-2', Name: 'gate-use2' },
          InsufficientDataHealthStatus: 'LastKnownStatus',
        },
      }),
    );
    expect(retried.HealthCheck?.Id).toBe(check.HealthCheck?.Id);

    const object = await s3Client(second, 'us-east-2').send(
      new GetObjectCommand({ Bucket: 'data-use2', Key: 'orders/open' }),
    );
    expect(await object.Body?.transformToString()).toBe('open');
    expect(object.VersionId).toBe(put.VersionId);
    expect(object.ETag).toBe(put.ETag);

    const file = JSON.parse(readFileSync(join(dir, AWS_STATE_FILE), 'utf8')) as Record<string, unknown>;
    expect(file).toMatchObject({ layout: 'switchyard-aws-simulator', version: 1 });
    expect(Object.keys(file.sections as object).sort()).toEqual(
      [
        'aurora-lag',
        'autoscaling',
        'cloudwatch',
        'dynamodb',
        'elbv2',
        'faults',
        'iam-policy',
        'rds',
        's3',
        'route53',
      ].sort(),
    );
  });

  it('changes reach the file without a close (debounced), so a killed simulator loses at most the last moment', async () => {
    const sim = await start();
    await createTwoRegionGlobalCluster(sim);
    await waitFor(
      () => readFileSync(join(dir, AWS_STATE_FILE), 'utf8').includes('trading-use2-1'),
      'the state file',
    );
  });

  it('a fast clock resumes from the saved simulated time, ahead of the wall clock, never behind it', async () => {
    const first = await start({ timeScale: 0.0001 });
    await createTwoRegionGlobalCluster(first);
    await sleep(30);
    const aheadAtClose = first.clock.now();
    expect(aheadAtClose - Date.now()).toBeGreaterThan(200_000);
    const second = await restart(first, { timeScale: 0.0001 });
    const saved = JSON.parse(readFileSync(join(dir, AWS_STATE_FILE), 'utf8')) as { simulatedNow: number };
    expect(saved.simulatedNow).toBeGreaterThanOrEqual(aheadAtClose);
    expect(second.clock.now()).toBeGreaterThanOrEqual(saved.simulatedNow);
    const clusters = await rdsClient(second, 'us-east-1').send(new DescribeDBClustersCommand({}));
    const created = clusters.DBClusters?.[0]?.ClusterCreateTime?.getTime() ?? Number.POSITIVE_INFINITY;
    expect(created).toBeLessThanOrEqual(second.clock.now());
  });

  it('in-flight transitions settle on restore: a managed failover completes, launches finish, pending replication is copied', async () => {
    const first = await start({
      aurora: { ...QUICK_AURORA, failoverMs: FOREVER },
      instanceLaunchMs: FOREVER,
      s3ReplicationDelayMs: FOREVER,
    });
    const { east2, primaryArn, secondaryArn } = await createTwoRegionGlobalCluster(first);
    await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );
    await waitFor(async () => (await globalCluster(first)).Status === 'failing-over', 'failing-over');

    const asg = autoScalingClient(first, 'us-east-1');
    await asg.send(
      new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'web-use1', MinSize: 2, MaxSize: 4 }),
    );
    const pending = (await asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups?.[0]
      ?.Instances;
    expect(pending?.map((i) => i.LifecycleState)).toEqual(['Pending', 'Pending']);

    const source = await versionedBucket(first, 'us-east-1', 'data-use1');
    await versionedBucket(first, 'us-east-2', 'data-replica');
    await source.send(
      new PutBucketReplicationCommand({
        Bucket: 'data-use1',
        ReplicationConfiguration: {
          Role: 'arn:aws:iam::123456789012:role/replication',
          Rules: [
            {
              Status: 'Enabled',
              Priority: 1,
              Filter: { Prefix: '' },
              Destination: { Bucket: 'arn:aws:s3:::data-replica' },
            },
          ],
        },
      }),
    );
    await source.send(new PutObjectCommand({ Bucket: 'data-use1', Key: 'orders', Body: 'closed' }));
    expect(
      (await source.send(new HeadObjectCommand({ Bucket: 'data-use1', Key: 'orders' }))).ReplicationStatus,
    ).toBe('PENDING');

    const second = await restart(first, { aurora: { ...QUICK_AURORA, resyncMs: FOREVER } });
    const global = await globalCluster(second);
    expect(global.Status).toBe('available');
    expect(global.FailoverState).toBeUndefined();
    expect(await writerOf(second)).toBe(secondaryArn);
    expect(
      global.GlobalClusterMembers?.find((m) => m.DBClusterArn === primaryArn)?.SynchronizationStatus,
    ).toBe('pending-resync');
    expect(await eventMessages(second, 'us-east-2')).toContain(
      'Global failover to DB cluster trading-use2 in Region us-east-2 completed.',
    );
    const groups = await autoScalingClient(second, 'us-east-1').send(
      new DescribeAutoScalingGroupsCommand({}),
    );
    expect(groups.AutoScalingGroups?.[0]?.Instances?.map((i) => i.LifecycleState)).toEqual([
      'InService',
      'InService',
    ]);
    const replica = await s3Client(second, 'us-east-2').send(
      new GetObjectCommand({ Bucket: 'data-replica', Key: 'orders' }),
    );
    expect(await replica.Body?.transformToString()).toBe('closed');
    expect(replica.ReplicationStatus).toBe('REPLICA');
    expect(
      (
        await s3Client(second, 'us-east-1').send(
          new HeadObjectCommand({ Bucket: 'data-use1', Key: 'orders' }),
        )
      ).ReplicationStatus,
    ).toBe('COMPLETED');
  });

  it('a region that was down stays down, and a switchover in flight towards it is cancelled with the roles unchanged', async () => {
    const first = await start({ aurora: { ...QUICK_AURORA, pendingMs: FOREVER } });
    const { east1, primaryArn, secondaryArn } = await createTwoRegionGlobalCluster(first);
    await east1.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );
    first.faults.apply('region-down', ['us-east-1']);

    const second = await restart(first);
    expect(second.faults.state().regionsDown).toEqual({ 'us-east-1': 'reset' });
    const refused = await rejectionOf(rdsClient(second, 'us-east-1').send(new DescribeDBClustersCommand({})));
    expect(refused.message).toMatch(/socket hang up|ECONNRESET/);
    const global = await globalCluster(second, 'us-east-2');
    expect(global.Status).toBe('available');
    expect(await writerOf(second, 'us-east-2')).toBe(primaryArn);
    const messages = await eventMessages(second, 'us-east-2');
    expect(messages).toContain(
      'Error while completing global switchover to DB cluster trading-use2 in Region us-east-2.',
    );
    expect(messages).toContain(
      'Global switchover to DB cluster trading-use2 in Region us-east-2 is cancelled.',
    );
  });

  it('the IAM policy in force stays in force', async () => {
    const first = await start();
    first.policy.set(
      parsePolicy({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'rds:Describe*', Resource: '*' }],
      }),
    );
    const second = await restart(first);
    expect(second.policy.enforcing).toBe(true);
    await rdsClient(second, 'us-east-1').send(new DescribeDBClustersCommand({}));
    const denied = await rejectionOf(
      cloudWatchClient(second, 'us-east-1').send(new DescribeAlarmsCommand({})),
    );
    expect(denied.name).toBe('AccessDenied');
  });
});

describe('AWS simulator state dir: bad state is refused at start with a clear message', () => {
  const path = () => join(dir, AWS_STATE_FILE);

  async function refusal(): Promise<StateDirError> {
    const error = await rejectionOf(start());
    expect(error).toBeInstanceOf(StateDirError);
    return error as StateDirError;
  }

  async function validFile(): Promise<string> {
    const sim = await start();
    await createTwoRegionGlobalCluster(sim);
    running.splice(running.indexOf(sim), 1);
    await sim.close();
    return readFileSync(path(), 'utf8');
  }

  it('a corrupt file: names it, says what to do, leaves it untouched', async () => {
    const text = `${(await validFile()).slice(0, 200)}`;
    writeFileSync(path(), text);
    const error = await refusal();
    expect(error.message).toContain(`${path()}: is not valid JSON`);
    expect(error.message).toContain('move it away or start with an empty --state-dir');
    expect(readFileSync(path(), 'utf8')).toBe(text);
  });

  it('a file of another layout version, or not of this simulator', async () => {
    const file = JSON.parse(await validFile()) as Record<string, unknown>;
    const newer = JSON.stringify({ ...file, version: 7 });
    writeFileSync(path(), newer);
    expect((await refusal()).message).toContain('has layout version 7, this build reads version 1');
    expect(readFileSync(path(), 'utf8')).toBe(newer);
    writeFileSync(path(), '{"revision":3,"resources":[]}');
    expect((await refusal()).message).toContain('is not an AWS simulator state file');
  });

  it('a section that does not match its service, or of a service this build does not have', async () => {
    const file = JSON.parse(await validFile()) as { sections: Record<string, unknown> };
    const broken = JSON.stringify({
      ...file,
      sections: { ...file.sections, rds: { globalClusters: 'none' } },
    });
    writeFileSync(path(), broken);
    expect((await refusal()).message).toContain('does not match the "rds" section: globalClusters:');
    expect(readFileSync(path(), 'utf8')).toBe(broken);
    writeFileSync(path(), JSON.stringify({ ...file, sections: { ...file.sections, sqs: {} } }));
    expect((await refusal()).message).toContain('holds state of sqs, which this build does not simulate');
  });

  it('a state dir that cannot be created or written: under /proc, a file in the way', async () => {
    const proc = await rejectionOf(startAwsSimulator({ stateDir: '/proc/switchyard-state' }));
    expect(proc).toBeInstanceOf(StateDirError);
    expect(proc.message).toContain('/proc/switchyard-state: cannot be created as a state dir');
    writeFileSync(join(dir, 'plain-file'), 'x');
    const inTheWay = await rejectionOf(startAwsSimulator({ stateDir: join(dir, 'plain-file') }));
    expect(inTheWay).toBeInstanceOf(StateDirError);
    expect(inTheWay.message).toContain('a file is in the way');
    expect(readFileSync(join(dir, 'plain-file'), 'utf8')).toBe('x');
  });

  it('a write that fails while running is logged, keeps the previous file, and is retried on the next change', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { name: 'test' },
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
          done();
        },
      }),
    );
    const sim = await start({ logger });
    const before = readFileSync(path(), 'utf8');
    mkdirSync(`${path()}.tmp`);
    await createTwoRegionGlobalCluster(sim);
    await waitFor(() => lines.some((l) => l.msg === 'could not write the AWS state'), 'the logged failure');
    expect(readFileSync(path(), 'utf8')).toBe(before);
    rmSync(`${path()}.tmp`, { recursive: true });
    await rdsClient(sim, 'us-east-1').send(new DescribeDBClustersCommand({}));
    await waitFor(() => readFileSync(path(), 'utf8').includes('trading-use2-1'), 'the retried write');
  });

  it('a write that fails at start keeps the previous file whole', async () => {
    const text = await validFile();
    mkdirSync(`${path()}.tmp`); // the temporary file cannot be created
    const error = await refusal();
    expect(error.message).toContain('could not be written, the previous file is kept');
    expect(readFileSync(path(), 'utf8')).toBe(text);
    rmSync(`${path()}.tmp`, { recursive: true });
    const again = await start();
    expect(again.restoredFromState).toBe(true);
  });
});
