/**
 * Failover, FailoverPlan and RegionHealth objects as the failover controller really leaves them:
 * each scenario applies the examples with kubectl to the Kubernetes API emulator, runs the
 * controller against the seeded AWS simulator (test/controller's harness) and reads the object
 * back the way `kubectl get -o yaml` shows it (no managedFields).
 */
import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { type RunningController, startController } from '../../../controllers/controller.js';
import { memberArn } from '../../../controllers/failover/plan-view.js';
import type { AwsSimulator } from '../../../local/aws/index.js';
import { autoScalingClient } from '../../aws/support.js';
import { examplePlan, groupIn } from '../../controller/estate.js';
import { HoldingProxy } from '../../controller/holding-proxy.js';
import {
  exampleIn,
  GROUP,
  type KubeSide,
  reportRegionDown,
  startSeededSimulator,
  testControllerOptions,
  VERSION,
} from '../../controller/platform.js';
import { waitFor } from '../../support/wait.js';

/** One captured object and the scenario that produced it (the testdata file's name). */
export interface Capture {
  name: string;
  object: Record<string, unknown>;
}

const SWITCHOVER = 'trading-switchover-2026-11-25';
const UNPLANNED = 'trading-failover-use1-outage';
const DRILL = 'trading-failover-drill';
const PLAN = (() => {
  const name = examplePlan.metadata.name;
  if (!name) throw new Error('the example plan has no name');
  return name;
})();

interface Scenario {
  side: KubeSide;
  ns: string;
  sim: AwsSimulator;
  proxy: HoldingProxy;
  start(options?: { readinessIntervalMs?: number; vantage?: string }): Promise<RunningController>;
}

/** Runs every controller scenario on `side`, one namespace and simulator each. */
export async function captureControllerObjects(side: KubeSide): Promise<Capture[]> {
  const captures: Capture[] = [];
  const scenarios: ((s: Scenario) => Promise<Capture[]>)[] = [
    asApplied,
    switchoverRunning,
    switchoverSucceeded,
    dryRun,
    awaitingApprovalThenCancelled,
    targetOutsidePlan,
    planReadiness,
    headlessStandby,
    regionHealthProbes,
    // Last, so the namespaces (and the captured objects) of the scenarios above keep their numbers.
    switchoverPaused,
  ];
  let count = 0;
  for (const scenario of scenarios) {
    const ns = `health-${++count}`;
    await side.createNamespace(ns);
    const sim = await startSeededSimulator(scenario === headlessStandby ? { headlessStandby: true } : {});
    const proxy = await HoldingProxy.start(sim.url);
    const controllers: RunningController[] = [];
    try {
      captures.push(
        ...(await scenario({
          side,
          ns,
          sim,
          proxy,
          async start(options = {}) {
            const controller = await startController({
              ...testControllerOptions(side, sim, proxy.url),
              ...options,
            });
            controllers.push(controller);
            return controller;
          },
        })),
      );
    } finally {
      for (const controller of controllers) await controller.stop();
      await side.retireFailovers();
      await proxy.close();
      await sim.close();
    }
  }
  return captures;
}

async function get(
  side: KubeSide,
  ns: string,
  plural: string,
  name: string,
): Promise<Record<string, unknown>> {
  const object = (await side.api.getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: ns,
    plural,
    name,
  })) as {
    metadata: Record<string, unknown>;
  };
  const { managedFields: _managedFields, ...metadata } = object.metadata;
  return { ...object, metadata };
}

const getFailover = (s: Scenario, name: string) => get(s.side, s.ns, 'failovers', name);
const getPlan = (s: Scenario) => get(s.side, s.ns, 'failoverplans', PLAN);
const statusOf = (object: Record<string, unknown>) => object.status as Record<string, unknown> | undefined;
const phaseOf = (object: Record<string, unknown>) => statusOf(object)?.phase;

