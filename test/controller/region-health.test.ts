/** RegionHealth probes over the wire: HTTP to the region's ALB, TCP, and Aurora writer reachability. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningController, startController } from '../../controllers/controller.js';
import { memberArn } from '../../controllers/failover/plan-view.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { RegionHealth } from '../../src/apis/index.js';
import { waitFor } from '../support/wait.js';
import { examplePlan } from './estate.js';
import {
  GROUP,
  type KubeSide,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
  VERSION,
} from './platform.js';

let side: KubeSide;
let sim: AwsSimulator;
let controller: RunningController;

beforeAll(async () => {
  side = await startKubeSide();
  sim = await startSeededSimulator();
  controller = await startController({
    ...testControllerOptions(side, sim),
    vantage: 'cluster-use2',
    httpPort: 0,
  });
});
afterAll(async () => {
  await controller?.stop();
  await sim?.close();
  await side?.close();
});

const read = async (name: string) =>
  (await side.api.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: 'health',
    plural: 'regionhealths',
    name,
  })) as RegionHealth;

it('probes write signals with transition times; a region going down turns them unhealthy after the threshold', async () => {
  const alb = sim.albs.find((a) => a.region === 'us-east-1');
  if (!alb) throw new Error('no ALB for us-east-1');
  const probe = { interval: '50ms', timeout: '40ms', failureThreshold: 2 };
  const manifest = (name: string, vantage: string) =>
    JSON.stringify({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'RegionHealth',
      metadata: { name, namespace: 'health' },
      spec: {
        region: 'us-east-1',
        vantage,
        probes: [
          { name: 'alb', type: 'HTTP', http: { url: `http://${alb.address}:${alb.port}/` }, ...probe },
          { name: 'alb-tcp', type: 'TCP', tcp: { host: alb.address, port: alb.port }, ...probe },
          {
            name: 'aurora-writer',
            type: 'AuroraWriter',
            auroraWriter: { clusterArn: memberArn(examplePlan.spec, 'us-east-1') },
            ...probe,
          },
        ],
      },
    });
  await side.ok(['apply', '-f', '-'], manifest('use1-from-use2', 'cluster-use2'));
  await side.ok(['apply', '-f', '-'], manifest('use1-from-elsewhere', 'cluster-use1'));

  const healthy = await waitFor(
    async () => {
      const health = await read('use1-from-use2');
      return health.status?.healthy === true && health.status.signals?.length === 3 ? health : undefined;
    },
    'all signals healthy',
    10_000,
  );
  expect(healthy.status?.signals?.find((s) => s.name === 'alb')?.message).toMatch(/HTTP 200/);
  const firstTransition = healthy.status?.signals?.[0]?.lastTransitionTime;

  sim.faults.apply('region-down', ['us-east-1']);
  const down = await waitFor(
    async () => {
      const health = await read('use1-from-use2');
      const bad = (name: string) => health.status?.signals?.find((s) => s.name === name)?.healthy === false;
      // The simulator's ALB still accepts TCP connections in a downed region (it resets each
      // request), so only the HTTP and Aurora signals can see the outage there.
      return health.status?.healthy === false && bad('alb') && bad('aurora-writer') ? health : undefined;
    },
    'the ALB and Aurora writer signals unhealthy',
    10_000,
  );
  expect(down.status?.conditions?.find((c) => c.type === 'Healthy')).toMatchObject({
    status: 'False',
    reason: 'SignalsUnhealthy',
  });
  expect(down.status?.signals?.[0]?.lastTransitionTime).toBeDefined();
  expect(Date.parse(down.status?.signals?.[0]?.lastTransitionTime ?? '')).toBeGreaterThanOrEqual(
    Date.parse(firstTransition ?? ''),
  );
  // Another vantage's object is left to that vantage's controller.
  expect((await read('use1-from-elsewhere')).status).toBeUndefined();
  const metrics = await (await fetch(`${controller.httpUrl}/metrics`)).text();
  expect(metrics).toContain('switchyard_region_healthy{region="us-east-1",vantage="cluster-use2"} 0');
  sim.faults.apply('region-up', ['us-east-1']);
});
