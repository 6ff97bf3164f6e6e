/**
 * The local provider over the wire: the example estate rendered (recursive) and provisioned into
 * an empty AWS simulator through the provider's handlers (AWS SDK v3 clients), then checked against
 * the FailoverPlan derived from the same XR: every name the controller acts on must exist.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeDBClustersCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListHostedZonesCommand, Route53Client, TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { sdkAwsPorts } from '../../controllers/aws/sdk-ports.js';
import { VERIFY_DNS, verifyDns } from '../../controllers/failover/dns-steps.js';
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import type { ManagedResource } from '../../local/crossplane/provider.js';
import { type LocalAwsProvider, localAwsProvider } from '../../local/crossplane/provider-aws/index.js';
import { FailoverPlanResource } from '../../src/apis/index.js';
import { derivePlan } from '../../src/plan/derive.js';
import { lookOnce, runningFor5s } from '../controller/step-look.js';
import { waitFor } from '../support/wait.js';
import { inMemoryLookup, type ProvisionResult, provisionEstate } from './provision-estate.js';

const XR_FILE = 'examples/estate/trading-platform.yaml';
const credentials = { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' };
const log = pino({ level: 'silent' });

let sim: AwsSimulator;
let provider: LocalAwsProvider;
let result: ProvisionResult;
let elapsedMs: number;
const opened: { destroy(): void }[] = [];
const config = (region: string) => ({ endpoint: sim.url, region, credentials, maxAttempts: 1 });
/** Every SDK client the test opens, destroyed after it. */
const open = <C extends { destroy(): void }>(client: C): C => {
  opened.push(client);
  return client;
};
const { plan, regionHealths } = derivePlan(parse(readFileSync(XR_FILE, 'utf8')));

/** What the simulator holds, counted by kind: a second provisioning must leave it unchanged. */
function inventory() {
  return {
    globalClusters: sim.rds.store.globalClusters.size,
    loadBalancers: sim.elbv2.store.loadBalancers.size,
    targetGroups: sim.elbv2.store.targetGroups.size,
    listeners: sim.elbv2.store.listeners.size,
    zones: sim.route53.zones.size,
    healthChecks: sim.route53.healthChecks.size,
    records: [...sim.route53.zones.values()].reduce((n, zone) => n + zone.records.length, 0),
    tables: [...sim.dynamodb.tables.values()].reduce((n, tables) => n + tables.size, 0),
  };
}

function get(host: string, port: number, hostHeader: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/healthz', headers: { host: hostHeader } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  // A simulated minute in 0.6 s: the ASGs' instances come in service within the test.
  sim = await startAwsSimulator({ albs: 'provisioned', timeScale: 0.01 });
  provider = localAwsProvider({ endpoint: sim.url, log });
  const started = Date.now();
  result = await provisionEstate(provider, XR_FILE);
  elapsedMs = Date.now() - started;
  console.log(`provisioned ${result.managed.length} MRs in ${elapsedMs} ms, ${result.rounds} rounds`);
}, 60_000);

afterAll(async () => {
  for (const client of opened) client.destroy();
  provider?.close();
  await sim?.close();
});

