import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type CloudWatchClient,
  DescribeAlarmsCommand,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  DeleteHealthCheckCommand,
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  HealthCheckInUse,
  HealthCheckVersionMismatch,
  InvalidChangeBatch,
  InvalidInput,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  type ResourceRecordSet,
  type Route53Client,
  Route53ServiceException,
  TestDNSAnswerCommand,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import type { AwsSimulator } from '../../local/aws/index.js';
import { GATE_ALARM, gateDimensions, switchAlarmRequest } from '../../src/estate/traffic/gate.js';
import { sleep, waitFor } from '../support/wait.js';
import { cloudWatchClient, fastSimulator, rejectionOf, route53Client } from './support.js';

let sim: AwsSimulator;
let r53: Route53Client;
beforeEach(async () => {
  sim = await fastSimulator({ timeScale: 0.0005 });
  r53 = route53Client(sim);
});
afterEach(async () => {
  await sim.close();
});

async function zone(name = 'trading.example.com') {
  const out = await r53.send(new CreateHostedZoneCommand({ Name: name, CallerReference: `ref-${name}` }));
  return out.HostedZone?.Id?.replace('/hostedzone/', '') ?? '';
}

async function httpCheck(
  target: { host: string; port: number; path?: string },
  extra: Record<string, unknown> = {},
) {
  const out = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: `hc-${Math.random()}`,
      HealthCheckConfig: {
        Type: 'HTTP',
        IPAddress: target.host,
        Port: target.port,
        ResourcePath: target.path ?? '/',
        RequestInterval: 10,
        FailureThreshold: 2,
        ...extra,
      },
    }),
  );
  return out.HealthCheck?.Id ?? '';
}

const healthy = (id: string) => sim.route53.isHealthy(id);

/** What Route 53's name servers answer (the data plane), as the admin API serves it. */
async function resolved(name: string): Promise<string[]> {
  const response = await fetch(`${sim.url}/_switchyard/route53/dns-answer?name=${name}&type=A`);
  return ((await response.json()) as { values: string[] }).values;
}

async function dnsAnswer(zoneId: string, name: string, resolverIp?: string) {
  const out = await r53.send(
    new TestDNSAnswerCommand({
      HostedZoneId: zoneId,
      RecordName: name,
      RecordType: 'A',
      ResolverIP: resolverIp,
    }),
  );
  return out.RecordData;
}

function failoverPair(name: string, primaryCheck: string, secondaryCheck?: string): ResourceRecordSet[] {
  return [
    {
      Name: name,
      Type: 'A',
      SetIdentifier: 'primary',
      Failover: 'PRIMARY',
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.1' }],
      HealthCheckId: primaryCheck,
    },
    {
      Name: name,
      Type: 'A',
      SetIdentifier: 'secondary',
      Failover: 'SECONDARY',
      TTL: 60,
      ResourceRecords: [{ Value: '192.0.2.2' }],
      ...(secondaryCheck ? { HealthCheckId: secondaryCheck } : {}),
    },
  ];
}

async function upsert(zoneId: string, records: ResourceRecordSet[]) {
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: records.map((r) => ({ Action: 'UPSERT', ResourceRecordSet: r })) },
    }),
  );
}

