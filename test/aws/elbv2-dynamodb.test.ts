import { request } from 'node:http';
import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DuplicateListenerException,
  ElasticLoadBalancingV2Client,
  LoadBalancerNotFoundException,
  ResourceInUseException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  TestDNSAnswerCommand,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlbListeners } from '../../local/aws/alb/listeners.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { waitFor } from '../support/wait.js';
import { clientConfig, fastSimulator, route53Client } from './support.js';

function get(host: string, port: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/healthz' }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ELBv2 over the wire', () => {
  let sim: AwsSimulator;
  let elb: ElasticLoadBalancingV2Client;
  beforeAll(async () => {
    sim = await fastSimulator({ albs: 'provisioned' });
    elb = new ElasticLoadBalancingV2Client(clientConfig(sim, 'us-east-1'));
  });
  afterAll(async () => {
    elb?.destroy();
    await sim?.close();
  });

  it('creates, describes and deletes an ALB, a target group and listeners with AWS-shaped ARNs and DNS names', async () => {
    const created = await elb.send(
      new CreateLoadBalancerCommand({ Name: 'web', Type: 'application', Subnets: ['subnet-a', 'subnet-b'] }),
    );
    const lb = created.LoadBalancers?.[0];
    expect(lb?.LoadBalancerArn).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer\/app\/web\/[0-9a-f]{16}$/,
    );
    expect(lb?.DNSName).toMatch(/^web-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    expect(lb).toMatchObject({ CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K', State: { Code: 'active' } });
    // The same request again answers with the same load balancer.
    const again = await elb.send(new CreateLoadBalancerCommand({ Name: 'web', Type: 'application' }));
    expect(again.LoadBalancers?.[0]?.LoadBalancerArn).toBe(lb?.LoadBalancerArn);

    const group = (
      await elb.send(
        new CreateTargetGroupCommand({
          Name: 'web-app',
          Protocol: 'HTTP',
          Port: 8080,
          HealthCheckPath: '/healthz',
        }),
      )
    ).TargetGroups?.[0];
    expect(group?.TargetGroupArn).toMatch(/:targetgroup\/web-app\/[0-9a-f]{16}$/);
    const https = (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Port: 443,
          Protocol: 'HTTPS',
          Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/x' }],
          DefaultActions: [{ Type: 'forward', TargetGroupArn: group?.TargetGroupArn }],
        }),
      )
    ).Listeners?.[0];
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb?.LoadBalancerArn,
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [
          { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
        ],
      }),
    );
    expect(https?.ListenerArn).toMatch(/:listener\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    await expect(
      elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb?.LoadBalancerArn,
          Port: 443,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'forward', TargetGroupArn: group?.TargetGroupArn }],
        }),
      ),
    ).rejects.toBeInstanceOf(DuplicateListenerException);

    const listeners = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    expect(listeners.Listeners?.map((l) => [l.Port, l.DefaultActions?.[0]?.Type]).sort()).toEqual([
      [443, 'forward'],
      [80, 'redirect'],
    ]);
    const described = await elb.send(new DescribeTargetGroupsCommand({ Names: ['web-app'] }));
    expect(described.TargetGroups?.[0]?.LoadBalancerArns).toEqual([lb?.LoadBalancerArn]);
    await expect(
      elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: group?.TargetGroupArn })),
    ).rejects.toBeInstanceOf(ResourceInUseException);

    await elb.send(new DeleteListenerCommand({ ListenerArn: https?.ListenerArn }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: group?.TargetGroupArn }));
    await expect(elb.send(new DescribeLoadBalancersCommand({ Names: ['web'] }))).rejects.toBeInstanceOf(
      LoadBalancerNotFoundException,
    );
  });

  it('provisioned mode: a region answers 503 until it has an ALB; then Route 53 aliases to its DNS name reach the listener', async () => {
    const alb = sim.albs.find((a) => a.region === 'us-east-2');
    if (!alb) throw new Error('no us-east-2 listener');
    expect(alb.dnsName).toBe('');
    expect(await get(alb.address, alb.port)).toEqual({
      status: 503,
      body: 'no load balancer provisioned in us-east-2\n',
    });

    const elb2 = new ElasticLoadBalancingV2Client(clientConfig(sim, 'us-east-2'));
    const lb = (await elb2.send(new CreateLoadBalancerCommand({ Name: 'app-use2' }))).LoadBalancers?.[0];
    elb2.destroy();
    expect(alb.dnsName).toBe(`${lb?.DNSName}.`);
    // Provisioned but no in-service instances yet: an empty target group.
    expect((await get(alb.address, alb.port)).body).toBe('no healthy targets in us-east-2\n');
    const asg = new AutoScalingClient(clientConfig(sim, 'us-east-2'));
    await asg.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: 'app',
        MinSize: 1,
        MaxSize: 1,
        DesiredCapacity: 1,
      }),
    );
    asg.destroy();
    await waitFor(async () => (await get(alb.address, alb.port)).status === 200, 'the ALB to serve');

    const r53 = route53Client(sim);
    const zone = await r53.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'alias' }),
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
                Name: 'use2.example.com',
                Type: 'A',
                AliasTarget: {
                  DNSName: lb?.DNSName,
                  HostedZoneId: lb?.CanonicalHostedZoneId,
                  EvaluateTargetHealth: true,
                },
              },
            },
          ],
        },
      }),
    );
    const answer = await r53.send(
      new TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: 'use2.example.com', RecordType: 'A' }),
    );
    r53.destroy();
    expect(answer.RecordData).toEqual([alb.address]);
  });

  it('per-region mode (the default) keeps one ALB per region under the fixed name', async () => {
    const perRegion = await fastSimulator();
    try {
      expect(perRegion.albs.map((a) => a.dnsName)).toEqual([
        AlbListeners.dnsNameOf('us-east-1'),
        AlbListeners.dnsNameOf('us-east-2'),
      ]);
    } finally {
      await perRegion.close();
    }
  });
});

