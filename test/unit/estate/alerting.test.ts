/**
 * Alerting: alarms get exact CloudWatch dimensions or are not composed at all, every alarm notifies
 * the region's topic, and the subscription variant is only reachable by an XR that asks for it.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RenderError } from '../../../local/crossplane/render/index.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import {
  byResourceName,
  examplesDir,
  forProviderOf,
  renderChanged,
  renderExample,
  reportedTopicKey,
  resourceName,
} from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const reported = reportedTopicKey('us-east-2');

/** An example with its spec (and status) changed, rendered. */
const renderVariant = (example: string, change: (spec: Record<string, unknown>) => void, status?: object) =>
  renderChanged(
    join(examplesDir, example),
    (xr) => {
      change(xr.spec ?? {});
      if (status) xr.status = { ...status };
    },
    { catalog },
  );

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
    const { xr, resources, warnings } = renderVariant(
      'alerting-us-east-2.yaml',
      (spec) => {
        spec.targets = { dbClusterIdentifier: 'trading-global-us-east-2' };
      },
      reported,
    );
    expect(resources.map(resourceName)).toEqual([
      'alarm-db-connections',
      'alarm-db-cpu',
      'alarm-db-freeable-memory',
      'alarm-db-replication-lag',
      'topic',
      'topic-key',
    ]);
    expect(warnings).toHaveLength(4);
    expect(xr.status?.conditions).toEqual([expect.objectContaining({ status: 'False', reason: 'Creating' })]);
  });

  it('encrypts the topic with a key of its own that CloudWatch may use, composing the topic once the key exists', () => {
    const first = renderExample(join(examplesDir, 'alerting-us-east-2.yaml'), { catalog });
    const key = forProviderOf<{ policy: string }>(byResourceName(first.resources, 'topic-key'));
    expect(key).toMatchObject({ region: 'us-east-2', enableKeyRotation: true, deletionWindowInDays: 30 });
    expect(JSON.parse(key.policy).Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:root' },
        Action: 'kms:*',
      }),
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    ]);
    expect(first.resources.map(resourceName)).not.toContain('topic');
    expect(first.warnings).toEqual([expect.stringContaining('"topic"')]);

    const later = renderVariant('alerting-us-east-2.yaml', () => {}, reported);
    expect(forProviderOf(byResourceName(later.resources, 'topic'))).toMatchObject({
      region: 'us-east-2',
      kmsMasterKeyId: reported.encryptionKeyArn,
    });
  });

  it('refuses to render a subscription request with the Composition that has none', () => {
    const render = () =>
      renderVariant('alerting-us-east-2.yaml', (spec) => {
        spec.notify = 'HTTPS';
        spec.endpoint = 'https://hooks.example.com/alerts';
      });
    expect(render).toThrow(RenderError);
    expect(render).toThrow(/"topic" .*key HTTPS is not found in map/);
  });
});
