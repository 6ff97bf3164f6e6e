/**
 * The demo a newcomer watches (issue 17): a healthy platform, us-east-1 lost whole, the automatic
 * Failover the survivor's controller creates, its timeline, DNS answering us-east-2, the region
 * back as a secondary, and a planned Switchover home applied with kubectl. Every stage waits for
 * what it claims and fails with what it saw instead, so the demo is also a test.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { TRIGGER_LABEL } from '../../../controllers/failover/reconciler.js';
import { GROUP, VERSION } from '../../apis/common.js';
import type { Failover } from '../../apis/index.js';
import type { PairRegion } from '../../estate/common/parameters.js';
import type { CommandIo } from '../io.js';
import { formatTimelineTable, timelineRows } from '../pictures/timeline.js';
import { type TimelineMarker, timelineSvg } from '../pictures/timeline-svg.js';
import type { PlatformObserver } from './observe.js';

export interface DemoOptions {
  observer: PlatformObserver;
  /** Applies a fault on the platform (its control endpoint). */
  fault(name: 'region-down' | 'region-up', region: PairRegion): Promise<void>;
  platform: { globalClusterIdentifier: string; domainName: string; planName: string };
  /** Where the pictures of the run go. */
  outDir: string;
  /** A picture of the whole system as it is now (system-svg.ts), titled. */
  systemPicture(title: string): Promise<string>;
  stageTimeoutMs: number;
  io: CommandIo;
}

export interface DemoResult {
  detectionSeconds: number;
  recoverySeconds: number;
  dnsMovedSeconds: number;
  automatic: Failover;
  switchback: Failover;
}

export class DemoStageError extends Error {}

const PRIMARY: PairRegion = 'us-east-1';
const STANDBY: PairRegion = 'us-east-2';

