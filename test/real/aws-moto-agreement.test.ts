import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import { CreateDBClusterCommand, DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  GetHealthCheckCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import { switchAlarmRequest } from '../../src/estate/traffic/gate.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { type RealMoto, startMoto } from './support/moto.js';

/**
 * The same shared operations against moto and against our simulator (local/aws); the parsed SDK
 * outputs are compared field by field on the fields both return. Fields that are random by nature
 * (IDs, endpoints, timestamps, request metadata) are left out. The agreement figure is printed.
 * Known difference: GetMetricData's default Label is `<MetricName> <Stat>` in moto, the metric name here
 * (what the CloudWatch console shows for a single-metric query).
 */

let moto: RealMoto | undefined;
let sim: AwsSimulator | undefined;
showLogsOnFailure(() => [moto?.process]);

beforeAll(async () => {
  [moto, sim] = await Promise.all([startMoto(), startAwsSimulator({ timeScale: 1 })]);
});
afterAll(async () => {
  await Promise.all([moto?.stop(), sim?.close()]);
  const compared = tally.reduce((n, t) => n + t.compared, 0);
  const agreed = tally.reduce((n, t) => n + t.agreed, 0);
  for (const t of tally)
    console.log(
      `agreement ${t.operation}: ${t.agreed}/${t.compared}${t.differences.length ? ` (differ: ${t.differences.join(', ')})` : ''}`,
    );
  console.log(
    `moto agreement: ${agreed}/${compared} fields (${((100 * agreed) / Math.max(compared, 1)).toFixed(1)}%)`,
  );
});

const VOLATILE =
  /(^|\.)(\$metadata|Id|CallerReference|Endpoint|ReaderEndpoint|DbClusterResourceId|ClusterCreateTime|SubmittedAt|ETag|LastModified|RequestId|Timestamps\.\d+|ChangeInfo|DelegationSet|Location|HostedZoneId|VersionId|Body|ExpiresString|EarliestRestorableTime|LatestRestorableTime|AvailabilityZones.*|HostedZone\.Id)$/;

interface Tally {
  operation: string;
  compared: number;
  agreed: number;
  differences: string[];
}
const tally: Tally[] = [];

function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (value instanceof Date) out.set(prefix, value.toISOString());
  else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) flatten(v, `${prefix}.${i}`, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) out.set(prefix, value);
  return out;
}

function compare(operation: string, fromMoto: unknown, fromSim: unknown): Tally {
  const a = flatten(fromMoto);
  const b = flatten(fromSim);
  const t: Tally = { operation, compared: 0, agreed: 0, differences: [] };
  for (const [path, value] of a) {
    if (!b.has(path) || VOLATILE.test(path) || path.includes('$metadata')) continue;
    t.compared += 1;
    if (JSON.stringify(value) === JSON.stringify(b.get(path))) t.agreed += 1;
    else t.differences.push(`${path}: moto=${JSON.stringify(value)} sim=${JSON.stringify(b.get(path))}`);
  }
  tally.push(t);
  return t;
}