describe('DynamoDB over the wire', () => {
  let sim: AwsSimulator;
  const dynamo = (region: string) => new DynamoDBClient(clientConfig(sim, region));
  beforeAll(async () => {
    sim = await fastSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('creates an on-demand table, adds a replica in the other region and deletes both', async () => {
    const use2 = dynamo('us-east-2');
    const use1 = dynamo('us-east-1');
    const created = await use2.send(
      new CreateTableCommand({
        TableName: 'sessions',
        AttributeDefinitions: [{ AttributeName: 'sessionId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    expect(created.TableDescription).toMatchObject({
      TableName: 'sessions',
      TableArn: 'arn:aws:dynamodb:us-east-2:123456789012:table/sessions',
      TableStatus: 'ACTIVE',
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    });
    await expect(use1.send(new DescribeTableCommand({ TableName: 'sessions' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );

    await use2.send(
      new UpdateTableCommand({
        TableName: 'sessions',
        ReplicaUpdates: [{ Create: { RegionName: 'us-east-1' } }],
      }),
    );
    const replica = (await use1.send(new DescribeTableCommand({ TableName: 'sessions' }))).Table;
    expect(replica).toMatchObject({
      TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/sessions',
      GlobalTableVersion: '2019.11.21',
      Replicas: [{ RegionName: 'us-east-2', ReplicaStatus: 'ACTIVE' }],
    });

    await use2.send(
      new UpdateTableCommand({
        TableName: 'sessions',
        ReplicaUpdates: [{ Delete: { RegionName: 'us-east-1' } }],
      }),
    );
    await expect(use1.send(new DescribeTableCommand({ TableName: 'sessions' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await use2.send(new DeleteTableCommand({ TableName: 'sessions' }));
    await expect(use2.send(new DescribeTableCommand({ TableName: 'sessions' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    use1.destroy();
    use2.destroy();
  });
});
