/**
 * Compute's listeners: clients and the Route 53 ALB health check reach the ALB over HTTPS:443 with
 * the XR's certificate (issued outside the estate), and HTTP:80 only redirects there. Without the
 * HTTPS listener the HTTPS health checks could never pass, so no failover record would be healthy.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { TLS_POLICY } from '../../../src/estate/compute/composition.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import {
  byResourceName,
  examplesDir,
  forProviderOf,
  regionOf,
  renderExample,
  renderPlatformMrs,
  resourceName,
  withAlbsReported,
} from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const certificate = {
  'us-east-1': 'arn:aws:acm:us-east-1:123456789012:certificate/0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901',
  'us-east-2': 'arn:aws:acm:us-east-2:123456789012:certificate/1c4d5e6f-7081-4293-a4b5-c6d7e8f9a012',
} as const;

interface Listener {
  region: string;
  port: number;
  protocol: string;
  certificateArn?: string;
  defaultAction: Record<string, unknown>[];
}
const listeners = (resources: KubeObject[]) =>
  resources.filter((mr) => mr.kind === 'LBListener').map((mr) => forProviderOf<Listener>(mr));

describe('Compute listeners', () => {
  it.each(['us-east-1', 'us-east-2'] as const)(
    '%s: HTTPS:443 forwards to the target group with the XR’s certificate; HTTP:80 redirects (301)',
    (region) => {
      const { resources } = renderExample(join(examplesDir, `compute-${region}.yaml`), { catalog });
      expect(forProviderOf(byResourceName(resources, 'listener-https'))).toEqual({
        region,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: TLS_POLICY,
        certificateArn: certificate[region],
        loadBalancerArnSelector: {
          matchControllerRef: true,
          matchLabels: { 'platform.switchyard.dev/role': 'alb' },
        },
        defaultAction: [{ type: 'forward', targetGroupArnSelector: { matchControllerRef: true } }],
        tags: { 'switchyard:platform-id': 'trading' },
      });
      const http = forProviderOf<Listener>(byResourceName(resources, 'listener-http'));
      expect(http).toMatchObject({ port: 80, protocol: 'HTTP' });
      expect(http.certificateArn).toBeUndefined();
      // Nothing is served over plain HTTP: the only action sends the client to HTTPS.
      expect(http.defaultAction).toEqual([
        { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } },
      ]);
      expect(listeners(resources)).toHaveLength(2);
    },
  );

  it('TradingPlatform: each region’s ALB answers its HTTPS health check with that region’s certificate', () => {
    // The ALB check exists once Compute has reported its ALB (held back before, ADR 0005).
    const mrs = renderPlatformMrs(catalog, { change: withAlbsReported });
    const albListeners = listeners(mrs);
    for (const region of ['us-east-1', 'us-east-2'] as const) {
      const check = forProviderOf<{ type: string; port: number }>(
        byResourceName(mrs, `health-check-alb-${region}`),
      );
      expect(check).toMatchObject({ type: 'HTTPS', port: 443 });
      const serving = albListeners.filter(
        (listener) =>
          listener.region === region &&
          listener.protocol === check.type &&
          listener.port === check.port &&
          listener.defaultAction.some((action) => action.type === 'forward'),
      );
      expect(serving, region).toEqual([expect.objectContaining({ certificateArn: certificate[region] })]);
    }
    // The HTTPS listeners are where the Compute XRs put them, one per region.
    expect(
      mrs
        .filter((mr) => resourceName(mr) === 'listener-https')
        .map((mr) => `${regionOf(mr)} ${forProviderOf<Listener>(mr).certificateArn}`)
        .sort(),
    ).toEqual([`us-east-1 ${certificate['us-east-1']}`, `us-east-2 ${certificate['us-east-2']}`]);
  });
});
