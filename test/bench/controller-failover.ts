import { type RunningController, startController } from '../../controllers/controller.js';
import type { Failover } from '../../src/apis/index.js';
import {
  type BenchControllerSettings,
  type BenchKube,
  benchControllerOptions,
  benchPlan,
  example,
  nextNamespace,
  pollUntil,
  seededSimulator,
} from './controller-env.js';
import { errorText } from './figures.js';

/**
 * One failover with instant AWS (simulator time scale 0.0001): a fresh seeded simulator, namespace
 * and controller (started, informers synced, before the clock starts); the Failover is created with
 * client-node (what `kubectl apply` does: one POST) and the clock stops when a poll (every 5 ms)
 * reads phase Succeeded. Unplanned: us-east-1 down, the example's unplanned Failover, approved.
 * Planned: both regions up, the example's Switchover.
 */

export type FailoverKind = 'planned' | 'unplanned';

export interface FailoverRun {
  ms: number;
  /** The journal's steps and states, to show what was timed. */
  journal: string;
}

function failoverFor(kind: FailoverKind, namespace: string): Failover {
  if (kind === 'planned') return example<Failover>('failover-switchover.yaml', namespace);
  const failover = example<Failover>('failover-unplanned.yaml', namespace);
  // The example ships unapproved; with us-east-1 down the lag exceeds the budget, and the
  // simulator's clock runs fast, so the approval accepts any lag the run can reach.
  failover.spec.approval = {
    approvedBy: 'bench',
    approvedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    maxDataLossSeconds: 2_000_000_000,
  };
  return failover;
}

function describeStatus(status: Failover['status']): string {
  const journal = (status?.journal ?? []).map(
    (e) => `${e.name}:${e.state}${e.message ? ` (${e.message})` : ''}`,
  );
  const conditions = (status?.conditions ?? []).map((c) => `${c.type}=${c.status} ${c.reason}: ${c.message}`);
  return `phase ${status?.phase ?? 'none'}; journal ${journal.join(' ')}; conditions ${conditions.join('; ')}`;
}

export async function oneFailover(
  kube: BenchKube,
  settings: BenchControllerSettings,
  kind: FailoverKind,
): Promise<FailoverRun> {
  const ns = nextNamespace(`bench-${kind}`);
  await kube.createNamespace(ns);
  await kube.create(ns, 'failoverplans', benchPlan(ns));
  const sim = await seededSimulator();
  let controller: RunningController | undefined;
  try {
    if (kind === 'unplanned') sim.faults.apply('region-down', ['us-east-1']);
    controller = await startController(benchControllerOptions(kube.kubeconfig, sim, 'us-east-2', settings));
    const failover = failoverFor(kind, ns);
    const name = failover.metadata.name ?? `bench-${kind}`;
    const start = performance.now();
    await kube.create(ns, 'failovers', failover);
    const done = await pollUntil(
      async () => {
        const current = await kube.getFailover(ns, name);
        const phase = current.status?.phase;
        return phase === 'Succeeded' || phase === 'Failed' ? current : undefined;
      },
      `Failover ${ns}/${name} to finish`,
      60_000,
    ).catch(async (error: unknown) => {
      // Say where it stood: a hung failover is a finding, not just a timeout.
      const status = (await kube.getFailover(ns, name)).status;
      throw new Error(`${errorText(error)}; it stood at ${describeStatus(status)}`);
    });
    const ms = performance.now() - start;
    if (done.status?.phase !== 'Succeeded')
      throw new Error(
        `bench: Failover ${ns}/${name} ended ${done.status?.phase}: ${JSON.stringify(done.status?.conditions)}`,
      );
    const journal = (done.status?.journal ?? []).map((e) => `${e.name}:${e.state}`).join(' ');
    return { ms, journal };
  } finally {
    await controller?.stop();
    await sim.close();
  }
}