describe('Route 53 records', () => {
  it('ChangeResourceRecordSets and ListResourceRecordSets round-trip failover, latency and alias records', async () => {
    const zoneId = await zone();
    const albUse1 = sim.albs[0]?.dnsName ?? '';
    const records: ResourceRecordSet[] = [
      ...failoverPair('app.trading.example.com.', await httpCheck({ host: '127.0.0.1', port: sim.port })),
      {
        Name: 'api.trading.example.com.',
        Type: 'A',
        SetIdentifier: 'use1',
        Region: 'us-east-1',
        AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: albUse1, EvaluateTargetHealth: true },
      },
    ];
    await upsert(zoneId, records);
    const listed = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const mine = listed.ResourceRecordSets?.filter((r) => r.Type === 'A');
    expect(mine).toEqual(expect.arrayContaining(records));
    expect(listed.ResourceRecordSets?.map((r) => r.Type)).toEqual(expect.arrayContaining(['NS', 'SOA']));
  });

  it('bad batches are InvalidChangeBatch with messages and change nothing', async () => {
    const zoneId = await zone();
    const before = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const error = await rejectionOf(
      r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: 'ok.trading.example.com',
                  Type: 'A',
                  TTL: 60,
                  ResourceRecords: [{ Value: '192.0.2.9' }],
                },
              },
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: 'elsewhere.example.org',
                  Type: 'A',
                  TTL: 60,
                  ResourceRecords: [{ Value: '192.0.2.9' }],
                },
              },
              {
                Action: 'DELETE',
                ResourceRecordSet: {
                  Name: 'gone.trading.example.com',
                  Type: 'A',
                  TTL: 60,
                  ResourceRecords: [{ Value: '192.0.2.9' }],
                },
              },
              {
                Action: 'CREATE',
                ResourceRecordSet: {
                  Name: 'f.trading.example.com',
                  Type: 'A',
                  Failover: 'PRIMARY',
                  TTL: 60,
                  ResourceRecords: [{ Value: '192.0.2.9' }],
                },
              },
            ],
          },
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidChangeBatch);
    expect(error.message).toContain(
      'RRSet with DNS name elsewhere.example.org. is not permitted in zone trading.example.com.',
    );
    expect(error.message).toContain(
      "Tried to delete resource record set [name='gone.trading.example.com.', type='A'] but it was not found",
    );
    expect(error.message).toContain("Missing field 'SetIdentifier'");
    const after = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(after.ResourceRecordSets).toEqual(before.ResourceRecordSets);
    expect(
      await rejectionOf(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: 'ZNOPE' }))),
    ).toBeInstanceOf(NoSuchHostedZone);
  });
});

describe('the reads of verify-dns: zones by name, one name of a zone, a check’s checkers', () => {
  it('ListHostedZonesByName lists zones in reversed-label order from dnsname on, a page at a time', async () => {
    const [apex, trading, other] = [
      await zone('example.com'),
      await zone('trading.example.com'),
      await zone('example.org'),
    ];
    const page = await r53.send(
      new ListHostedZonesByNameCommand({ DNSName: 'trading.example.com', MaxItems: 1 }),
    );
    expect(page.HostedZones?.map((z) => [z.Id, z.Name, z.Config?.PrivateZone])).toEqual([
      [`/hostedzone/${trading}`, 'trading.example.com.', false],
    ]);
    // com.example.trading < org.example: the .org zone follows.
    expect(page).toMatchObject({
      DNSName: 'trading.example.com',
      IsTruncated: true,
      NextDNSName: 'example.org.',
      NextHostedZoneId: `/hostedzone/${other}`,
      MaxItems: 1,
    });
    const all = await r53.send(new ListHostedZonesByNameCommand({}));
    expect(all.HostedZones?.map((z) => z.Id)).toEqual(
      [apex, trading, other].map((id) => `/hostedzone/${id}`),
    );
    expect(all.IsTruncated).toBe(false);
  });

  it('ListResourceRecordSets starts at a name and type and pages with the next name, type and identifier', async () => {
    const zoneId = await zone();
    await upsert(zoneId, [
      ...failoverPair('api.trading.example.com', await httpCheck({ host: '127.0.0.1', port: 1 })),
      { Name: 'api.trading.example.com', Type: 'TXT', TTL: 60, ResourceRecords: [{ Value: '"v"' }] },
      {
        Name: 'us-east-1.api.trading.example.com',
        Type: 'A',
        TTL: 60,
        ResourceRecords: [{ Value: '192.0.2.7' }],
      },
    ]);
    const first = await r53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: 'api.trading.example.com',
        StartRecordType: 'A',
        MaxItems: 1,
      }),
    );
    expect(first.ResourceRecordSets?.map((r) => [r.Name, r.Type, r.SetIdentifier, r.Failover])).toEqual([
      ['api.trading.example.com.', 'A', 'primary', 'PRIMARY'],
    ]);
    expect(first).toMatchObject({
      IsTruncated: true,
      NextRecordName: 'api.trading.example.com.',
      NextRecordType: 'A',
      NextRecordIdentifier: 'secondary',
    });
    const rest = await r53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: first.NextRecordName,
        StartRecordType: first.NextRecordType,
        StartRecordIdentifier: first.NextRecordIdentifier,
      }),
    );
    expect(
      rest.ResourceRecordSets?.map((r) => `${r.Name} ${r.Type} ${r.SetIdentifier ?? ''}`.trim()),
    ).toEqual([
      'api.trading.example.com. A secondary',
      'api.trading.example.com. TXT',
      'us-east-1.api.trading.example.com. A',
    ]);
    expect(rest.IsTruncated).toBe(false);
  });

  it('GetHealthCheckStatus reports an endpoint check’s checkers and refuses a CALCULATED check', async () => {
    const child = await httpCheck({ host: '127.0.0.1', port: 1 });
    await waitFor(async () => {
      const out = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: child }));
      return (out.HealthCheckObservations?.length ?? 0) > 0 ? out : undefined;
    }, 'the first probe');
    const out = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: child }));
    expect(out.HealthCheckObservations?.[0]).toMatchObject({
      Region: 'us-east-1',
      IPAddress: expect.any(String),
      StatusReport: { Status: 'Failure: Connection refused', CheckedTime: expect.any(Date) },
    });
    const calculated = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: 'calculated',
        HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: [child], HealthThreshold: 1 },
      }),
    );
    const refused = await rejectionOf(
      r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: calculated.HealthCheck?.Id })),
    );
    expect(refused).toBeInstanceOf(InvalidInput);
  });
});

