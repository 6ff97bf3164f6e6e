/**
 * A Failover applied to the wrong region's cluster (issue 17, one cluster per region): the
 * controller there never executes it, and once it has waited unclaimed it says where to apply it
 * (Accepted=False, reason WrongCluster, a Warning Event), calling nothing in AWS. The unclaimed
 * window is shortened through the controller's option instead of waiting the default 30 s.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningController, startController } from '../../controllers/controller.js';
import { UNCLAIMED_AFTER_MS } from '../../controllers/failover/reconciler.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { sleep } from '../support/wait.js';
import {
  conditionOf,
  exampleIn,
  getFailover,
  type KubeSide,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
  waitForFailover,
} from './platform.js';

const NAMESPACE = 'wrong-cluster';
const SWITCHOVER = 'trading-switchover-2026-11-25';
const UNCLAIMED_AFTER_TEST_MS = 2_000;
/** creationTimestamp has second precision: the window runs from up to a second before the apply. */
const TIMESTAMP_PRECISION_MS = 1_000;

describe("a Failover applied to the other region's cluster", () => {
  let side: KubeSide;
  let sim: AwsSimulator;
  let controller: RunningController | undefined;

  beforeAll(async () => {
    side = await startKubeSide('emulator');
    sim = await startSeededSimulator();
  }, 60_000);

  afterAll(async () => {
    await controller?.stop();
    await side?.close();
    await sim?.close();
  });

  it('is marked Accepted=False WrongCluster after the unclaimed window, with nothing called in AWS', async () => {
    // us-east-1's controller, in us-east-1's cluster, given a Switchover that activates us-east-2.
    controller = await startController({
      ...testControllerOptions(side, sim),
      region: 'us-east-1',
      unclaimedAfterMs: UNCLAIMED_AFTER_TEST_MS,
    });
    await side.createNamespace(NAMESPACE);
    await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', NAMESPACE));
    sim.journal.clear();
    const applied = Date.now();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-switchover.yaml', NAMESPACE));
    // Seen and left alone at first: the target's controller may yet take it.
    await sleep(300);
    expect(conditionOf(await getFailover(side, NAMESPACE, SWITCHOVER), 'Accepted')).toBeUndefined();

    const refused = await waitForFailover(
      side,
      NAMESPACE,
      SWITCHOVER,
      (f) => conditionOf(f, 'Accepted')?.reason === 'WrongCluster',
      'the Failover marked WrongCluster',
      10_000,
    );
    expect(Date.now() - applied).toBeGreaterThanOrEqual(UNCLAIMED_AFTER_TEST_MS - TIMESTAMP_PRECISION_MS);
    expect(UNCLAIMED_AFTER_TEST_MS).toBeLessThan(UNCLAIMED_AFTER_MS);
    const accepted = conditionOf(refused, 'Accepted');
    expect(accepted?.status).toBe('False');
    expect(accepted?.message).toContain("apply it in us-east-2's cluster");
    expect(accepted?.message).toContain('(its controller runs in us-east-1)');
    // Not executed, not failed: should us-east-2's controller appear here, it takes it as usual.
    expect(refused.status?.phase).toBeUndefined();
    expect(refused.status?.journal ?? []).toEqual([]);
    expect(sim.journal.list()).toEqual([]);

    const events = await eventsOf(side, NAMESPACE, SWITCHOVER);
    expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'WrongCluster' }));

    // Said once: a later pass leaves the condition as it is.
    await sleep(500);
    const later = await getFailover(side, NAMESPACE, SWITCHOVER);
    expect(conditionOf(later, 'Accepted')?.lastTransitionTime).toBe(accepted?.lastTransitionTime);
    expect(sim.journal.list()).toEqual([]);
  }, 30_000);
});

async function eventsOf(
  side: KubeSide,
  namespace: string,
  name: string,
): Promise<{ type?: string; reason?: string }[]> {
  const config = new KubeConfig();
  config.loadFromFile(side.kubeconfig);
  const events = await config.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace });
  return events.items.filter((event) => event.involvedObject.name === name);
}
