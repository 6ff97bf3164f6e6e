/**
 * The us-east-1 outage most controller tests start from: a namespace with the example plan and a
 * RegionHealth from the us-east-2 vantage reporting us-east-1 down (so the best-effort scale-down
 * does not call it), and a seeded simulator with us-east-1 down behind a holding proxy.
 */
import type { AwsSimulator } from '../../local/aws/index.js';
import { HoldingProxy } from './holding-proxy.js';
import { exampleIn, type KubeSide, startSeededSimulator } from './platform.js';

export async function prepareOutageNamespace(side: KubeSide, ns: string): Promise<void> {
  await side.ok(
    ['apply', '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
  );
  await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await side.ok(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'failover.switchyard.dev/v1alpha1',
      kind: 'RegionHealth',
      metadata: { name: 'use1-from-use2', namespace: ns },
      spec: {
        region: 'us-east-1',
        vantage: 'cluster-use2',
        probes: [{ name: 'alb', type: 'TCP', tcp: { host: 'api.us-east-1.example.com', port: 443 } }],
      },
    }),
  );
  await side.ok([
    'patch',
    'regionhealth',
    'use1-from-use2',
    '-n',
    ns,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({
      status: {
        healthy: false,
        signals: [{ name: 'alb', healthy: false, lastTransitionTime: now, lastProbeTime: now }],
      },
    }),
  ]);
}

/** A seeded simulator with us-east-1 down, reached through a proxy that can hold one call. */
export async function startOutageSimulator(): Promise<{ sim: AwsSimulator; proxy: HoldingProxy }> {
  const sim = await startSeededSimulator();
  sim.faults.apply('region-down', ['us-east-1']);
  const proxy = await HoldingProxy.start(sim.url);
  sim.journal.clear();
  return { sim, proxy };
}
