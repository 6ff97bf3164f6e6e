/**
 * Alerting: alarms get exact CloudWatch dimensions or are not composed at all, every alarm notifies
 * the region's topic, and the subscription variant is only reachable by an XR that asks for it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { RenderError } from '../../../local/crossplane/render/index.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { byResourceName, examplesDir, renderExample, resourceName } from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const dir = mkdtempSync(join(tmpdir(), 'switchyard-alerting-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An example with its spec changed, written to a temporary file. */
function variant(example: string, change: (spec: Record<string, unknown>) => void): string {
  const xr = parse(readFileSync(join(examplesDir, example), 'utf8'));
  change(xr.spec);
  const file = join(dir, `${example}-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(xr));
  return file;
}

describe('Alerting', () => {
  it('turns ALB and target group ARNs into CloudWatch dimensions, and names alarms per region', () => {
    const { resources } = renderExample(join(examplesDir, 'alerting-us-east-1.yaml'), { catalog });
    expect(byResourceName(resources, 'alarm-alb-unhealthy-hosts')).toMatchObject({
      metadata: { annotations: { 'crossplane.io/external-name': 'trading-us-east-1-alb-unhealthy-hosts' } },
      spec: {
        forProvider: {
          namespace: 'AWS/ApplicationELB',
          metricName: 'UnHealthyHostCount',
          threshold: 0,
          dimensions: {
            LoadBalancer: 'app/trading-use1/50dc6c495c0c9188',
            TargetGroup: 'targetgroup/trading-app-us-east-1/73e2d6bc24d8a067',
          },
          alarmActionsSelector: { matchControllerRef: true },
          okActionsSelector: { matchControllerRef: true },
        },
      },
    });
    expect(byResourceName(resources, 'alarm-db-freeable-memory').spec?.forProvider).toMatchObject({
      metricName: 'FreeableMemory',
      comparisonOperator: 'LessThanThreshold',
      threshold: 512 * 1024 * 1024,
      dimensions: { DBClusterIdentifier: 'trading-global-us-east-1' },
    });
    // Published by the secondary only; the primary's copy must not alarm on missing data.
    expect(byResourceName(resources, 'alarm-db-replication-lag').spec?.forProvider).toMatchObject({
      metricName: 'AuroraGlobalDBReplicationLag',
      treatMissingData: 'notBreaching',
      threshold: 5000,
    });
    expect(byResourceName(resources, 'topic-subscription').spec?.forProvider).toMatchObject({
      protocol: 'email',
      endpoint: 'oncall@trading.example.com',
      topicArnSelector: { matchControllerRef: true },
    });
  });

  it('holds an alarm back until its target is known, keeping the XR not ready', () => {
    const file = variant('alerting-us-east-2.yaml', (spec) => {
      spec.targets = { dbClusterIdentifier: 'trading-global-us-east-2' };
    });
    const { xr, resources, warnings } = renderExample(file, { catalog });
    expect(resources.map(resourceName)).toEqual([
      'alarm-db-connections',
      'alarm-db-cpu',
      'alarm-db-freeable-memory',
      'alarm-db-replication-lag',
      'topic',
    ]);
    expect(warnings).toHaveLength(4);
    expect(xr.status?.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'Creating' })]);
  });

  it('refuses to render a subscription request with the Composition that has none', () => {
    const file = variant('alerting-us-east-2.yaml', (spec) => {
      spec.notify = 'HTTPS';
      spec.endpoint = 'https://hooks.example.com/alerts';
    });
    expect(() => renderExample(file, { catalog })).toThrow(RenderError);
    expect(() => renderExample(file, { catalog })).toThrow(/"topic" .*key HTTPS is not found in map/);
  });
});
