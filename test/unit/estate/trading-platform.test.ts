/**
 * The must-show: `switchyard render --recursive <trading platform> | switchyard validate -` exits 0
 * and covers every resource kind of the platform in both regions (and no kind the mission lacks).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { runCommand } from '../../../src/cli/commands.js';
import { tradingPlatformIdentity } from '../../../src/estate/trading-platform/identity.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { validateObject } from '../../../src/schema/validate.js';
import {
  converged,
  examplesDir,
  forProviderOf,
  halfValid,
  regionOf,
  renderChanged,
  renderExample,
  renderPlatformMrs,
  resourceName,
  withAlbsReported,
} from '../../support/estate.js';
import { memoryIo } from '../../support/memory-io.js';

const example = join(examplesDir, 'trading-platform.yaml');
const catalog = SchemaCatalog.load();

/** Kinds each region must have (the mission's resources; pair-level and global ones below). */
const regionalKinds = [
  'VPC',
  'Subnet',
  'InternetGateway',
  'NATGateway',
  'EIP',
  'RouteTable',
  'Route',
  'RouteTableAssociation',
  'SecurityGroup',
  'SecurityGroupIngressRule',
  'SecurityGroupEgressRule',
  'LaunchTemplate',
  'AutoscalingGroup',
  'LB',
  'LBTargetGroup',
  'LBListener',
  'Attachment',
  'Cluster',
  'ClusterInstance',
  'SubnetGroup',
  'ClusterParameterGroup',
  'Key',
  'Bucket',
  'BucketVersioning',
  'BucketServerSideEncryptionConfiguration',
  'BucketPublicAccessBlock',
  'BucketReplicationConfiguration',
  'Topic',
  'TopicSubscription',
  'MetricAlarm',
];
/** One side of the pair each: where the requester/accepter and the table/replica live. */
const pairKinds: Record<string, string> = {
  VPCPeeringConnection: 'us-east-1',
  VPCPeeringConnectionAccepter: 'us-east-2',
  Table: 'us-east-2',
  TableReplica: 'us-east-1',
  GlobalCluster: 'us-east-2',
};
/** IAM and Route 53: no region. */
const globalKinds = [
  'Role',
  'Policy',
  'RolePolicyAttachment',
  'InstanceProfile',
  'Zone',
  'Record',
  'HealthCheck',
];

const isTrafficSwitch = (mr: KubeObject) =>
  ['gate', 'fence'].includes(mr.metadata.labels?.['platform.switchyard.dev/role'] ?? '');
const regionLabelOf = (mr: KubeObject) => mr.metadata.labels?.['platform.switchyard.dev/region'];

/** The first render; the next reconcile once each Compute has reported its ALB; and once all XRs have. */
const fresh = renderPlatformMrs(catalog);
const reported = renderPlatformMrs(catalog, { change: withAlbsReported });
const settled = renderPlatformMrs(catalog, converged);
const REGIONS = ['us-east-1', 'us-east-2'] as const;