/** Polls `check` until it returns a value; on timeout the error names the stage and the last sight. */
async function until<T>(
  stage: string,
  timeoutMs: number,
  check: () => Promise<{ value?: T; seen: string }>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = 'nothing yet';
  for (;;) {
    try {
      const result = await check();
      if (result.value !== undefined) return result.value;
      seen = result.seen;
    } catch (error) {
      if (error instanceof DemoStageError) throw error;
      seen = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline)
      throw new DemoStageError(`${stage}: not within ${timeoutMs / 1000} s; last seen: ${seen}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const phaseOf = (failover: Failover | undefined) => failover?.status?.phase ?? 'no phase';

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { observer, io, platform, stageTimeoutMs } = options;
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const begun = Date.now();
  const mark = (stage: string) => say(`✓ ${stage}  [${seconds(Date.now() - begun)}]`);

  // 1. Healthy: us-east-1 writes and serves, every vantage sees both regions healthy.
  await until('healthy platform', stageTimeoutMs, async () => {
    const writer = await observer.writerRegion(platform.globalClusterIdentifier, STANDBY);
    const dns = await observer.dnsRegion(platform.domainName);
    // The other cluster's vantage reports into its own cluster only (ADR 0007): its objects here stay unprobed.
    const healths = (await observer.regionHealths(STANDBY)).filter((h) => h.status?.signals?.length);
    const unhealthy = healths.filter((h) => h.status?.healthy !== true).map((h) => h.metadata.name);
    const seen = `writer ${writer}, DNS ${platform.domainName} → ${dns}, unhealthy RegionHealth: ${unhealthy.join(', ') || 'none'}`;
    const ok = writer === PRIMARY && dns === PRIMARY && healths.length > 0 && unhealthy.length === 0;
    return ok ? { value: true, seen } : { seen };
  });
  mark(
    `healthy: Aurora writer ${PRIMARY}, ${platform.domainName} answers ${PRIMARY}, every probed RegionHealth in ${STANDBY}'s cluster healthy`,
  );

  writeFile(
    options,
    'system-healthy.svg',
    await options.systemPicture('Healthy: us-east-1 writes and serves'),
  );

  // 2. us-east-1 is lost: its AWS, its cluster and its controller together.
  const earlier = await observer.failovers(STANDBY);
  refuseWithinCooldown(earlier, await observer.automaticCooldownMs(STANDBY, platform.planName));
  const known = new Set(earlier.map((f) => f.metadata.name));
  await options.fault('region-down', PRIMARY);
  const downAt = Date.now();
  mark(`region-down ${PRIMARY}: its AWS, Kubernetes API and controller are gone`);

  // 3. The survivor's controller sees it from two vantages and creates the Failover itself.
  const created = await until('automatic Failover created in us-east-2', stageTimeoutMs, async () => {
    const automatic = (await observer.failovers(STANDBY)).find(
      (f) => !known.has(f.metadata.name) && f.metadata.labels?.[TRIGGER_LABEL] === 'automatic',
    );
    return automatic
      ? { value: automatic, seen: String(automatic.metadata.name) }
      : { seen: 'no automatic Failover' };
  });
  const detectedAt = Date.now();
  mark(
    `automatic Failover ${created.metadata.name} created in ${STANDBY}'s cluster (detection ${seconds(detectedAt - downAt)})`,
  );

  // 4. It runs to Succeeded; above the plan's RPO budget it first waits for a person's consent.
  const execution = (orPhase: string) => async () => {
    const failover = (await observer.failovers(STANDBY)).find(
      (f) => f.metadata.name === created.metadata.name,
    );
    const phase = phaseOf(failover);
    if (phase === 'Failed' || phase === 'Cancelled')
      throw new DemoStageError(
        `Failover ${created.metadata.name} ended ${phase}: ${JSON.stringify(failover?.status?.conditions)}`,
      );
    return phase === 'Succeeded' || phase === orPhase ? { value: failover, seen: phase } : { seen: phase };
  };
  let automatic = await until(
    `Failover ${created.metadata.name} Succeeded or awaiting approval`,
    stageTimeoutMs,
    execution('AwaitingApproval'),
  );
  if (automatic && phaseOf(automatic) === 'AwaitingApproval') {
    const lagMs = automatic.status?.observedLag?.replicationLagMilliseconds;
    const approved = await approveDataLoss(options, automatic, lagMs);
    mark(
      `Failover ${created.metadata.name} waited for consent: replication lag ${lagMs === undefined ? 'unknown' : seconds(lagMs)} exceeds the plan's RPO budget, so writes us-east-1 never replicated would be lost (${approved})`,
    );
    automatic = await until(
      `Failover ${created.metadata.name} Succeeded`,
      stageTimeoutMs,
      execution('Succeeded'),
    );
  }
  const recoveredAt = Date.now();
  mark(
    `Failover ${automatic?.metadata.name} Succeeded (recovery ${seconds(recoveredAt - downAt)} after the region died)`,
  );
  if (!automatic) throw new DemoStageError('the automatic Failover vanished');
  say('');
  say(formatTimelineTable(timelineRows(automatic), { color: process.stdout.isTTY === true }));
  say('');

  // 5. Traffic follows the writer: DNS answers us-east-2, Aurora writes there.
  await until(`${platform.domainName} answers ${STANDBY}`, stageTimeoutMs, async () => {
    const dns = await observer.dnsRegion(platform.domainName);
    const writer = await observer.writerRegion(platform.globalClusterIdentifier, STANDBY);
    const seen = `DNS → ${dns}, writer ${writer}`;
    return dns === STANDBY && writer === STANDBY ? { value: true, seen } : { seen };
  });
  const dnsAt = Date.now();
  mark(
    `${platform.domainName} answers ${STANDBY}; Aurora writer ${STANDBY} (DNS moved ${seconds(dnsAt - downAt)} after the region died)`,
  );
  writeFile(
    options,
    'system-failed-over.svg',
    await options.systemPicture('us-east-1 lost: us-east-2 took over by itself'),
  );
  writePicture(options, automatic, [
    { at: new Date(downAt), label: `region-down ${PRIMARY}`, kind: 'fault' },
    { at: new Date(detectedAt), label: 'automatic Failover created', kind: 'detection' },
    { at: new Date(dnsAt), label: `DNS answers ${STANDBY}`, kind: 'traffic' },
  ]);

  // 6. The region comes back as a secondary: no automatic failback.
  await options.fault('region-up', PRIMARY);
  await until(`${PRIMARY} back as a secondary`, stageTimeoutMs, async () => {
    const writer = await observer.writerRegion(platform.globalClusterIdentifier, PRIMARY);
    const healths = await observer.regionHealths(PRIMARY);
    const probed = healths.some((h) => h.spec.region === PRIMARY && h.status?.healthy === true);
    const seen = `writer ${writer}, ${PRIMARY} probed healthy: ${probed}`;
    return writer === STANDBY && probed ? { value: true, seen } : { seen };
  });
  mark(`region-up ${PRIMARY}: back as a secondary, the writer stays in ${STANDBY}`);

  // 7. Home again, planned: a Switchover applied with kubectl in us-east-1's cluster.
  const name = `demo-switch-home-${Date.now().toString(36)}`;
  const applied = await applyFailover(options, PRIMARY, {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Failover',
    metadata: { name, namespace: observer.namespace },
    spec: {
      planRef: { name: platform.planName },
      type: 'Switchover',
      targetRegion: PRIMARY,
      reason: 'npm run demo: planned return to the home region',
    },
  } as Failover);
  mark(`applied Switchover ${name} to ${PRIMARY} (${applied})`);
  const switchback = await until(`Switchover ${name} Succeeded`, stageTimeoutMs, async () => {
    const failover = (await observer.failovers(PRIMARY)).find((f) => f.metadata.name === name);
    if (phaseOf(failover) === 'Failed' || phaseOf(failover) === 'Cancelled')
      throw new DemoStageError(
        `Switchover ${name} ended ${phaseOf(failover)}: ${JSON.stringify(failover?.status?.conditions)}`,
      );
    return phaseOf(failover) === 'Succeeded'
      ? { value: failover, seen: 'Succeeded' }
      : { seen: phaseOf(failover) };
  });
  await until(`${platform.domainName} answers ${PRIMARY} again`, stageTimeoutMs, async () => {
    const dns = await observer.dnsRegion(platform.domainName);
    const writer = await observer.writerRegion(platform.globalClusterIdentifier, PRIMARY);
    const seen = `DNS → ${dns}, writer ${writer}`;
    return dns === PRIMARY && writer === PRIMARY ? { value: true, seen } : { seen };
  });
  mark(`Switchover ${name} Succeeded: writer and DNS back in ${PRIMARY}`);
  if (!switchback) throw new DemoStageError('the Switchover vanished');

  const result = {
    detectionSeconds: (detectedAt - downAt) / 1000,
    recoverySeconds: (recoveredAt - downAt) / 1000,
    dnsMovedSeconds: (dnsAt - downAt) / 1000,
    automatic,
    switchback,
  };
  say('');
  say(
    `detection ${seconds(detectedAt - downAt)} · recovery ${seconds(recoveredAt - downAt)} · DNS moved ${seconds(dnsAt - downAt)} (from region-down, wall clock)`,
  );
  say(`pictures: ${options.outDir}`);
  return result;
}

/**
 * The automatic trigger waits the plan's cooldown after the last execution before it fails over
 * again (no flapping): a demo replayed on the same platform within it would wait for nothing.
 */
function refuseWithinCooldown(failovers: Failover[], cooldownMs: number): void {
  const latest = Math.max(
    0,
    ...failovers.map((f) => Date.parse(String(f.metadata.creationTimestamp ?? '')) || 0),
  );
  const until = latest + cooldownMs;
  if (until > Date.now())
    throw new DemoStageError(
      `the plan's automatic policy does not fail over again within its cooldown (${seconds(cooldownMs)}) after the last execution, so nothing would happen before ${new Date(until).toISOString()}: run the demo on a fresh platform (npm run demo -- --state-dir <new dir>)`,
    );
}

function writeFile(options: DemoOptions, name: string, text: string): void {
  mkdirSync(options.outDir, { recursive: true });
  writeFileSync(join(options.outDir, name), text);
}

function writePicture(options: DemoOptions, failover: Failover, markers: TimelineMarker[]): void {
  writeFile(options, 'failover-timeline.svg', timelineSvg(failover, { markers }));
  writeFile(options, 'failover.yaml', stringify(failover));
}

/**
 * The operator's consent to the data loss, as `kubectl patch` (client-node without kubectl). The
 * simulator's clock runs ahead of the wall clock (--time-scale), so its lag keeps growing quickly
 * until the promotion: the approval accepts an hour more than observed.
 */
async function approveDataLoss(
  options: DemoOptions,
  failover: Failover,
  lagMs: number | undefined,
): Promise<string> {
  const maxDataLossSeconds = Math.ceil((lagMs ?? 0) / 1000) + 3_600;
  const approval = {
    approvedBy: 'npm-run-demo',
    approvedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    maxDataLossSeconds,
  };
  const patch = JSON.stringify({ spec: { approval } });
  const name = String(failover.metadata.name);
  if (!hasKubectl()) {
    await options.observer.patchFailover(STANDBY, name, { spec: { approval } });
    return `approved with client-node: maxDataLossSeconds ${maxDataLossSeconds}`;
  }
  await kubectl(options, [
    '--context',
    STANDBY,
    'patch',
    'failover',
    name,
    '-n',
    options.observer.namespace,
    '--type',
    'merge',
    '-p',
    patch,
  ]);
  return `kubectl --context ${STANDBY} patch failover ${name} --type merge -p '${patch}'`;
}

/** `kubectl apply` when kubectl is installed (what a user types), else client-node creates it. */
async function applyFailover(options: DemoOptions, context: PairRegion, failover: Failover): Promise<string> {
  if (!hasKubectl()) {
    await options.observer.createFailover(context, failover);
    return `kubectl not found: created with client-node in context ${context}`;
  }
  const out = await kubectl(options, ['--context', context, 'apply', '-f', '-'], stringify(failover));
  return `kubectl --context ${context} apply: ${out.trim()}`;
}

/** `kubectl version --client` talks to no server, so running it synchronously blocks nothing. */
const hasKubectl = () => spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

/**
 * Runs kubectl without blocking: when the demo started the platform itself, its API servers answer
 * from this very process, so a synchronous child would wait for a server it keeps from answering.
 */
function kubectl(options: DemoOptions, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', options.observer.endpoints.kubeconfig, ...args],
      { encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error) reject(new DemoStageError(`kubectl ${args.join(' ')}: ${stderr.trim() || error.message}`));
        else resolve(stdout);
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