describe('provisioning the example estate through the local provider', () => {
  it('converges: every MR Ready, nothing held back, no errors, within the start-up budget', () => {
    expect([...result.errors]).toEqual([]);
    expect(result.warnings).toEqual([]);
    const notReady = result.managed.filter(
      (mr) => (mr.status?.conditions as { status: string }[] | undefined)?.[0]?.status !== 'True',
    );
    expect(notReady.map((mr) => mr.metadata.name)).toEqual([]);
    // Everything the recursive render composes, held-back records and checks included.
    expect(result.managed.filter((mr) => mr.kind === 'Record')).toHaveLength(6);
    expect(result.managed.filter((mr) => mr.kind === 'HealthCheck')).toHaveLength(8);
    // The lead's goal for `npm start` is ready in 20 s including the first provisioning.
    expect(elapsedMs).toBeLessThan(20_000);
  });

  it('creates what the derived FailoverPlan names: clusters, the global cluster, ASGs, gate and fence alarms', async () => {
    const { primary, standby } = plan.spec.regions;
    const globals = await open(new RDSClient(config(primary))).send(
      new DescribeGlobalClustersCommand({
        GlobalClusterIdentifier: plan.spec.database.globalClusterIdentifier,
      }),
    );
    const members = globals.GlobalClusters?.[0]?.GlobalClusterMembers ?? [];
    expect(members.map((m) => [m.DBClusterArn, m.IsWriter]).sort()).toEqual(
      plan.spec.database.members.map((m) => [m.clusterArn, m.region === primary]).sort(),
    );
    for (const member of plan.spec.database.members) {
      const clusters = await open(new RDSClient(config(member.region))).send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: member.clusterArn }),
      );
      expect(clusters.DBClusters?.[0]?.DBClusterArn).toBe(member.clusterArn);
    }
    for (const group of plan.spec.compute.autoScalingGroups) {
      const groups = await open(new AutoScalingClient(config(group.region))).send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group.name] }),
      );
      expect(groups.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([group.name]);
      // Attached to its region's target group (the Compute XR's Attachment).
      const targetGroups = [...sim.elbv2.store.targetGroups.values()].filter(
        (g) => g.region === group.region,
      );
      expect(groups.AutoScalingGroups?.[0]?.TargetGroupARNs).toEqual(targetGroups.map((g) => g.arn));
    }
    for (const gate of plan.spec.traffic.gates) {
      const peer = gate.region === primary ? standby : primary;
      const alarms = async (region: string, name: string) =>
        (
          await open(new CloudWatchClient(config(region))).send(
            new DescribeAlarmsCommand({ AlarmNames: [name] }),
          )
        ).MetricAlarms ?? [];
      // The gate at home, the fence in the peer (ADR 0010).
      expect(await alarms(gate.region, gate.alarmName)).toHaveLength(1);
      expect(await alarms(peer, gate.fenceAlarmName)).toHaveLength(1);
    }
  });

  it('verify-dns finds the DNS the derived plan names: the zone, each region’s name and failover record, their checks', async () => {
    const { primary, standby } = plan.spec.regions;
    const look = () =>
      lookOnce(verifyDns(primary, standby), {
        aws: sdkAwsPorts({ endpoint: sim.url, credentials, route53CallSpacingMs: 0 }),
        plan: FailoverPlanResource.parse(plan).spec,
        target: primary,
        other: standby,
        journal: runningFor5s(VERIFY_DNS),
      });
    // The estate serves from its primary: its gate is open, the standby's closed until a controller acts.
    const { outcome } = await waitFor(
      async () => {
        const seen = await look();
        return 'message' in seen.outcome && seen.outcome.message.includes(`${primary} healthy`)
          ? seen
          : undefined;
      },
      'the primary’s checks to be probed healthy',
      10_000,
    );
    expect(outcome.type).toBe('succeeded');
    expect('message' in outcome ? outcome.message : '').toMatch(
      new RegExp(
        `^api\\.trading\\.example\\.com answers ${primary} \\(\\S+\\) since before verify-dns started .*` +
          `health checks: ${primary} healthy \\(3 of 3 members healthy, 3 needed\\), ${standby} unhealthy \\(2 of 3 members healthy, 3 needed\\)$`,
      ),
    );
  });

  it('every probe of the derived RegionHealths resolves: the regional name to its ALB, the 5xx alarm exists', async () => {
    const route53 = open(new Route53Client(config('us-east-1')));
    const zones = (await route53.send(new ListHostedZonesCommand({}))).HostedZones ?? [];
    expect(zones.map((z) => z.Name)).toEqual(['trading.example.com.']);
    const zoneId = zones[0]?.Id ?? '';
    for (const health of regionHealths) {
      const region = health.spec.region;
      const listener = sim.albs.find((alb) => alb.region === region);
      const lb = sim.elbv2.store.loadBalancersIn(region)[0];
      expect(listener?.dnsName).toBe(`${lb?.dnsName}.`);
      for (const probe of health.spec.probes) {
        if (probe.type === 'HTTP') {
          const host = new URL(probe.http?.url ?? '').hostname;
          const answer = await route53.send(
            new TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: host, RecordType: 'A' }),
          );
          expect(answer.RecordData).toEqual([listener?.address]);
          // The ALB serves once its ASG's instances are in service (a simulated minute).
          await vi.waitFor(
            async () => expect(await get(listener?.address ?? '', listener?.port ?? 0, host)).toBe(200),
            { timeout: 10_000, interval: 50 },
          );
        }
        if (probe.type === 'CloudWatchAlarm') {
          const alarms = await open(new CloudWatchClient(config(region))).send(
            new DescribeAlarmsCommand({ AlarmNames: [probe.cloudWatchAlarm?.alarmName ?? ''] }),
          );
          expect(alarms.MetricAlarms).toHaveLength(1);
        }
        if (probe.type === 'AuroraWriter') {
          const arn = probe.auroraWriter?.clusterArn ?? '';
          const clusters = await open(new RDSClient(config(region))).send(
            new DescribeDBClustersCommand({ DBClusterIdentifier: arn }),
          );
          expect(clusters.DBClusters?.[0]?.DBClusterArn).toBe(arn);
        }
      }
    }
    route53.destroy();
  });

  it('Route 53 checks each provisioned ALB by its DNS name: both ALB checks turn healthy', async () => {
    const albChecks = result.managed.filter(
      (mr) => mr.kind === 'HealthCheck' && mr.spec.forProvider.type === 'HTTPS',
    );
    expect(albChecks).toHaveLength(2);
    for (const check of albChecks) {
      const id = check.metadata.annotations?.['crossplane.io/external-name'] ?? '';
      await vi.waitFor(() => expect(sim.route53.isHealthy(id)).toBe(true), { timeout: 10_000, interval: 50 });
    }
  });

  it('the data buckets replicate both ways', () => {
    const buckets = ['us-east-1', 'us-east-2'].map((region) =>
      sim.s3.store.buckets.get(`trading-switchyard-data-${region}`),
    );
    expect(buckets.map((b) => [b?.region, b?.versioning])).toEqual([
      ['us-east-1', 'Enabled'],
      ['us-east-2', 'Enabled'],
    ]);
    expect(buckets.map((b) => b?.replication?.rules.map((rule) => rule.id))).toEqual([
      ['to-us-east-2'],
      ['to-us-east-1'],
    ]);
  });

  it('the sessions table exists with its replica', async () => {
    const arns = await Promise.all(
      ['us-east-1', 'us-east-2'].map(
        async (region) =>
          (
            await open(new DynamoDBClient(config(region))).send(
              new DescribeTableCommand({ TableName: 'trading-sessions' }),
            )
          ).Table?.TableArn,
      ),
    );
    expect(arns).toEqual([
      'arn:aws:dynamodb:us-east-1:123456789012:table/trading-sessions',
      'arn:aws:dynamodb:us-east-2:123456789012:table/trading-sessions',
    ]);
  });

  it('is idempotent: a restarted provider (no external names known) finds everything and creates nothing', async () => {
    const before = inventory();
    const restarted = localAwsProvider({ endpoint: sim.url, log });
    try {
      const again = await provisionEstate(restarted, XR_FILE);
      expect([...again.errors]).toEqual([]);
      expect(inventory()).toEqual(before);
      const names = (r: ProvisionResult) =>
        Object.fromEntries(
          r.managed.map((mr) => [mr.metadata.name, mr.metadata.annotations?.['crossplane.io/external-name']]),
        );
      expect(names(again)).toEqual(names(result));
    } finally {
      restarted.close();
    }
  }, 60_000);

  it('never resets the ASG desired capacity the controller set; min and max are enforced', async () => {
    const mr = result.managed.find(
      (m) => m.kind === 'AutoscalingGroup' && m.spec.forProvider.region === 'us-east-2',
    );
    if (!mr) throw new Error('no us-east-2 AutoscalingGroup');
    const name = mr.metadata.annotations?.['crossplane.io/external-name'] ?? '';
    const client = open(new AutoScalingClient(config('us-east-2')));
    await client.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: name, DesiredCapacity: 5 }));
    const handler = provider.handlerFor(mr.apiVersion, mr.kind);
    const changed: ManagedResource = {
      ...mr,
      spec: { ...mr.spec, forProvider: { ...mr.spec.forProvider, minSize: 1, maxSize: 8 } },
    };
    const context = { lookup: inMemoryLookup(() => result.managed) };
    const observed = await handler?.observe(changed, context);
    expect(observed?.upToDate).toBe(false);
    if (observed) await handler?.update?.(changed, observed, context);
    const group = (await client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] })))
      .AutoScalingGroups?.[0];
    expect([group?.MinSize, group?.MaxSize, group?.DesiredCapacity]).toEqual([1, 8, 5]);
    expect((await handler?.observe(changed, context))?.upToDate).toBe(true);
    client.destroy();
  });
});
