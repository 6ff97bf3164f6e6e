/**
 * Steps the scenarios share: who writes, a failover applied with kubectl and followed to its end,
 * the operator's consent when an unplanned failover waits for it, and the reset that brings the
 * platform back to a healthy, quiet state between scenarios.
 */
import { isTerminal } from '../../controllers/failover/phase.js';
import { TRIGGER_LABEL } from '../../controllers/failover/reconciler.js';
import { durationMilliseconds } from '../../src/apis/common.js';
import type { Failover, FailoverSpec } from '../../src/apis/index.js';
import { EXTERNAL_VANTAGE } from '../../src/cli/platform/platform.js';
import type { PairRegion } from '../../src/estate/common/parameters.js';
import { clusterVantage } from '../../src/plan/region-health.js';
import { readTraffic } from './invariants.js';
import { type ChaosPlatform, failoverManifest, homeRegion, otherRegion, REGIONS } from './platform.js';
import { ScenarioFailure, type ScenarioRun } from './scenario.js';

/** The region of Aurora's writer, as the simulator holds it. */
export function writerRegion(platform: ChaosPlatform): PairRegion {
  const [writer] = readTraffic(platform.aws, platform.estate).writers;
  if (writer !== 'us-east-1' && writer !== 'us-east-2')
    throw new ScenarioFailure(`no writer in the pair (${writer})`);
  return writer;
}

/** Every secondary connected again (a returned region resynchronises first); planned moves need it. */
export function allConnected(platform: ChaosPlatform): boolean {
  const global = platform.aws.rds.store.globalClusters.get(
    platform.estate.plan.database.globalClusterIdentifier,
  );
  return (global?.members ?? []).every((m) => m.isWriter || m.sync === 'connected');
}

export async function failoverNamed(platform: ChaosPlatform, region: PairRegion, name: string) {
  return (await platform.failovers(region)).find((f) => f.metadata.name === name);
}

const describeEnd = (failover: Failover) =>
  `${failover.metadata.name} ${failover.status?.phase}: ${
    failover.status?.conditions?.find((c) => c.type === failover.status?.phase || c.type === 'Failed')
      ?.message ?? ''
  }`;

export interface FailoverRunOptions {
  type: 'Switchover' | 'Failover';
  target: PairRegion;
  name: string;
  timeoutMs?: number;
  /** More of the spec (an approval given with it). */
  spec?: Partial<FailoverSpec>;
}

/** Where a running Failover is: its phase, its step, the step's attempts and message. */
export function describeRunning(failover: Failover | undefined): string {
  const status = failover?.status;
  const step = status?.journal?.find((e) => e.name === status.currentStep);
  return `${status?.phase ?? 'no status'} at step ${status?.currentStep ?? 'none'} (attempt ${step?.attempts}: ${step?.message ?? ''}); ${(status?.journal ?? []).map((e) => `${e.name}=${e.state}`).join(' ')}`;
}

