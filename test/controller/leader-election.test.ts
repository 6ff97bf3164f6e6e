/** Two replicas against one cluster: only the Lease holder acts; a standby takes over when it stops. */
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningController, startController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { waitFor } from '../aws/support.js';
import { mutatingCalls } from './estate.js';
import {
  exampleIn,
  type KubeSide,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
  waitForFailover,
} from './platform.js';

let side: KubeSide;
let sim: AwsSimulator;

beforeAll(async () => {
  side = await startKubeSide();
  sim = await startSeededSimulator();
});
afterAll(async () => {
  await sim?.close();
  await side?.close();
});

it('only the Lease holder reconciles; after it stops, the standby takes the Lease and finishes the work', async () => {
  const ns = 'leader';
  await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
  const replica = (identity: string) =>
    startController({
      ...testControllerOptions(side, sim),
      identity,
      leaderElection: { namespace: 'switchyard-system', leaseDurationSeconds: 2, retryPeriodMs: 100 },
    });
  const first: RunningController = await replica('replica-a');
  await waitFor(() => first.isLeader(), 'replica-a to lead');
  const second: RunningController = await replica('replica-b');
  try {
    await side.ok(['apply', '-f', '-'], exampleIn('failover-dry-run.yaml', ns));
    await waitForFailover(
      side,
      ns,
      'trading-failover-drill',
      (f) => f.status?.phase === 'Succeeded',
      'dry run done',
    );
    expect(second.isLeader()).toBe(false);

    await first.stop();
    await waitFor(() => second.isLeader(), 'replica-b to take over', 5_000);
    await side.ok(['apply', '-f', '-'], exampleIn('failover-switchover.yaml', ns));
    await waitForFailover(
      side,
      ns,
      'trading-switchover-2026-11-25',
      (f) => f.status?.phase === 'Succeeded',
      'switchover by b',
    );
    expect(mutatingCalls(sim).filter((e) => e.operation === 'SwitchoverGlobalCluster')).toHaveLength(1);

    const config = new KubeConfig();
    config.loadFromFile(side.kubeconfig);
    const lease = await config
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: 'switchyard-system', name: 'switchyard-controller' });
    expect(lease.spec).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
  } finally {
    await second.stop();
  }
});