function untilFailover(
  s: Scenario,
  name: string,
  what: string,
  predicate: (f: Record<string, unknown>) => boolean,
) {
  let seen: Record<string, unknown> | undefined;
  return waitFor(
    async () => {
      const failover = await getFailover(s, name);
      seen = failover;
      return predicate(failover) && failover;
    },
    `${name}: ${what}`,
    20_000,
  ).catch((error: unknown) => {
    // Say what the object looked like instead, so a timeout explains itself.
    const status = seen && statusOf(seen);
    const journal = (
      status?.journal as { name: string; state: string; attempts: number; message?: string }[] | undefined
    )
      ?.map((e) => `${e.name}:${e.state}/${e.attempts}${e.state === 'Failed' ? ` (${e.message})` : ''}`)
      .join(' ');
    throw new Error(
      `${String(error)}; last seen: phase ${String(status?.phase)}, step ${String(status?.currentStep)}, message ${String(status?.message)}, journal ${journal}`,
    );
  });
}

const apply = (s: Scenario, file: string, edit?: (text: string) => string) =>
  s.side.ok(['apply', '-f', '-'], exampleIn(file, s.ns, edit));

/** What kubectl apply leaves before any controller looked at it: no status. */
async function asApplied(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await apply(s, 'failover-switchover.yaml');
  return [
    { name: 'as-applied', object: await getFailover(s, SWITCHOVER) },
    { name: 'as-applied', object: await getPlan(s) },
  ];
}

/** A planned switchover held on its one-way call: Running, its current step the switchover. */
async function switchoverRunning(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await s.start();
  const held = s.proxy.holdNext('SwitchoverGlobalCluster');
  await apply(s, 'failover-switchover.yaml');
  const call = await held;
  const running = await untilFailover(
    s,
    SWITCHOVER,
    'running its switchover step',
    (f) => statusOf(f)?.currentStep === 'switchover',
  );
  call.drop();
  return [{ name: 'running', object: running }];
}

/** A planned switchover through to the end, and the plan recording it. */
async function switchoverSucceeded(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await s.start();
  await apply(s, 'failover-switchover.yaml');
  const succeeded = await untilFailover(s, SWITCHOVER, 'Succeeded', (f) => phaseOf(f) === 'Succeeded');
  const plan = await waitFor(async () => {
    const current = await getPlan(s);
    const last = statusOf(current)?.lastExecution as { phase?: string } | undefined;
    return last?.phase === 'Succeeded' && current;
  }, 'the plan to record the switchover');
  return [
    { name: 'succeeded', object: succeeded },
    { name: 'after-switchover', object: plan },
  ];
}

/** A planned switchover applied with spec.paused: held before its first action. */
async function switchoverPaused(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await s.start();
  await apply(s, 'failover-switchover.yaml', (t) =>
    t.replace('  type: Switchover', '  type: Switchover\n  paused: true'),
  );
  const paused = await untilFailover(s, SWITCHOVER, 'Paused', (f) => phaseOf(f) === 'Paused');
  return [{ name: 'paused', object: paused }];
}

async function dryRun(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await s.start();
  await apply(s, 'failover-dry-run.yaml');
  return [
    {
      name: 'dry-run-succeeded',
      object: await untilFailover(s, DRILL, 'Succeeded', (f) => phaseOf(f) === 'Succeeded'),
    },
  ];
}

/** us-east-1 down, the unplanned example unapproved: it waits for a person, who cancels it. */
async function awaitingApprovalThenCancelled(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await reportRegionDown(s.side, s.ns, 'us-east-1', ['cluster-use2']);
  s.sim.faults.apply('region-down', ['us-east-1']);
  await s.start();
  // The lag must exceed the RPO budget for an approval to be required: let the cut-off secondary fall behind.
  await apply(s, 'failover-unplanned.yaml');
  const waiting = await untilFailover(
    s,
    UNPLANNED,
    'AwaitingApproval',
    (f) => phaseOf(f) === 'AwaitingApproval',
  );
  await s.side.ok([
    'patch',
    'failover',
    UNPLANNED,
    '-n',
    s.ns,
    '--type=merge',
    '-p',
    JSON.stringify({ spec: { cancel: true } }),
  ]);
  const cancelled = await untilFailover(s, UNPLANNED, 'Cancelled', (f) => phaseOf(f) === 'Cancelled');
  return [
    { name: 'awaiting-approval', object: waiting },
    { name: 'cancelled', object: cancelled },
  ];
}