describe('Route 53 health checks really probe', () => {
  it('HTTP checks follow their target with FailureThreshold; Inverted flips; Disabled is healthy', async () => {
    // A target this test controls: 404 until `drained` is set, 200 after.
    let drained = false;
    const target = createServer((_req, res) => res.writeHead(drained ? 200 : 404).end());
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => target.close(() => resolve())));
    const { port } = target.address() as AddressInfo;
    const drain = { host: '127.0.0.1', port, path: '/drain-us-east-1' };
    const inverted = await httpCheck(drain, { Inverted: true, FailureThreshold: 1 });
    const plain = await httpCheck(drain);
    await waitFor(
      () => healthy(inverted) && !healthy(plain),
      'inverted healthy while the target answers 404',
    );
    const status = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: plain }));
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.Status).toBe(
      'Failure: HTTP Status Code 404, Not Found',
    );

    drained = true;
    await waitFor(
      () => !healthy(inverted) && healthy(plain),
      'inverted unhealthy once the target answers 200',
    );
    drained = false;
    await waitFor(() => healthy(inverted), 'inverted healthy again after the target answers 404');

    const current = await r53.send(new GetHealthCheckCommand({ HealthCheckId: plain }));
    await r53.send(
      new UpdateHealthCheckCommand({
        HealthCheckId: plain,
        HealthCheckVersion: current.HealthCheck?.HealthCheckVersion,
        Disabled: true,
      }),
    );
    expect(healthy(plain)).toBe(true);
    const stale = await rejectionOf(
      r53.send(
        new UpdateHealthCheckCommand({ HealthCheckId: plain, HealthCheckVersion: 1, Disabled: false }),
      ),
    );
    expect(stale).toBeInstanceOf(HealthCheckVersionMismatch);
  });

  it('CALCULATED checks count healthy children against HealthThreshold', async () => {
    const up = await httpCheck({ host: sim.albs[0]?.address ?? '', port: sim.albs[0]?.port ?? 0 });
    const down = await httpCheck({ host: '127.0.0.1', port: 1 });
    const and = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: 'and',
        HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: [up, down], HealthThreshold: 2 },
      }),
    );
    const or = await r53.send(
      new CreateHealthCheckCommand({
        CallerReference: 'or',
        HealthCheckConfig: { Type: 'CALCULATED', ChildHealthChecks: [up, down], HealthThreshold: 1 },
      }),
    );
    // The ALB has no in-service instance, so both children fail.
    await waitFor(() => !healthy(up) && !healthy(down), 'both children unhealthy');
    expect(healthy(and.HealthCheck?.Id ?? '')).toBe(false);
    expect(healthy(or.HealthCheck?.Id ?? '')).toBe(false);
    const inUse = await rejectionOf(r53.send(new DeleteHealthCheckCommand({ HealthCheckId: up })));
    expect(inUse).toBeInstanceOf(HealthCheckInUse);
  });

  it('invalid configurations are InvalidInput; unknown IDs NoSuchHealthCheck', async () => {
    const error = await rejectionOf(
      r53.send(
        new CreateHealthCheckCommand({
          CallerReference: 'bad',
          HealthCheckConfig: { Type: 'HTTP', IPAddress: '127.0.0.1', RequestInterval: 15 },
        }),
      ),
    );
    expect(error).toBeInstanceOf(InvalidInput);
    expect(error.message).toBe('Invalid parameter : RequestInterval must be 10 or 30.');
    expect(await rejectionOf(r53.send(new GetHealthCheckCommand({ HealthCheckId: 'nope' })))).toBeInstanceOf(
      NoSuchHealthCheck,
    );
  });
});

