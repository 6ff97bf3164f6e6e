import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachLoadBalancerTargetGroupsCommand,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLoadBalancerTargetGroupsCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  GetHealthCheckStatusCommand,
} from '@aws-sdk/client-route-53';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AWS_STATE_FILE,
  type AwsSimulator,
  type AwsSimulatorOptions,
  startAwsSimulator,
} from '../../local/aws/index.js';
import { StateDirError } from '../../local/state-dir.js';
import { waitFor } from '../support/wait.js';
import { autoScalingClient, clientConfig, httpGet, rejectionOf, route53Client } from './support.js';

/** Provisioned ALBs (as `npm start` runs) and instances InService in a few real ms. */
const PROVISIONED: AwsSimulatorOptions = { albs: 'provisioned', instanceLaunchMs: 10 };
const APP_NAME = 'app.trading.example.com';

let dir: string;
const running: AwsSimulator[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-aws-state-elbv2-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((sim) => sim.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: AwsSimulatorOptions = PROVISIONED): Promise<AwsSimulator> {
  const sim = await startAwsSimulator({ stateDir: dir, logger: pino({ level: 'silent' }), ...options });
  running.push(sim);
  return sim;
}

async function restart(sim: AwsSimulator, options: AwsSimulatorOptions = PROVISIONED): Promise<AwsSimulator> {
  running.splice(running.indexOf(sim), 1);
  await sim.close();
  return start(options);
}

const elbClient = (sim: AwsSimulator, region: string) =>
  new ElasticLoadBalancingV2Client(clientConfig(sim, region));
const dynamoClient = (sim: AwsSimulator, region: string) => new DynamoDBClient(clientConfig(sim, region));

function listenerOf(sim: AwsSimulator, region: string) {
  const alb = sim.albs.find((a) => a.region === region);
  if (!alb) throw new Error(`no ALB listener for ${region}`);
  return alb;
}

/** What the estate provisions in us-east-1: an ALB forwarding to a target group its ASG is attached to. */
async function provisionCompute(sim: AwsSimulator) {
  const elb = elbClient(sim, 'us-east-1');
  const lb = (
    await elb.send(new CreateLoadBalancerCommand({ Name: 'web-use1', Subnets: ['subnet-a', 'subnet-b'] }))
  ).LoadBalancers?.[0];
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
  const listener = (
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb?.LoadBalancerArn,
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'forward', TargetGroupArn: group?.TargetGroupArn }],
      }),
    )
  ).Listeners?.[0];
  elb.destroy();
  if (!lb?.DNSName || !lb.LoadBalancerArn || !group?.TargetGroupArn || !listener?.ListenerArn)
    throw new Error('ELBv2 did not return the created resources');

  const asg = autoScalingClient(sim, 'us-east-1');
  await asg.send(
    new CreateAutoScalingGroupCommand({ AutoScalingGroupName: 'web-use1', MinSize: 1, MaxSize: 2 }),
  );
  await asg.send(
    new AttachLoadBalancerTargetGroupsCommand({
      AutoScalingGroupName: 'web-use1',
      TargetGroupARNs: [group.TargetGroupArn],
    }),
  );
  asg.destroy();
  return { lb, group, listener };
}

/** An alias to the ALB with a health check on the ALB's name, as the estate's failover records are. */
async function routeToAlb(sim: AwsSimulator, dnsName: string, hostedZoneId: string | undefined) {
  const r53 = route53Client(sim);
  const check = await r53.send(
    new CreateHealthCheckCommand({
      CallerReference: 'alb-use1',
      HealthCheckConfig: {
        Type: 'HTTP',
        FullyQualifiedDomainName: dnsName,
        Port: 80,
        ResourcePath: '/healthz',
        RequestInterval: 30,
        // One failed probe would show: a restored check whose ALB does not resolve turns unhealthy.
        FailureThreshold: 1,
      },
    }),
  );
  const zone = await r53.send(
    new CreateHostedZoneCommand({ Name: 'trading.example.com', CallerReference: 'z' }),
  );
  await r53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zone.HostedZone?.Id,
      ChangeBatch: {
        Changes: [
          {
            Action: 'CREATE',
            ResourceRecordSet: {
              Name: APP_NAME,
              Type: 'A',
              HealthCheckId: check.HealthCheck?.Id,
              AliasTarget: { DNSName: dnsName, HostedZoneId: hostedZoneId, EvaluateTargetHealth: true },
            },
          },
        ],
      },
    }),
  );
  r53.destroy();
  const id = check.HealthCheck?.Id;
  if (!id) throw new Error('no health check id');
  return id;
}

