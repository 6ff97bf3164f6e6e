/**
 * The must-show: `switchyard render --recursive <trading platform> | switchyard validate -` exits 0
 * and covers every resource kind of the platform in both regions.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/cli/commands.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { validateObject } from '../../../src/schema/validate.js';
import { examplesDir, isManaged, regionOf, renderExample, resourceName } from '../../support/estate.js';
import { memoryIo } from '../../support/memory-io.js';

const example = join(examplesDir, 'trading-platform.yaml');
const catalog = SchemaCatalog.load();

/** Kinds each region must have (global services are counted once, below). */
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
  'BucketPublicAccessBlock',
];
const globalKinds = ['GlobalCluster', 'Zone', 'Record', 'HealthCheck'];

describe('TradingPlatform', () => {
  it('renders recursively into output `switchyard validate -` accepts (exit 0)', async () => {
    const rendered = memoryIo();
    expect(await runCommand(['render', '--recursive', example], rendered)).toBe(0);
    const validated = memoryIo(rendered.out());
    expect(await runCommand(['validate', '-'], validated), validated.out()).toBe(0);
    expect(validated.out()).toMatch(/^\d{3} documents, 0 invalid$/m);
  });

  it('covers every platform resource kind in both regions', () => {
    const mrs = renderExample(example, { catalog, recursive: true }).resources.filter(isManaged);
    for (const region of ['us-east-1', 'us-east-2']) {
      const kinds = new Set(mrs.filter((mr) => regionOf(mr) === region).map((mr) => mr.kind));
      expect([...kinds].sort(), region).toEqual(expect.arrayContaining(regionalKinds));
    }
    const kinds = new Set(mrs.map((mr) => mr.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(globalKinds));
  });

  it('passes each region its settings and picks the matching Network variant', () => {
    const { resources } = renderExample(example, { catalog, recursive: true });
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
    const privateSubnets = resources.filter(
      (object) =>
        object.kind === 'Subnet' && object.metadata.labels?.['platform.switchyard.dev/access'] === 'private',
    );
    expect(
      privateSubnets
        .map((subnet) => (subnet.spec?.forProvider as { cidrBlock?: string } | undefined)?.cidrBlock)
        .sort(),
    ).toEqual(['10.0.10.0/24', '10.0.11.0/24', '10.0.12.0/24', '10.1.10.0/24', '10.1.11.0/24']);
  });

  it('refuses overlapping region CIDRs', () => {
    const xr = {
      apiVersion: 'platform.switchyard.dev/v1alpha1',
      kind: 'TradingPlatform',
      metadata: { name: 'bad', namespace: 'trading' },
      spec: {
        platformId: 'trading',
        zoneName: 'a.example.com',
        domainName: 'b.a.example.com',
        imageId: 'ami-1',
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
