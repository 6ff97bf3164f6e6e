/**
 * The us-east-1 outage most controller tests start from: a namespace with the example plan and a
 * RegionHealth from the us-east-2 vantage reporting us-east-1 down (so the best-effort scale-down
 * does not call it), and a seeded simulator with us-east-1 down behind a holding proxy.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RunningController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { HoldingProxy } from './holding-proxy.js';
import {
  exampleIn,
  type KubeSide,
  reportRegionDown,
  startKubeSide,
  startSeededSimulator,
  startTestController,
} from './platform.js';

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

export interface OutagePlatform {
  /** The Kubernetes side, started once per file (in beforeAll). */
  side(): KubeSide;
  /**
   * A fresh namespace prepared for the outage, a simulator with us-east-1 down behind a holding
   * proxy, and a controller talking through it; all stopped after the test.
   */
  setUp(): Promise<{ ns: string; sim: AwsSimulator; proxy: HoldingProxy }>;
  /** Stops the test's controller early (a test that calls the ports itself). */
  stopController(): Promise<void>;
}

/** Registers the hooks of a file of outage tests; namespaces are `<prefix>1`, `<prefix>2`, … */
export function outagePlatform(prefix: string): OutagePlatform {
  let side: KubeSide | undefined;
  let sim: AwsSimulator | undefined;
  let proxy: HoldingProxy | undefined;
  let controller: RunningController | undefined;
  let namespaceCount = 0;
  beforeAll(async () => {
    side = await startKubeSide();
  });
  afterAll(async () => side?.close());
  afterEach(async () => {
    await controller?.stop();
    await side?.retireFailovers();
    await proxy?.close();
    await sim?.close();
    controller = undefined;
    proxy = undefined;
    sim = undefined;
  });
  const kube = () => {
    if (!side) throw new Error('the Kubernetes side starts in beforeAll');
    return side;
  };
  return {
    side: kube,
    async setUp() {
      const ns = `${prefix}${++namespaceCount}`;
      await prepareOutageNamespace(kube(), ns);
      const started = await startOutageSimulator();
      ({ sim, proxy } = started);
      controller = await startTestController(kube(), started.sim, started.proxy.url);
      return { ns, ...started };
    },
    async stopController() {
      await controller?.stop();
      controller = undefined;
    },
  };
}
