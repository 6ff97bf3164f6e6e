/**
 * The us-east-1 outage most controller tests start from: a namespace with the example plan and a
 * RegionHealth from the us-east-2 vantage reporting us-east-1 down (so the best-effort scale-down
 * does not call it), and a seeded simulator with us-east-1 down behind a holding proxy.
 */
import type { AwsSimulator } from '../../local/aws/index.js';
import { HoldingProxy } from './holding-proxy.js';
import { exampleIn, type KubeSide, reportRegionDown, startSeededSimulator } from './platform.js';

export async function prepareOutageNamespace(side: KubeSide, ns: string): Promise<void> {
  await side.createNamespace(ns);
  await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
  await reportRegionDown(side, ns, 'us-east-1', ['cluster-use2']);
}

/** A seeded simulator with us-east-1 down, reached through a proxy that can hold one call. */
export async function startOutageSimulator(): Promise<{ sim: AwsSimulator; proxy: HoldingProxy }> {
  const sim = await startSeededSimulator();
  sim.faults.apply('region-down', ['us-east-1']);
  const proxy = await HoldingProxy.start(sim.url);
  sim.journal.clear();
  return { sim, proxy };
}