function config(endpoint: string, region: string) {
  return {
    region,
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
}

function both(): Array<{ endpoint: string }> {
  if (!moto || !sim) throw new Error('moto or the simulator did not start');
  return [{ endpoint: moto.endpoint }, { endpoint: sim.url }];
}

async function onBoth<T>(run: (endpoint: string) => Promise<T>): Promise<[T, T]> {
  const [m, s] = both();
  return [await run(m?.endpoint ?? ''), await run(s?.endpoint ?? '')];
}

describe('simulator vs moto on shared operations', () => {
  it('RDS CreateDBCluster + DescribeDBClusters', async () => {
    const [m, s] = await onBoth(async (endpoint) => {
      const rds = new RDSClient(config(endpoint, 'us-east-2'));
      await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: 'orders',
          Engine: 'aurora-mysql',
          EngineVersion: '8.0.mysql_aurora.3.08.0',
          MasterUsername: 'admin',
          MasterUserPassword: 'password123',
        }),
      );
      return (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'orders' })))
        .DBClusters?.[0];
    });
    const t = compare('DescribeDBClusters', m, s);
    expect(s?.DBClusterIdentifier).toBe(m?.DBClusterIdentifier);
    expect(s?.DBClusterArn).toBe(m?.DBClusterArn);
    expect(t.compared).toBeGreaterThan(0);
  });

  it('Route 53 health check CRUD and failover records', async () => {
    const [m, s] = await onBoth(async (endpoint) => {
      const r53 = new Route53Client(config(endpoint, 'us-east-1'));
      const check = await r53.send(
        new CreateHealthCheckCommand({
          CallerReference: 'gate',
          HealthCheckConfig: {
            Type: 'HTTPS',
            FullyQualifiedDomainName: 'gate.example.com',
            ResourcePath: '/drain',
            RequestInterval: 10,
            FailureThreshold: 2,
            Inverted: true,
          },
        }),
      );
      const got = await r53.send(new GetHealthCheckCommand({ HealthCheckId: check.HealthCheck?.Id }));
      const zone = await r53.send(
        new CreateHostedZoneCommand({ Name: 'trading.example.com', CallerReference: 'z' }),
      );
      const zoneId = zone.HostedZone?.Id ?? '';
      const record = (id: string, failover: 'PRIMARY' | 'SECONDARY', value: string) => ({
        Action: 'CREATE' as const,
        ResourceRecordSet: {
          Name: 'app.trading.example.com.',
          Type: 'A' as const,
          SetIdentifier: id,
          Failover: failover,
          TTL: 60,
          ResourceRecords: [{ Value: value }],
        },
      });
      await r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              record('primary', 'PRIMARY', '192.0.2.1'),
              record('secondary', 'SECONDARY', '192.0.2.2'),
            ],
          },
        }),
      );
      const records = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
      return { check: got.HealthCheck, records: records.ResourceRecordSets?.filter((r) => r.Type === 'A') };
    });
    compare('GetHealthCheck', m.check, s.check);
    compare('ListResourceRecordSets', m.records, s.records);
    expect(s.check?.HealthCheckConfig).toMatchObject({ Type: 'HTTPS', Inverted: true, FailureThreshold: 2 });
    expect(s.records).toEqual(m.records);
  });

  it('CloudWatch PutMetricData + GetMetricData', async () => {
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    const [m, s] = await onBoth(async (endpoint) => {
      const cw = new CloudWatchClient(config(endpoint, 'us-east-2'));
      await cw.send(
        new PutMetricDataCommand({
          Namespace: 'Switchyard/Probe',
          MetricData: [{ MetricName: 'Latency', Value: 42, Timestamp: new Date(minute - 30_000) }],
        }),
      );
      return cw.send(
        new GetMetricDataCommand({
          StartTime: new Date(minute - 60_000),
          EndTime: new Date(minute),
          MetricDataQueries: [
            {
              Id: 'latency',
              MetricStat: {
                Metric: { Namespace: 'Switchyard/Probe', MetricName: 'Latency' },
                Period: 60,
                Stat: 'Average',
              },
            },
          ],
        }),
      );
    });
    compare('GetMetricData', m.MetricDataResults, s.MetricDataResults);
    expect(s.MetricDataResults?.[0]?.Values).toEqual(m.MetricDataResults?.[0]?.Values);
  });

  for (const kind of ['gate', 'fence'] as const) {
    it(`CloudWatch ${kind} alarm (ADR 0010): PutMetricAlarm + DescribeAlarms, the fields the controller reads`, async () => {
      const name = `trading-switchyard-${kind}-us-east-1`;
      const [m, s] = await onBoth(async (endpoint) => {
        const cw = new CloudWatchClient(config(endpoint, 'us-east-2'));
        await cw.send(new PutMetricAlarmCommand(switchAlarmRequest(kind, name, 'trading', 'us-east-1')));
        const out = await cw.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
        // The definition, not the state: moto does not evaluate alarms (a documented difference).
        const {
          StateValue,
          StateReason,
          StateReasonData,
          StateUpdatedTimestamp,
          AlarmConfigurationUpdatedTimestamp,
          ...definition
        } = out.MetricAlarms?.[0] ?? {};
        return definition;
      });
      const t = compare(`DescribeAlarms (${kind} alarm definition)`, m, s);
      expect(t.differences).toEqual([]);
      for (const field of ['Namespace', 'MetricName', 'Dimensions', 'Threshold', 'TreatMissingData'] as const)
        expect(s[field], field).toEqual(m[field]);
    });
  }

  it('S3 Put/Get/Head object', async () => {
    const [m, s] = await onBoth(async (endpoint) => {
      const s3 = new S3Client({ ...config(endpoint, 'us-east-2'), forcePathStyle: true });
      await s3.send(
        new CreateBucketCommand({
          Bucket: 'data-use2',
          CreateBucketConfiguration: { LocationConstraint: 'us-east-2' },
        }),
      );
      const put = await s3.send(
        new PutObjectCommand({ Bucket: 'data-use2', Key: 'orders', Body: 'x', ContentType: 'text/plain' }),
      );
      const head = await s3.send(new HeadObjectCommand({ Bucket: 'data-use2', Key: 'orders' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: 'data-use2', Key: 'orders' }));
      return { put: { ETag: put.ETag }, head, body: await got.Body?.transformToString() };
    });
    compare('S3 objects', m, s);
    expect(s.put.ETag).toBe(m.put.ETag);
    expect(s.body).toBe(m.body);
  });
});