async function checkStatus(sim: AwsSimulator, id: string): Promise<string | undefined> {
  const r53 = route53Client(sim);
  const status = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
  r53.destroy();
  return status.HealthCheckObservations?.[0]?.StatusReport?.Status;
}

/** The app name as a resolver sees it, and what the ALB behind the answer says. */
async function appThroughDns(sim: AwsSimulator): Promise<{ addresses: string[]; status: number }> {
  const { values } = sim.route53.resolve(APP_NAME, 'A', 'us-east-1');
  const alb = sim.albs.find((a) => a.address === values[0]);
  return { addresses: values, status: alb ? await httpGet(`${alb.url}/healthz`) : 0 };
}

async function sessionsTable(sim: AwsSimulator) {
  const use2 = dynamoClient(sim, 'us-east-2');
  await use2.send(
    new CreateTableCommand({
      TableName: 'sessions',
      AttributeDefinitions: [{ AttributeName: 'sessionId', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await use2.send(
    new UpdateTableCommand({
      TableName: 'sessions',
      ReplicaUpdates: [{ Create: { RegionName: 'us-east-1' } }],
    }),
  );
  use2.destroy();
}

async function describeTable(sim: AwsSimulator, region: string) {
  const client = dynamoClient(sim, region);
  const table = (await client.send(new DescribeTableCommand({ TableName: 'sessions' }))).Table;
  client.destroy();
  return table;
}

describe('AWS simulator state dir: ELBv2, DynamoDB and Auto Scaling attachments survive a restart', () => {
  it('the same ARNs, DNS names, attachments, table and replica; the provisioned ALB answers through Route 53 again', async () => {
    const first = await start();
    const { lb, group, listener } = await provisionCompute(first);
    const checkId = await routeToAlb(first, lb.DNSName ?? '', lb.CanonicalHostedZoneId);
    await sessionsTable(first);
    const use1Alb = listenerOf(first, 'us-east-1');
    await waitFor(async () => (await appThroughDns(first)).status === 200, 'the ALB to serve');
    expect((await appThroughDns(first)).addresses).toEqual([use1Alb.address]);
    await waitFor(async () => (await checkStatus(first, checkId))?.startsWith('Success'), 'a healthy probe');
    const tablesBefore = [await describeTable(first, 'us-east-2'), await describeTable(first, 'us-east-1')];

    const second = await restart(first);
    expect(second.restoredFromState).toBe(true);

    const elb = elbClient(second, 'us-east-1');
    const lbAfter = (await elb.send(new DescribeLoadBalancersCommand({ Names: ['web-use1'] })))
      .LoadBalancers?.[0];
    expect(lbAfter).toMatchObject({
      LoadBalancerArn: lb.LoadBalancerArn,
      DNSName: lb.DNSName,
      CanonicalHostedZoneId: lb.CanonicalHostedZoneId,
      CreatedTime: lb.CreatedTime,
      VpcId: lb.VpcId,
    });
    const groupAfter = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['web-app'] })))
      .TargetGroups?.[0];
    expect(groupAfter).toMatchObject({
      TargetGroupArn: group.TargetGroupArn,
      Port: 8080,
      HealthCheckPath: '/healthz',
      LoadBalancerArns: [lb.LoadBalancerArn],
    });
    const listenersAfter = (
      await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }))
    ).Listeners;
    expect(listenersAfter?.map((l) => [l.ListenerArn, l.DefaultActions?.[0]?.TargetGroupArn])).toEqual([
      [listener.ListenerArn, group.TargetGroupArn],
    ]);
    elb.destroy();

    const asg = autoScalingClient(second, 'us-east-1');
    const attached = await asg.send(
      new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'web-use1' }),
    );
    expect(attached.LoadBalancerTargetGroups?.map((g) => g.LoadBalancerTargetGroupARN)).toEqual([
      group.TargetGroupArn,
    ]);
    const asgAfter = (await asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups?.[0];
    expect(asgAfter?.TargetGroupARNs).toEqual([group.TargetGroupArn]);
    asg.destroy();

    // The region's listener answers for the restored ALB under its name, through DNS, at once.
    const use1AlbAfter = listenerOf(second, 'us-east-1');
    expect(use1AlbAfter.dnsName).toBe(`${lb.DNSName}.`);
    expect(await appThroughDns(second)).toEqual({ addresses: [use1AlbAfter.address], status: 200 });
    // The restored health check's first probe reaches the ALB by its name (no failed probe first).
    const firstProbe = await waitFor(() => checkStatus(second, checkId), 'the first probe after the restart');
    expect(firstProbe).toMatch(/^Success/);
    expect(second.route53.isHealthy(checkId)).toBe(true);

    const tablesAfter = [await describeTable(second, 'us-east-2'), await describeTable(second, 'us-east-1')];
    expect(tablesAfter).toEqual(tablesBefore);
    expect(tablesAfter.map((t) => [t?.TableArn, t?.Replicas?.map((r) => r.RegionName)])).toEqual([
      ['arn:aws:dynamodb:us-east-2:123456789012:table/sessions', ['us-east-1']],
      ['arn:aws:dynamodb:us-east-1:123456789012:table/sessions', ['us-east-2']],
    ]);
    // The copies are one global table again: a replica added from us-east-2 is seen from us-east-1.
    const use2 = dynamoClient(second, 'us-east-2');
    await use2.send(
      new UpdateTableCommand({
        TableName: 'sessions',
        ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }],
      }),
    );
    use2.destroy();
    expect((await describeTable(second, 'us-east-1'))?.Replicas?.map((r) => r.RegionName).sort()).toEqual([
      'us-east-2',
      'us-west-2',
    ]);
  });

  it('tables of one name in two regions that are not replicas stay apart', async () => {
    const first = await start();
    for (const region of ['us-east-1', 'us-east-2']) {
      const client = dynamoClient(first, region);
      await client.send(
        new CreateTableCommand({
          TableName: 'sessions',
          AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      client.destroy();
    }
    const second = await restart(first);
    const use1 = dynamoClient(second, 'us-east-1');
    await use1.send(
      new UpdateTableCommand({
        TableName: 'sessions',
        ReplicaUpdates: [{ Create: { RegionName: 'us-west-2' } }],
      }),
    );
    use1.destroy();
    expect((await describeTable(second, 'us-east-1'))?.Replicas?.map((r) => r.RegionName)).toEqual([
      'us-west-2',
    ]);
    expect((await describeTable(second, 'us-east-2'))?.Replicas).toBeUndefined();
  });

  it('a region with no ALB before the restart still answers 503 after it', async () => {
    const second = await restart(await start());
    const alb = listenerOf(second, 'us-east-2');
    expect(alb.dnsName).toBe('');
    expect(await httpGet(alb.url)).toBe(503);
  });
});

describe('AWS simulator state dir: a malformed ELBv2 or DynamoDB section is refused at start', () => {
  const path = () => join(dir, AWS_STATE_FILE);

  async function validFile(): Promise<{ sections: Record<string, unknown> }> {
    const sim = await start();
    await provisionCompute(sim);
    await sessionsTable(sim);
    running.splice(running.indexOf(sim), 1);
    await sim.close();
    return JSON.parse(readFileSync(path(), 'utf8')) as { sections: Record<string, unknown> };
  }

  async function refusal(): Promise<StateDirError> {
    const error = await rejectionOf(start());
    expect(error).toBeInstanceOf(StateDirError);
    return error as StateDirError;
  }

  it('an elbv2 section that does not match: a StateDirError naming it, the file left as it was', async () => {
    const file = await validFile();
    const elbv2 = file.sections.elbv2 as { loadBalancers: Record<string, unknown>[] };
    expect(elbv2.loadBalancers).toHaveLength(1);
    const broken = JSON.stringify({
      ...file,
      sections: {
        ...file.sections,
        elbv2: { ...elbv2, loadBalancers: [{ ...elbv2.loadBalancers[0], dnsName: 7 }] },
      },
    });
    writeFileSync(path(), broken);
    expect((await refusal()).message).toContain(
      'does not match the "elbv2" section: loadBalancers.0.dnsName:',
    );
    expect(readFileSync(path(), 'utf8')).toBe(broken);
  });

  it('a dynamodb section that does not match, or a table whose replicas leave out its own region', async () => {
    const file = await validFile();
    const dynamodb = file.sections.dynamodb as { tables: Record<string, unknown>[] };
    expect(dynamodb.tables).toHaveLength(2);
    writeFileSync(
      path(),
      JSON.stringify({ ...file, sections: { ...file.sections, dynamodb: { tables: 'none' } } }),
    );
    expect((await refusal()).message).toContain('does not match the "dynamodb" section: tables:');
    const orphan = { ...dynamodb.tables[0], replicaRegions: ['eu-west-1'] };
    const broken = JSON.stringify({
      ...file,
      sections: { ...file.sections, dynamodb: { tables: [orphan] } },
    });
    writeFileSync(path(), broken);
    expect((await refusal()).message).toContain(
      'does not match the "dynamodb" section: tables.0.replicaRegions:',
    );
    expect(readFileSync(path(), 'utf8')).toBe(broken);
  });
});