/** Waits for a Failover in the target's cluster to end, giving consent if it waits for it. */
export async function followFailover(
  run: ScenarioRun,
  target: PairRegion,
  name: string,
  timeoutMs = 90_000,
): Promise<Failover> {
  const started = Date.now();
  let seen: Failover | undefined;
  const failover = await run.waitFor(
    `Failover ${name} to finish`,
    timeoutMs,
    async () => {
      seen = await failoverNamed(run.platform, target, name);
      if (seen?.status?.phase === 'AwaitingApproval') await approve(run, target, seen);
      return seen && isTerminal(seen.status?.phase) ? seen : undefined;
    },
    () => describeRunning(seen),
  );
  run.note(`${describeEnd(failover)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return failover;
}

/**
 * Applies a Failover with kubectl in its target region's cluster. A switchover waits for
 * replication: a region that came back must have resynchronised first.
 */
export async function applyFailover(
  run: ScenarioRun,
  target: PairRegion,
  manifest: ReturnType<typeof failoverManifest>,
): Promise<void> {
  const { platform } = run;
  if (manifest.spec.type === 'Switchover')
    await run.waitFor(
      'every Aurora secondary connected',
      90_000,
      async () => allConnected(platform) || undefined,
    );
  await platform.applyFailover(target, manifest);
  await run.event(`kubectl apply ${manifest.spec.type} ${manifest.metadata.name} → ${target}`);
}

/** Applies a Failover in the target region's cluster with kubectl, and follows it to its end. */
export async function runFailover(run: ScenarioRun, options: FailoverRunOptions): Promise<Failover> {
  const { estate } = run.platform;
  const reason = `chaos: ${run.events} events in`;
  const manifest = failoverManifest(estate, options.name, options.type, options.target, reason, options.spec);
  await applyFailover(run, options.target, manifest);
  return followFailover(run, options.target, options.name, options.timeoutMs);
}

/** A person's consent to the data loss, as the demo gives it: an hour more than observed. */
async function approve(run: ScenarioRun, region: PairRegion, failover: Failover): Promise<void> {
  const lagMs = failover.status?.observedLag?.replicationLagMilliseconds ?? 0;
  const approval = {
    approvedBy: 'chaos-suite',
    approvedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    maxDataLossSeconds: Math.ceil(lagMs / 1000) + 3_600,
  };
  await run.platform.kubectlOk(region, [
    'patch',
    'failover',
    String(failover.metadata.name),
    '-n',
    run.platform.estate.namespace,
    '--type',
    'merge',
    '-p',
    JSON.stringify({ spec: { approval } }),
  ]);
  await run.event(
    `kubectl patch ${failover.metadata.name}: approved ${approval.maxDataLossSeconds} s of data loss`,
  );
}

/** Gives consent to every Failover in the region's cluster that waits for it. */
export async function approvePending(run: ScenarioRun, region: PairRegion): Promise<void> {
  for (const failover of await run.platform.failovers(region))
    if (failover.status?.phase === 'AwaitingApproval') await approve(run, region, failover);
}

/** Automatic Failovers in the region's cluster. */
export async function automaticFailovers(platform: ChaosPlatform, region: PairRegion): Promise<Failover[]> {
  return (await platform.failovers(region)).filter((f) => f.metadata.labels?.[TRIGGER_LABEL] === 'automatic');
}

/** The region to move the writer to: the other one. */
export const awayFromWriter = (platform: ChaosPlatform): PairRegion => otherRegion(writerRegion(platform));

/** Until every region that is up has synced the branch's tip, is healthy and probed, and Aurora's secondaries are connected. */
export async function waitReady(run: ScenarioRun, what: string): Promise<void> {
  let waiting: string[] = [];
  await run.waitFor(
    what,
    180_000,
    async () => {
      waiting = await run.platform.readiness();
      if (!allConnected(run.platform)) waiting.push('an Aurora secondary is not connected');
      return waiting.length === 0 ? true : undefined;
    },
    () => waiting.join('; '),
  );
}

/**
 * While the plan's home region writes: until the standby's cluster has seen it healthy on every
 * signal of the automatic policy, from every vantage reporting there, for the trigger's whole
 * window. The trigger counts rounds, not time: failing rounds of an earlier outage are still in its
 * window for that long, and with the cooldown gone (the Failovers deleted) they would fire it.
 */
async function waitHomeSteady(run: ScenarioRun): Promise<void> {
  const { platform } = run;
  const { plan } = platform.estate;
  const home = homeRegion(platform.estate);
  if (writerRegion(platform) !== home) return;
  const standby = otherRegion(home);
  const reporting = new Set([clusterVantage(standby), EXTERNAL_VANTAGE]);
  const signals = plan.automatic.signals ?? [];
  let unsteady: string[] = [];
  await run.waitFor(
    `${home} healthy for the automatic trigger's window`,
    180_000,
    async () => {
      const healths = (await platform.observer.regionHealths(standby)).filter(
        (h) => h.spec.region === home && reporting.has(h.spec.vantage),
      );
      unsteady = healths.flatMap((health) =>
        signals.flatMap((name) => {
          const interval =
            durationMilliseconds(health.spec.probes.find((p) => p.name === name)?.interval ?? '') ?? 10_000;
          const signal = health.status?.signals?.find((s) => s.name === name);
          const since = Date.parse(signal?.lastTransitionTime ?? '');
          const steady =
            signal?.healthy === true && since <= Date.now() - plan.automatic.window.outOf * interval;
          return steady ? [] : [`${health.spec.vantage} ${name}`];
        }),
      );
      return healths.length > 0 && unsteady.length === 0 ? true : undefined;
    },
    () => `not steady yet: ${unsteady.join(', ')}`,
  );
}

/**
 * Between scenarios: no AWS fault, both regions up, synced, probed and connected, every execution
 * finished, the home region steady, and the Failovers deleted (they hold the automatic trigger's
 * cooldown; deleting a finished one is what an operator archiving it does).
 */
export async function resetPlatform(platform: ChaosPlatform, run: ScenarioRun): Promise<void> {
  platform.controllers.releaseHolds();
  await platform.awsFault('clear');
  for (const region of REGIONS) if (!platform.isUp(region)) await platform.fault('region-up', region);
  await waitReady(run, 'the platform ready again');
  let running: string[] = [];
  await run.waitFor(
    'every execution finished',
    120_000,
    async () => {
      running = [];
      for (const region of REGIONS)
        for (const failover of await platform.failovers(region))
          if (!isTerminal(failover.status?.phase))
            running.push(`${region}: ${failover.metadata.name} ${describeRunning(failover)}`);
      return running.length === 0 ? true : undefined;
    },
    () => running.join('; '),
  );
  await waitHomeSteady(run);
  for (const region of REGIONS)
    await platform.kubectlOk(region, [
      'delete',
      'failovers',
      '--all',
      '-n',
      platform.estate.namespace,
      '--timeout=60s',
    ]);
  run.invariants.forgetFailovers();
}