describe('TradingPlatform', () => {
  it('renders recursively into output `switchyard validate -` accepts (exit 0)', async () => {
    const rendered = memoryIo();
    expect(await runCommand(['render', '--recursive', example], rendered)).toBe(0);
    const validated = memoryIo(rendered.out());
    expect(await runCommand(['validate', '-'], validated), validated.out()).toBe(0);
    expect(validated.out()).toMatch(/^\d{3} documents, 0 invalid$/m);
  });

  it('once every XR has reported, also the resources held back before pass the upstream schemas', () => {
    expect(
      settled.flatMap((mr) =>
        validateObject(catalog, mr).map(
          (problem) => `${resourceName(mr)} ${problem.path}: ${problem.message}`,
        ),
      ),
    ).toEqual([]);
  });

  it('covers every platform resource kind in both regions, and no other kind', () => {
    const mrs = settled;
    for (const region of ['us-east-1', 'us-east-2']) {
      const kinds = new Set(mrs.filter((mr) => regionOf(mr) === region).map((mr) => mr.kind));
      expect([...kinds].sort(), region).toEqual(expect.arrayContaining(regionalKinds));
    }
    for (const [kind, region] of Object.entries(pairKinds))
      expect(mrs.filter((mr) => mr.kind === kind).map(regionOf), kind).toEqual([region]);
    const unregioned = new Set(mrs.filter((mr) => regionOf(mr) === undefined).map((mr) => mr.kind));
    expect([...unregioned].sort()).toEqual([...globalKinds].sort());
    expect([...new Set(mrs.map((mr) => mr.kind))].sort()).toEqual(
      [...regionalKinds, ...Object.keys(pairKinds), ...globalKinds].sort(),
    );
  });

  it('is production-shaped in both regions: three zones, each private subnet routed out through its own zone’s NAT', () => {
    for (const region of REGIONS) {
      const inRegion = fresh.filter((mr) => regionOf(mr) === region);
      const zonesOf = (kind: string, access?: string) =>
        inRegion
          .filter(
            (mr) =>
              mr.kind === kind &&
              (access === undefined || mr.metadata.labels?.['platform.switchyard.dev/access'] === access),
          )
          .map((mr) => mr.metadata.labels?.['platform.switchyard.dev/zone'])
          .sort();
      expect(zonesOf('Subnet', 'public'), region).toEqual(['a', 'b', 'c']);
      expect(zonesOf('Subnet', 'private'), region).toEqual(['a', 'b', 'c']);
      expect(zonesOf('NATGateway'), region).toEqual(['a', 'b', 'c']);
      for (const nat of inRegion.filter((mr) => mr.kind === 'NATGateway'))
        expect(
          forProviderOf<{ subnetIdSelector: { matchLabels: Record<string, string> } }>(nat).subnetIdSelector
            .matchLabels,
        ).toMatchObject({
          'platform.switchyard.dev/access': 'public',
          'platform.switchyard.dev/zone': nat.metadata.labels?.['platform.switchyard.dev/zone'],
        });
      const defaultRoutes = inRegion.filter(
        (mr) =>
          mr.kind === 'Route' &&
          forProviderOf<{ destinationCidrBlock?: string; natGatewayIdSelector?: unknown }>(mr)
            .natGatewayIdSelector !== undefined,
      );
      expect(
        defaultRoutes
          .map((route) => {
            const p = forProviderOf<{
              destinationCidrBlock: string;
              routeTableIdSelector: { matchLabels: Record<string, string> };
              natGatewayIdSelector: { matchLabels: Record<string, string> };
            }>(route);
            const zone = (selector: { matchLabels: Record<string, string> }) =>
              selector.matchLabels['platform.switchyard.dev/zone'];
            return `${p.destinationCidrBlock} from ${zone(p.routeTableIdSelector)} via ${zone(p.natGatewayIdSelector)}`;
          })
          .sort(),
      ).toEqual(['0.0.0.0/0 from a via a', '0.0.0.0/0 from b via b', '0.0.0.0/0 from c via c']);
    }
  });

  it('routes each region’s private route tables to the peer CIDR through the peering connection', () => {
    const peerRoutes = fresh.filter(
      (mr) => mr.kind === 'Route' && resourceName(mr).startsWith('route-peer-'),
    );
    expect(
      peerRoutes.map((route) => {
        const forProvider = forProviderOf(route);
        return `${forProvider.region} ${forProvider.destinationCidrBlock} ${resourceName(route)}`;
      }),
    ).toEqual([
      'us-east-1 10.1.0.0/16 route-peer-us-east-1-a',
      'us-east-1 10.1.0.0/16 route-peer-us-east-1-b',
      'us-east-1 10.1.0.0/16 route-peer-us-east-1-c',
      'us-east-2 10.0.0.0/16 route-peer-us-east-2-a',
      'us-east-2 10.0.0.0/16 route-peer-us-east-2-b',
      'us-east-2 10.0.0.0/16 route-peer-us-east-2-c',
    ]);
    expect(peerRoutes[4]?.spec?.forProvider).toMatchObject({
      vpcPeeringConnectionIdSelector: { matchControllerRef: true },
      routeTableIdSelector: {
        matchLabels: {
          'platform.switchyard.dev/platform-id': 'trading',
          'platform.switchyard.dev/region': 'us-east-2',
          'platform.switchyard.dev/access': 'private',
          'platform.switchyard.dev/zone': 'b',
        },
      },
    });
  });

  it('passes each region its settings and picks the matching Network and Peering variants', () => {
    // A cheaper standby than the example: two zones sharing one NAT gateway in us-east-2.
    const { resources } = renderChanged(
      example,
      (xr) => {
        (xr.spec as { regions: Record<string, unknown> }).regions['us-east-2'] = {
          cidrBlock: '10.1.0.0/16',
          zoneCount: 2,
          natGateways: 'Single',
        };
      },
      { catalog, recursive: true },
    );
    const network = (region: string) =>
      resources.find((object) => object.kind === 'Network' && resourceName(object) === `network-${region}`);
    expect(network('us-east-2')?.spec).toMatchObject({
      region: 'us-east-2',
      cidrBlock: '10.1.0.0/16',
      zoneCount: 2,
      crossplane: {
        compositionSelector: {
          matchLabels: { 'platform.switchyard.dev/zones': '2', 'platform.switchyard.dev/nat': 'single' },
        },
      },
    });
    expect(resources.find((object) => object.kind === 'Peering')?.spec?.crossplane).toEqual({
      compositionSelector: {
        matchLabels: {
          'platform.switchyard.dev/zones-us-east-1': '3',
          'platform.switchyard.dev/zones-us-east-2': '2',
        },
      },
    });
    const privateCidrs = (kind: string) =>
      resources
        .filter(
          (object) =>
            object.kind === kind && object.metadata.labels?.['platform.switchyard.dev/access'] === 'private',
        )
        .map((subnet) => forProviderOf<{ cidrBlock?: string }>(subnet).cidrBlock)
        .sort();
    expect(privateCidrs('Subnet')).toEqual([
      '10.0.10.0/24',
      '10.0.11.0/24',
      '10.0.12.0/24',
      '10.1.10.0/24',
      '10.1.11.0/24',
    ]);
    expect(resources.filter((object) => object.kind === 'NATGateway').map(regionOf)).toEqual([
      'us-east-1',
      'us-east-1',
      'us-east-1',
      'us-east-2',
    ]);
  });

  it('composes nothing half-valid on the first render, and holds back exactly what waits for the ALBs', () => {
    expect(halfValid(fresh)).toEqual([]);
    const { warnings } = renderExample(example, { catalog, recursive: true });
    const heldBack = warnings.map((warning) => /resource "([^"]+)"/.exec(warning)?.[1]).sort();
    expect(heldBack).toEqual(
      [
        ...REGIONS.flatMap((region) => [
          `health-check-${region}`,
          `health-check-alb-${region}`,
          `record-failover-${region}`,
          `record-latency-${region}`,
          `record-regional-${region}`,
        ]),
        // Each region's three ALB alarms and its topic, until its KMS key exists (Alerting).
        ...REGIONS.flatMap(() => [
          'alarm-alb-5xx-elb',
          'alarm-alb-5xx-target',
          'alarm-alb-unhealthy-hosts',
          'topic',
        ]),
        // Each region's request-count scaling policy, until Compute has its ALB's and target group's ids.
        ...REGIONS.map(() => 'scaling-policy'),
      ].sort(),
    );
    expect(halfValid(reported)).toEqual([]);
    expect(halfValid(settled)).toEqual([]);
  });

  it('alarms on ASG and Aurora at once, and on the ALB once Compute reports its ARNs', () => {
    const alarms = (mrs: KubeObject[], region: string) =>
      mrs
        .filter((mr) => mr.kind === 'MetricAlarm' && regionOf(mr) === region && !isTrafficSwitch(mr))
        .map((mr) => forProviderOf<{ dimensions: Record<string, string> }>(mr).dimensions);
    expect(alarms(fresh, 'us-east-2')).toEqual([
      { AutoScalingGroupName: 'trading-app-us-east-2' },
      { DBClusterIdentifier: 'trading-global-us-east-2' },
      { DBClusterIdentifier: 'trading-global-us-east-2' },
      { DBClusterIdentifier: 'trading-global-us-east-2' },
      { DBClusterIdentifier: 'trading-global-us-east-2' },
    ]);
    const later = alarms(reported, 'us-east-1');
    expect(later).toHaveLength(8);
    expect(later).toContainEqual({
      LoadBalancer: 'app/trading-us-east-1/0123456789abcdef',
      TargetGroup: 'targetgroup/trading-us-east-1/0123456789abcdef',
    });
  });

  it('switches each region with a gate in it and a fence in the other region, beside its ALB check (ADR 0010)', () => {
    const mrs = reported;
    for (const [region, peer] of [
      ['us-east-1', 'us-east-2'],
      ['us-east-2', 'us-east-1'],
    ] as const) {
      for (const [kind, metricName, alarmRegion] of [
        ['gate', 'GateClosed', region],
        ['fence', 'Fenced', peer],
      ] as const) {
        const alarms = mrs.filter(
          (mr) => mr.kind === 'MetricAlarm' && resourceName(mr) === `${kind}-alarm-${region}`,
        );
        expect(alarms, `${kind} alarm of ${region}`).toHaveLength(1);
        const alarm = alarms[0] as KubeObject;
        expect(regionOf(alarm), `${kind} of ${region} lives in ${alarmRegion}`).toBe(alarmRegion);
        expect(alarm.metadata.annotations?.['crossplane.io/external-name']).toBe(
          `trading-switchyard-${kind}-${region}`,
        );
        expect(forProviderOf(alarm)).toMatchObject({
          namespace: 'Switchyard/Traffic',
          metricName,
          dimensions: { PlatformId: 'trading', Region: region },
          threshold: 1,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'ignore',
          period: 10,
        });
        const check = mrs.find((mr) => resourceName(mr) === `health-check-${kind}-${region}`) as KubeObject;
        expect(forProviderOf(check)).toMatchObject({
          type: 'CLOUDWATCH_METRIC',
          cloudwatchAlarmRegion: alarmRegion,
          // A fence Route 53 cannot read is open; a gate without data serves only in the primary.
          insufficientDataHealthStatus:
            kind === 'fence' ? 'Healthy' : region === 'us-east-1' ? 'LastKnownStatus' : 'Unhealthy',
          cloudwatchAlarmNameSelector: {
            matchControllerRef: true,
            matchLabels: { 'platform.switchyard.dev/role': kind, 'platform.switchyard.dev/region': region },
          },
        });
      }
      // The members of the region's CALCULATED check (composed once their ids are known: traffic.test.ts).
      const members = mrs.filter(
        (mr) =>
          mr.kind === 'HealthCheck' &&
          regionLabelOf(mr) === region &&
          mr.metadata.labels?.['platform.switchyard.dev/check'] === 'member',
      );
      expect(members.map(resourceName).sort()).toEqual(
        [`health-check-alb-${region}`, `health-check-fence-${region}`, `health-check-gate-${region}`].sort(),
      );
    }
    // Nothing public: every bucket of the platform keeps all four public access blocks.
    for (const block of mrs.filter((mr) => mr.kind === 'BucketPublicAccessBlock')) {
      expect(forProviderOf(block)).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    }
  });

  it('refuses overlapping region CIDRs', () => {
    const xr = {
      apiVersion: tradingPlatformIdentity.apiVersion,
      kind: tradingPlatformIdentity.kind,
      metadata: { name: 'bad', namespace: 'trading' },
      spec: {
        platformId: 'trading',
        zoneName: 'a.example.com',
        domainName: 'b.a.example.com',
        imageId: 'ami-1',
        certificateArns: {
          'us-east-1': 'arn:aws:acm:us-east-1:123456789012:certificate/0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
          'us-east-2': 'arn:aws:acm:us-east-2:123456789012:certificate/1c4d5e6f-7081-4293-a4b5-c6d7e8f9a012',
        },
        globalClusterIdentifier: 'g',
        regions: { 'us-east-1': { cidrBlock: '10.0.0.0/16' }, 'us-east-2': { cidrBlock: '10.0.0.0/16' } },
      },
    };
    expect(validateObject(catalog, xr)).toEqual([
      expect.objectContaining({
        path: 'spec.regions',
        message: expect.stringMatching(/non-overlapping CIDR/),
      }),
    ]);
  });
});