/** A Failover naming a region outside its plan: refused before any step, phase Failed. */
async function targetOutsidePlan(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await s.start({});
  await apply(s, 'failover-switchover.yaml', (text) =>
    text.replace('targetRegion: us-east-2', 'targetRegion: eu-west-1'),
  );
  return [
    {
      name: 'failed-target-outside-plan',
      object: await untilFailover(s, SWITCHOVER, 'Failed', (f) => phaseOf(f) === 'Failed'),
    },
  ];
}

/** The plan once its readiness conditions have the given statuses (the first pass may lack a lag datapoint). */
const readinessWritten = (s: Scenario, wanted: Record<string, string>) =>
  waitFor(
    async () => {
      const plan = await getPlan(s);
      const conditions = (statusOf(plan)?.conditions ?? []) as { type: string; status: string }[];
      const statusOfType = (type: string) => conditions.find((c) => c.type === type)?.status;
      return Object.entries(wanted).every(([type, status]) => statusOfType(type) === status) && plan;
    },
    `plan readiness ${JSON.stringify(wanted)}`,
    10_000,
  );

/** The standby's controller writes readiness for the seeded estate; then the lag passes the RPO budget. */
async function planReadiness(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await s.start({ readinessIntervalMs: 30 });
  const ready = await readinessWritten(s, { Ready: 'True' });
  s.sim.faults.apply('lag', ['12000']);
  return [
    { name: 'ready', object: ready },
    {
      name: 'not-ready-lag-above-budget',
      object: await readinessWritten(s, {
        Ready: 'False',
        LagWithinBudget: 'False',
        StandbyHasInstances: 'True',
      }),
    },
  ];
}

/** A standby Aurora cluster without instances: a readiness check fails. */
async function headlessStandby(s: Scenario): Promise<Capture[]> {
  await apply(s, 'failover-plan.yaml');
  await s.start({ readinessIntervalMs: 30 });
  const notReady = await readinessWritten(s, {
    Ready: 'False',
    StandbyHasInstances: 'False',
    LagWithinBudget: 'True',
  });
  return [{ name: 'not-ready-headless-standby', object: notReady }];
}

/**
 * The us-east-2 controller probes us-east-1's ALB and Aurora writer; then us-east-1's app tier is
 * scaled to nothing, so its ALB answers 503 (no healthy target) while the writer still answers.
 */
async function regionHealthProbes(s: Scenario): Promise<Capture[]> {
  const alb = s.sim.albs.find((a) => a.region === 'us-east-1');
  if (!alb) throw new Error('the seeded simulator has no ALB in us-east-1');
  const name = 'trading-use1-from-cluster-use2';
  // One failure turns a signal unhealthy, so a healthy capture never carries a slow probe's note.
  const probe = { interval: '500ms', timeout: '400ms', failureThreshold: 1 };
  await s.side.ok(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'RegionHealth',
      metadata: { name, namespace: s.ns },
      spec: {
        region: 'us-east-1',
        vantage: 'cluster-use2',
        probes: [
          { name: 'alb', type: 'HTTP', http: { url: `http://${alb.address}:${alb.port}/` }, ...probe },
          {
            name: 'aurora-writer',
            type: 'AuroraWriter',
            auroraWriter: { clusterArn: memberArn(examplePlan.spec, 'us-east-1') },
            ...probe,
          },
        ],
      },
    }),
  );
  const asApplied = await get(s.side, s.ns, 'regionhealths', name);
  await s.start({ vantage: 'cluster-use2' });
  const signals = (albHealthy: boolean) =>
    waitFor(
      async () => {
        const health = await get(s.side, s.ns, 'regionhealths', name);
        const found = (statusOf(health)?.signals ?? []) as { name: string; healthy: boolean }[];
        const healthyOf = (signal: string) => found.find((x) => x.name === signal)?.healthy;
        return healthyOf('alb') === albHealthy && healthyOf('aurora-writer') === true && health;
      },
      `RegionHealth ${name} with the ALB ${albHealthy ? 'healthy' : 'failing'}`,
      10_000,
    );
  const healthy = await signals(true);
  await autoScalingClient(s.sim, 'us-east-1').send(
    new SetDesiredCapacityCommand({ AutoScalingGroupName: groupIn('us-east-1'), DesiredCapacity: 0 }),
  );
  const failing = await signals(false);
  return [
    { name: 'as-applied', object: asApplied },
    { name: 'healthy', object: healthy },
    { name: 'alb-failing-no-healthy-target', object: failing },
  ];
}