describe('TestDNSAnswer follows the routing rules', () => {
  it('failover: primary when healthy, secondary when not, and primary again when the secondary is unhealthy too', async () => {
    const zoneId = await zone();
    const primary = await httpCheck({ host: '127.0.0.1', port: sim.port });
    const secondary = await httpCheck({ host: '127.0.0.1', port: sim.port });
    await upsert(zoneId, failoverPair('app.trading.example.com', primary, secondary));
    // Both targets answer 403 (unsigned requests are refused), so both checks go unhealthy…
    await waitFor(() => !healthy(primary) && !healthy(secondary), 'both unhealthy');
    expect(await dnsAnswer(zoneId, 'app.trading.example.com')).toEqual(['192.0.2.1']);
    // …and with only the primary unhealthy the answer is the secondary.
    await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: secondary, Disabled: true }));
    expect(await dnsAnswer(zoneId, 'app.trading.example.com')).toEqual(['192.0.2.2']);
    await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: primary, Inverted: true }));
    expect(await dnsAnswer(zoneId, 'app.trading.example.com')).toEqual(['192.0.2.1']);
  });

  it('latency records answer by the resolver region and skip an unhealthy ALB alias', async () => {
    const zoneId = await zone();
    const [use1, use2] = sim.albs;
    if (!use1 || !use2) throw new Error('two ALBs expected');
    const latency = (region: string, dnsName: string): ResourceRecordSet => ({
      Name: 'api.trading.example.com',
      Type: 'A',
      SetIdentifier: region,
      Region: region as 'us-east-1',
      AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: dnsName, EvaluateTargetHealth: true },
    });
    await upsert(zoneId, [latency('us-east-1', use1.dnsName), latency('us-east-2', use2.dnsName)]);
    // No instances anywhere: all unhealthy, Route 53 answers as if all were healthy.
    expect(await dnsAnswer(zoneId, 'api.trading.example.com', '10.2.0.53')).toEqual([use2.address]);
    expect(await dnsAnswer(zoneId, 'api.trading.example.com', '10.1.0.53')).toEqual([use1.address]);
    sim.autoscaling.groups.in('us-east-1').set('web', {
      name: 'web',
      arn: 'arn',
      region: 'us-east-1',
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      availabilityZones: ['us-east-1a'],
      targetGroupArns: [],
      createdAt: new Date(),
      instances: [
        { id: 'i-1', availabilityZone: 'us-east-1a', lifecycleState: 'InService', healthStatus: 'Healthy' },
      ],
    });
    expect(await dnsAnswer(zoneId, 'api.trading.example.com', '10.2.0.53')).toEqual([use1.address]);
  });

  it('answers carry the TTL resolvers cache them for: the record TTL, 60 s for an ALB alias, an alias to a record its TTL', async () => {
    const zoneId = await zone();
    const [use1] = sim.albs;
    if (!use1) throw new Error('an ALB expected');
    await upsert(zoneId, [
      { Name: 'plain.trading.example.com', Type: 'A', TTL: 300, ResourceRecords: [{ Value: '192.0.2.9' }] },
      {
        Name: 'alb.trading.example.com',
        Type: 'A',
        AliasTarget: { HostedZoneId: 'Z35SXDOTRQ7X7K', DNSName: use1.dnsName, EvaluateTargetHealth: false },
      },
      {
        Name: 'www.trading.example.com',
        Type: 'A',
        AliasTarget: {
          HostedZoneId: zoneId,
          DNSName: 'plain.trading.example.com',
          EvaluateTargetHealth: false,
        },
      },
    ]);
    const ttl = (name: string) => sim.route53.resolve(name, 'A', 'us-east-1').ttl;
    expect(ttl('plain.trading.example.com')).toBe(300);
    expect(ttl('alb.trading.example.com')).toBe(60);
    expect(ttl('www.trading.example.com')).toBe(300);
    expect(sim.route53.resolve('nothing.trading.example.com', 'A', 'us-east-1')).toEqual({
      responseCode: 'NXDOMAIN',
      values: [],
    });
  });

  it('the traffic gate (ADR 0009): one PutMetricData in us-east-2 drains us-east-1 with us-east-1 and the Route 53 API down', async () => {
    const zoneId = await zone();
    const cloudWatch = cloudWatchClient(sim, 'us-east-2');
    // Each alarm watches its own series: the name stands in for the gated region's dimension.
    const dimensionsOf = (alarm: string) =>
      Object.entries(gateDimensions('test', alarm)).map(([Name, Value]) => ({ Name, Value }));
    const gateAlarm = async (name: string, treatMissingData: string) =>
      cloudWatch.send(
        new PutMetricAlarmCommand({
          ...switchAlarmRequest('gate', name, 'test', name),
          TreatMissingData: treatMissingData,
        }),
      );
    const alarmCheck = async (alarm: string, insufficientData: string) => {
      const out = await r53.send(
        new CreateHealthCheckCommand({
          CallerReference: `${alarm}-${insufficientData}`,
          HealthCheckConfig: {
            Type: 'CLOUDWATCH_METRIC',
            AlarmIdentifier: { Region: 'us-east-2', Name: alarm },
            InsufficientDataHealthStatus: insufficientData as 'LastKnownStatus',
          },
        }),
      );
      return out.HealthCheck?.Id ?? '';
    };
    const publish = (client: CloudWatchClient, alarm: string, value: number) =>
      client.send(
        new PutMetricDataCommand({
          Namespace: GATE_ALARM.namespace,
          MetricData: [
            {
              MetricName: GATE_ALARM.metricName,
              Dimensions: dimensionsOf(alarm),
              Value: value,
              StorageResolution: 1,
            },
          ],
        }),
      );

    await gateAlarm('gate-use1', GATE_ALARM.treatMissingData);
    const gate = await alarmCheck('gate-use1', 'LastKnownStatus');
    await upsert(zoneId, failoverPair('app.trading.example.com', gate));
    // Never published: INSUFFICIENT_DATA, and a check with no last known status is healthy.
    expect(healthy(gate)).toBe(true);
    expect(await dnsAnswer(zoneId, 'app.trading.example.com')).toEqual(['192.0.2.1']);

    sim.faults.apply('region-down', ['us-east-1']);
    sim.faults.apply('control-plane-down', ['route53']);
    await publish(cloudWatch, 'gate-use1', 1);
    expect(healthy(gate)).toBe(false);
    expect(await resolved('app.trading.example.com')).toEqual(['192.0.2.2']);
    // The alarm ignores missing data: long after the datapoint, the gate is still closed.
    await sleep(100);
    const state = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['gate-use1'] }));
    expect(state.MetricAlarms?.[0]?.StateValue).toBe('ALARM');
    expect(healthy(gate)).toBe(false);
    await publish(cloudWatch, 'gate-use1', 0);
    expect(healthy(gate)).toBe(true);
    expect(await resolved('app.trading.example.com')).toEqual(['192.0.2.1']);

    // InsufficientDataHealthStatus: an alarm whose data ages out keeps its last status only
    // with LastKnownStatus; Healthy and Unhealthy say what they say.
    sim.faults.apply('clear', []);
    await gateAlarm('aging', 'missing');
    const [lastKnown, healthyWhenUnknown, unhealthyWhenUnknown] = [
      await alarmCheck('aging', 'LastKnownStatus'),
      await alarmCheck('aging', 'Healthy'),
      await alarmCheck('aging', 'Unhealthy'),
    ];
    await publish(cloudWatch, 'aging', 1);
    expect([healthy(lastKnown), healthy(healthyWhenUnknown), healthy(unhealthyWhenUnknown)]).toEqual([
      false,
      false,
      false,
    ]);
    await waitFor(async () => {
      const out = await cloudWatch.send(new DescribeAlarmsCommand({ AlarmNames: ['aging'] }));
      return out.MetricAlarms?.[0]?.StateValue === 'INSUFFICIENT_DATA';
    }, 'the datapoint to age out of the alarm period');
    expect([healthy(lastKnown), healthy(healthyWhenUnknown), healthy(unhealthyWhenUnknown)]).toEqual([
      false,
      true,
      false,
    ]);
  });

  it('an alarm in a region Route 53 cannot reach reads as no data: the check says what InsufficientDataHealthStatus says (ADR 0010)', async () => {
    const cloudWatch = cloudWatchClient(sim, 'us-east-2');
    await cloudWatch.send(
      new PutMetricAlarmCommand(switchAlarmRequest('fence', 'fence-use1', 'test', 'us-east-1')),
    );
    const check = async (insufficientData: 'Healthy' | 'Unhealthy' | 'LastKnownStatus') =>
      (
        await r53.send(
          new CreateHealthCheckCommand({
            CallerReference: `unreachable-${insufficientData}`,
            HealthCheckConfig: {
              Type: 'CLOUDWATCH_METRIC',
              AlarmIdentifier: { Region: 'us-east-2', Name: 'fence-use1' },
              InsufficientDataHealthStatus: insufficientData,
            },
          }),
        )
      ).HealthCheck?.Id ?? '';
    const [whenHealthy, whenUnhealthy, lastKnown] = [
      await check('Healthy'),
      await check('Unhealthy'),
      await check('LastKnownStatus'),
    ];
    await cloudWatch.send(
      new PutMetricDataCommand({
        Namespace: 'Switchyard/Traffic',
        MetricData: [
          {
            MetricName: 'Fenced',
            Dimensions: Object.entries(gateDimensions('test', 'us-east-1')).map(([Name, Value]) => ({
              Name,
              Value,
            })),
            Value: 1,
            StorageResolution: 1,
          },
        ],
      }),
    );
    // Readable and in ALARM: every check is unhealthy.
    expect([healthy(whenHealthy), healthy(whenUnhealthy), healthy(lastKnown)]).toEqual([false, false, false]);
    // The alarm's region is lost: its alarm still says ALARM, but Route 53 cannot read it.
    sim.faults.apply('region-down', ['us-east-2']);
    expect([healthy(whenHealthy), healthy(whenUnhealthy), healthy(lastKnown)]).toEqual([true, false, false]);
    // Seen only from the checkers (a partition), the same.
    sim.faults.apply('region-up', ['us-east-2']);
    sim.faults.apply('partition', ['route53', 'us-east-2']);
    expect([healthy(whenHealthy), healthy(whenUnhealthy), healthy(lastKnown)]).toEqual([true, false, false]);
    sim.faults.apply('heal', ['route53', 'us-east-2']);
    expect(healthy(whenHealthy)).toBe(false);
  });

  it('control-plane-down route53 fails the API, TestDNSAnswer included, but not health checks or DNS answers', async () => {
    const zoneId = await zone();
    const check = await httpCheck({ host: '127.0.0.1', port: 1 });
    await upsert(zoneId, failoverPair('app.trading.example.com', check));
    sim.faults.apply('control-plane-down', ['route53']);
    for (const call of [
      r53.send(new GetHealthCheckCommand({ HealthCheckId: check })),
      // An API call to route53.amazonaws.com like any other, not a DNS query.
      dnsAnswer(zoneId, 'app.trading.example.com'),
    ]) {
      const refused = await rejectionOf(call);
      expect(refused).toBeInstanceOf(Route53ServiceException);
      expect((refused as Route53ServiceException).$metadata.httpStatusCode).toBe(503);
    }
    await waitFor(() => !healthy(check), 'the check to keep probing and fail');
    expect(await resolved('app.trading.example.com')).toEqual(['192.0.2.2']);
    // The API lives in us-east-1: with the region down it does not answer; DNS still does.
    sim.faults.apply('control-plane-up', ['route53']);
    sim.faults.apply('region-down', ['us-east-1']);
    await expect(dnsAnswer(zoneId, 'app.trading.example.com')).rejects.toThrow();
    expect(sim.journal.list({ operation: 'TestDNSAnswer' }).at(-1)).toMatchObject({
      outcome: 'refused',
      errorCode: 'region-down',
    });
    expect(await resolved('app.trading.example.com')).toEqual(['192.0.2.2']);
  });
});
