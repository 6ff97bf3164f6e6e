import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateDBClusterCommand, DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  GetHealthCheckCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { beforeEach, describe, expect, it } from 'vitest';
import { showLogsOnFailure } from './support/failure-logs.js';
import { startedForFile } from './support/lifecycle.js';
import { type RealMoto, startMoto } from './support/moto.js';

/**
 * The real AWS SDK v3 clients the project uses, against moto (pinned in tools/real/requirements.txt):
 * the CRUD operations both moto and our AWS simulator implement. moto does not simulate failover
 * semantics (see ../shared/reference/real-platform.md §4), so nothing here is about failover.
 */

const moto = startedForFile(startMoto, (started) => started.stop());
showLogsOnFailure(() => [moto.peek()?.process]);
const server = (): RealMoto => moto.get();

beforeEach(async () => {
  await server().reset();
});

function clientConfig(region: string) {
  return {
    region,
    endpoint: server().endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  };
}

describe('RDS', () => {
  it('DescribeDBClusters returns the clusters of the region the request is signed for', async () => {
    const east1 = new RDSClient(clientConfig('us-east-1'));
    const east2 = new RDSClient(clientConfig('us-east-2'));
    for (const [client, id] of [
      [east1, 'trading-use1'],
      [east2, 'trading-use2'],
    ] as const) {
      await client.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: id,
          Engine: 'aurora-postgresql',
          MasterUsername: 'trading',
          MasterUserPassword: 'not-a-secret-1',
        }),
      );
    }
    const inEast1 = await east1.send(new DescribeDBClustersCommand({}));
    expect(inEast1.DBClusters?.map((cluster) => cluster.DBClusterIdentifier)).toEqual(['trading-use1']);
    const one = await east2.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'trading-use2' }));
    expect(one.DBClusters?.[0]).toMatchObject({
      DBClusterIdentifier: 'trading-use2',
      Engine: 'aurora-postgresql',
      Status: 'available',
    });
    expect(one.DBClusters?.[0]?.DBClusterArn).toMatch(/^arn:aws:rds:us-east-2:\d{12}:cluster:trading-use2$/);
  });

  it('DescribeDBClusters of an unknown cluster is a DBClusterNotFoundFault', async () => {
    const client = new RDSClient(clientConfig('us-east-1'));
    await expect(
      client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'nope' })),
    ).rejects.toMatchObject({
      name: 'DBClusterNotFoundFault',
    });
  });
});

describe('Route 53', () => {
  it('CreateHealthCheck then GetHealthCheck round-trips the configuration', async () => {
    const client = new Route53Client(clientConfig('us-east-1'));
    const created = await client.send(
      new CreateHealthCheckCommand({
        CallerReference: `switchyard-${Date.now()}`,
        HealthCheckConfig: {
          Type: 'HTTPS',
          FullyQualifiedDomainName: 'api.us-east-1.trading.example.com',
          ResourcePath: '/healthz',
          Port: 443,
          RequestInterval: 10,
          FailureThreshold: 3,
        },
      }),
    );
    const id = created.HealthCheck?.Id;
    expect(id).toBeTruthy();
    const got = await client.send(new GetHealthCheckCommand({ HealthCheckId: id }));
    expect(got.HealthCheck?.HealthCheckConfig).toMatchObject({
      Type: 'HTTPS',
      FullyQualifiedDomainName: 'api.us-east-1.trading.example.com',
      ResourcePath: '/healthz',
      FailureThreshold: 3,
    });
  });

  it('ListResourceRecordSets returns failover records with their set identifiers', async () => {
    const client = new Route53Client(clientConfig('us-east-1'));
    const zone = await client.send(
      new CreateHostedZoneCommand({ Name: 'trading.example.com', CallerReference: `zone-${Date.now()}` }),
    );
    const zoneId = zone.HostedZone?.Id?.replace('/hostedzone/', '');
    const record = (failover: 'PRIMARY' | 'SECONDARY', ip: string) => ({
      Action: 'CREATE' as const,
      ResourceRecordSet: {
        Name: 'api.trading.example.com',
        Type: 'A' as const,
        TTL: 30,
        SetIdentifier: failover === 'PRIMARY' ? 'use1' : 'use2',
        Failover: failover,
        ResourceRecords: [{ Value: ip }],
      },
    });
    await client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: { Changes: [record('PRIMARY', '10.0.0.1'), record('SECONDARY', '10.1.0.1')] },
      }),
    );
    const listed = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    const failoverRecords = (listed.ResourceRecordSets ?? []).filter((set) => set.Type === 'A');
    expect(
      failoverRecords.map((set) => [
        set.Name,
        set.SetIdentifier,
        set.Failover,
        set.ResourceRecords?.[0]?.Value,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['api.trading.example.com.', 'use1', 'PRIMARY', '10.0.0.1'],
        ['api.trading.example.com.', 'use2', 'SECONDARY', '10.1.0.1'],
      ]),
    );
  });
});

describe('CloudWatch', () => {
  it('PutMetricData then GetMetricData returns the datapoints', async () => {
    const client = new CloudWatchClient(clientConfig('us-east-1'));
    const now = new Date();
    const minute = (offset: number) =>
      new Date(Math.floor(now.getTime() / 60_000) * 60_000 - offset * 60_000);
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'Switchyard/Probes',
        MetricData: [1, 2, 3].map((offset) => ({
          MetricName: 'ProbeFailures',
          Dimensions: [{ Name: 'Region', Value: 'us-east-1' }],
          Timestamp: minute(offset),
          Value: offset,
          Unit: 'Count',
        })),
      }),
    );
    const result = await client.send(
      new GetMetricDataCommand({
        StartTime: minute(10),
        EndTime: new Date(now.getTime() + 60_000),
        MetricDataQueries: [
          {
            Id: 'failures',
            MetricStat: {
              Metric: {
                Namespace: 'Switchyard/Probes',
                MetricName: 'ProbeFailures',
                Dimensions: [{ Name: 'Region', Value: 'us-east-1' }],
              },
              Period: 60,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    const series = result.MetricDataResults?.[0];
    expect(series?.Id).toBe('failures');
    expect([...(series?.Values ?? [])].sort()).toEqual([1, 2, 3]);
    expect(series?.Timestamps).toHaveLength(3);
  });
});
