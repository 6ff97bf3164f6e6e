/**
 * XR status from observed composed resources (the `-status` tests of Upbound's configurations):
 * render once, pretend the provider created everything, render again with those observed
 * resources and check what ToCompositeFieldPath wrote back.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { validateObject } from '../../../src/schema/validate.js';
import {
  examplesDir,
  observe,
  regionOf,
  renderExample,
  reportedMemberChecks,
  writeVariant,
} from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const dir = mkdtempSync(join(tmpdir(), 'switchyard-estate-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function renderObserved(
  example: string,
  atProvider: (name: string, object: KubeObject) => Record<string, unknown>,
  file = join(examplesDir, example),
) {
  const first = renderExample(file, { catalog });
  const observedFile = join(dir, `${example}.observed.yaml`);
  writeFileSync(
    observedFile,
    observe(first.resources, atProvider)
      .map((o) => `---\n${stringify(o)}`)
      .join(''),
  );
  return renderExample(file, { catalog, observedFile });
}

describe('XR status from observed resources', () => {
  it('Network reports the VPC id, subnet ids per access and zone order, and private route tables', () => {
    const { xr, resources } = renderObserved('network-us-east-1.yaml', (name) => ({
      id: `id-${name}`,
      ...(name === 'vpc' ? { cidrBlock: '10.0.0.0/16' } : {}),
    }));
    expect(xr.status).toMatchObject({
      vpcId: 'id-vpc',
      cidrBlock: '10.0.0.0/16',
      publicSubnetIds: ['id-subnet-public-a', 'id-subnet-public-b', 'id-subnet-public-c'],
      privateSubnetIds: ['id-subnet-private-a', 'id-subnet-private-b', 'id-subnet-private-c'],
      privateRouteTableIds: [
        'id-route-table-private-a',
        'id-route-table-private-b',
        'id-route-table-private-c',
      ],
      conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }],
    });
    // Observed names are kept, so Crossplane updates the existing MRs instead of creating new ones.
    expect(resources.every((resource) => resource.metadata.name?.startsWith('trading-use1-'))).toBe(true);
    expect(validateObject(catalog, xr)).toEqual([]);
  });

  it('Database reports the global cluster and each member cluster ARN and endpoints, in region order', () => {
    const { xr } = renderObserved('database.yaml', (name, object) => {
      const region = regionOf(object);
      if (name === 'global-cluster')
        return { id: 'trading-global', arn: 'arn:aws:rds::1:global-cluster:trading-global' };
      if (name.startsWith('cluster-us-'))
        return {
          id: `trading-${region}`,
          arn: `arn:aws:rds:${region}:1:cluster:trading-${region}`,
          endpoint: `trading-${region}.cluster-x.${region}.rds.amazonaws.com`,
          readerEndpoint: `trading-${region}.cluster-ro-x.${region}.rds.amazonaws.com`,
        };
      return {};
    });
    expect(xr.status).toMatchObject({
      globalClusterId: 'trading-global',
      globalClusterArn: 'arn:aws:rds::1:global-cluster:trading-global',
      members: [
        {
          region: 'us-east-1',
          clusterIdentifier: 'trading-us-east-1',
          clusterArn: 'arn:aws:rds:us-east-1:1:cluster:trading-us-east-1',
          writerEndpoint: 'trading-us-east-1.cluster-x.us-east-1.rds.amazonaws.com',
        },
        { region: 'us-east-2', clusterArn: 'arn:aws:rds:us-east-2:1:cluster:trading-us-east-2' },
      ],
    });
    expect(validateObject(catalog, xr)).toEqual([]);
  });

  it('Peering reports the connection id and the accepter’s status', () => {
    const { xr } = renderObserved('peering.yaml', (name) => ({
      id: name === 'peering-connection' ? 'pcx-0abc' : `id-${name}`,
      ...(name === 'peering-accepter' ? { acceptStatus: 'active' } : {}),
    }));
    expect(xr.status).toMatchObject({ peeringConnectionId: 'pcx-0abc', acceptStatus: 'active' });
    expect(validateObject(catalog, xr)).toEqual([]);
  });

  it('SessionStore reports the table and where its replica lives', () => {
    const { xr } = renderObserved('sessions.yaml', (name, object) => ({
      id: name === 'table' ? 'trading-sessions' : `id-${name}`,
      arn: `arn:aws:dynamodb:${regionOf(object)}:1:table/trading-sessions`,
    }));
    expect(xr.status).toMatchObject({
      tableName: 'trading-sessions',
      tableArn: 'arn:aws:dynamodb:us-east-2:1:table/trading-sessions',
      replicaRegion: 'us-east-1',
      replicaArn: 'arn:aws:dynamodb:us-east-1:1:table/trading-sessions',
    });
    expect(validateObject(catalog, xr)).toEqual([]);
  });

  it('Storage reports both buckets and the replication role', () => {
    const { xr } = renderObserved('storage.yaml', (name, object) => {
      if (name === 'replication-role') return { arn: 'arn:aws:iam::1:role/replication' };
      const bucket = `trading-switchyard-data-${regionOf(object)}`;
      return { id: bucket, arn: `arn:aws:s3:::${bucket}` };
    });
    expect(xr.status).toMatchObject({
      buckets: {
        'us-east-1': {
          name: 'trading-switchyard-data-us-east-1',
          arn: 'arn:aws:s3:::trading-switchyard-data-us-east-1',
        },
        'us-east-2': { name: 'trading-switchyard-data-us-east-2' },
      },
      replicationRoleArn: 'arn:aws:iam::1:role/replication',
    });
    expect(validateObject(catalog, xr)).toEqual([]);
  });

  it('Alerting reports its topic and the topic’s key', () => {
    const arn = (name: string) => `arn:aws:sns:us-east-2:1:${name}`;
    // A later reconcile: the key is in status, so the topic is composed.
    const file = writeVariant(dir, join(examplesDir, 'alerting-us-east-2.yaml'), (xr) => {
      xr.status = { encryptionKeyArn: arn('topic-key') };
    });
    const { xr } = renderObserved('alerting-us-east-2.yaml', (name) => ({ arn: arn(name) }), file);
    expect(xr.status).toMatchObject({
      topicArn: arn('topic'),
      encryptionKeyArn: arn('topic-key'),
      conditions: [{ type: 'Ready', status: 'True' }],
    });
    expect(validateObject(catalog, xr)).toEqual([]);
  });

  it('TrafficRouting reports the zone, each region’s gate alarm and its three health checks', () => {
    const id = (name: string) => `id-${name}`;
    // A later reconcile: the member checks' ids are in status, so the CALCULATED checks are composed.
    const file = writeVariant(dir, join(examplesDir, 'traffic.yaml'), (xr) => {
      xr.status = reportedMemberChecks();
    });
    const { xr } = renderObserved(
      'traffic.yaml',
      (name, object) => ({
        id:
          object.kind === 'MetricAlarm'
            ? (object.metadata.annotations?.['crossplane.io/external-name'] ?? '')
            : id(name),
        ...(name === 'hosted-zone' ? { zoneId: 'Z0123456789' } : {}),
      }),
      file,
    );
    expect(xr.status).toMatchObject({
      zoneId: 'Z0123456789',
      gateAlarms: {
        'us-east-1': 'trading-switchyard-gate-us-east-1',
        'us-east-2': 'trading-switchyard-gate-us-east-2',
      },
      healthChecks: {
        'us-east-1': {
          alb: 'id-health-check-alb-us-east-1',
          gate: 'id-health-check-gate-us-east-1',
          calculated: 'id-health-check-us-east-1',
        },
        'us-east-2': {
          alb: 'id-health-check-alb-us-east-2',
          gate: 'id-health-check-gate-us-east-2',
          calculated: 'id-health-check-us-east-2',
        },
      },
    });
    expect(validateObject(catalog, xr)).toEqual([]);
  });

  it('keeps the XR not ready, naming the unready resources, until they are observed Ready', () => {
    const { xr } = renderExample(join(examplesDir, 'database.yaml'), { catalog });
    expect(xr.status?.conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        status: 'False',
        reason: 'Creating',
        message: expect.stringMatching(/^Unready resources: cluster-instance-us-east-1-1, .*, and \d+ more$/),
      }),
    ]);
  });
});
