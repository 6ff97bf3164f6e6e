/**
 * The invariants every chaos event is judged by (issue 19), each returning its violations in words:
 * - at most one Aurora writer (the global cluster's members, as the simulator holds them);
 * - no DNS answer (the simulator's Route 53 resolve, for the failover and latency names from
 *   resolvers in three regions) points at a fenced or drained region while a region is open.
 *   Route 53 follows a switch only after its health checkers saw it, so an answer must be right
 *   within DNS_SETTLE_MS (about 300 simulated seconds at time-scale 0.01), not at once;
 * - no object lost: every object Git put in a cluster, and every Failover seen, is still there
 *   (checked in the clusters that are up);
 * - when settled: every execution ended in a terminal phase, and traffic follows the writer
 *   (test/controller/traffic-invariant.ts: one writer, every answer its ALB, the plan's
 *   currentRoles agreeing with AWS).
 */

import { isTerminal } from '../../controllers/failover/phase.js';
import { switchOf } from '../../controllers/failover/plan-view.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { managedCounts } from '../../src/cli/demo/snapshot.js';
import type { PairRegion } from '../../src/estate/common/parameters.js';
import { regionOfAddress, storedWriterRegions, trafficViolations } from '../controller/traffic-invariant.js';
import { type ChaosPlatform, type Estate, REGIONS } from './platform.js';

/** Where the resolvers asking stand: both regions and the external vantage's. */
const RESOLVER_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2'];
export const DNS_SETTLE_MS = 3_000;
const SETTLE_TIMEOUT_MS = 30_000;
const POLL_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface TrafficState {
  writers: string[];
  /** Every DNS answer (addresses), by question. */
  answers: Record<string, string[]>;
  /** Regions whose gate or fence is closed, as Route 53 reads a switch without data too. */
  drained: Set<string>;
}

export function readTraffic(sim: AwsSimulator, estate: Estate): TrafficState {
  const writers = storedWriterRegions(sim, estate.plan.database.globalClusterIdentifier);
  const answers: Record<string, string[]> = {};
  for (const [label, name] of [
    ['failover', estate.domainName],
    ['latency', `latency.${estate.domainName}`],
  ] as const) {
    for (const resolver of RESOLVER_REGIONS)
      answers[`${label} from ${resolver}`] = sim.route53.resolve(name, 'A', resolver).values;
  }
  const drained = new Set<string>();
  for (const region of REGIONS) {
    const gate = switchOf(estate.plan, 'gate', region);
    const fence = switchOf(estate.plan, 'fence', region);
    const gateState = sim.cloudwatch.alarmState(gate.alarmRegion, gate.alarmName);
    const fenceState = sim.cloudwatch.alarmState(fence.alarmRegion, fence.alarmName);
    const gateClosed =
      gateState === 'ALARM' || (gateState !== 'OK' && region !== estate.plan.regions.primary);
    if (gateClosed || fenceState === 'ALARM') drained.add(region);
  }
  return { writers, answers, drained };
}

export function writerViolations(state: TrafficState): string[] {
  return state.writers.length > 1
    ? [`${state.writers.length} Aurora writers: ${state.writers.join(', ')}`]
    : [];
}

/** Answers pointing at a drained region while some region is up and open (else Route 53 has nothing better). */
export function drainedAnswerViolations(sim: AwsSimulator, state: TrafficState): string[] {
  const open = REGIONS.filter((r) => !state.drained.has(r) && !sim.faults.isRegionDown(r));
  if (open.length === 0) return [];
  return Object.entries(state.answers).flatMap(([question, values]) =>
    values
      .map((value) => regionOfAddress(sim, value))
      .filter((region) => state.drained.has(region))
      .map((region) => `${question} answers ${region}, which is drained (open: ${open.join(', ')})`),
  );
}

interface ClusterObjects {
  /** kind/name of what Git put there: the XR, the plan, the RegionHealths. */
  fromGit: Set<string>;
  managedResources: number;
}

async function listNames(apiUrl: string, path: string): Promise<string[]> {
  const response = await fetch(`${apiUrl}${path}`, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
  const list = (await response.json()) as { items: { metadata: { name: string } }[] };
  return list.items.map((item) => item.metadata.name);
}

export class Invariants {
  /** Individual invariant evaluations, for the report. */
  checks = 0;
  private readonly baseline = new Map<PairRegion, ClusterObjects>();
  /** Every Failover seen per region since the last forget(): none may vanish. */
  private readonly seenFailovers = new Map<PairRegion, Set<string>>();

  constructor(private readonly platform: ChaosPlatform) {}

  private apiUrl(region: PairRegion): string | undefined {
    return this.platform.launched.platform.clusters.get(region)?.url;
  }

  private async objectsOf(region: PairRegion, withManaged: boolean): Promise<ClusterObjects | undefined> {
    const url = this.apiUrl(region);
    if (!url) return undefined;
    const ns = this.platform.estate.namespace;
    const fromGit = new Set<string>();
    for (const [kind, path] of [
      ['TradingPlatform', `/apis/platform.switchyard.dev/v1alpha1/namespaces/${ns}/tradingplatforms`],
      ['FailoverPlan', `/apis/failover.switchyard.dev/v1alpha1/namespaces/${ns}/failoverplans`],
      ['RegionHealth', `/apis/failover.switchyard.dev/v1alpha1/namespaces/${ns}/regionhealths`],
    ] as const) {
      for (const name of await listNames(url, path)) fromGit.add(`${kind}/${name}`);
    }
    const managedResources = withManaged ? (await managedCounts(url)).managedResources : 0;
    return { fromGit, managedResources };
  }

  /** What each cluster holds once the platform is ready: what no event may take away. */
  async takeBaseline(): Promise<void> {
    for (const region of REGIONS) {
      const objects = await this.objectsOf(region, true);
      if (objects) this.baseline.set(region, objects);
    }
  }

  /** The harness deleted the Failovers it made (they hold the automatic cooldown): not a loss. */
  forgetFailovers(): void {
    this.seenFailovers.clear();
  }

  private async lostObjects(withManaged: boolean): Promise<string[]> {
    const lost: string[] = [];
    for (const region of REGIONS) {
      if (!this.platform.isUp(region)) continue;
      const now = await this.objectsOf(region, withManaged);
      const before = this.baseline.get(region);
      if (!now || !before) continue;
      for (const key of before.fromGit) if (!now.fromGit.has(key)) lost.push(`${region}: ${key} is gone`);
      if (withManaged && now.managedResources < before.managedResources)
        lost.push(`${region}: ${before.managedResources - now.managedResources} managed resources gone`);
      const seen = this.seenFailovers.get(region) ?? new Set<string>();
      const present = new Set((await this.platform.failovers(region)).map((f) => String(f.metadata.name)));
      for (const name of seen) if (!present.has(name)) lost.push(`${region}: Failover ${name} is gone`);
      this.seenFailovers.set(region, new Set([...seen, ...present]));
    }
    return lost;
  }

  /** The invariants that hold at every moment (DNS within its settle time). */
  async check(): Promise<string[]> {
    const { aws, estate } = this.platform;
    const violations = [...writerViolations(readTraffic(aws, estate))];
    let dns = drainedAnswerViolations(aws, readTraffic(aws, estate));
    const deadline = Date.now() + DNS_SETTLE_MS;
    while (dns.length > 0 && Date.now() < deadline) {
      await sleep(POLL_MS);
      dns = drainedAnswerViolations(aws, readTraffic(aws, estate));
    }
    violations.push(...dns, ...(await this.lostObjects(false)));
    this.checks += 3;
    return violations;
  }

  /**
   * Once the dust has settled: every execution terminal, traffic on the writer (when its region
   * is up). Waits up to SETTLE_TIMEOUT_MS for it to hold.
   */
  async settled(): Promise<string[]> {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let violations: string[] = [];
    do {
      violations = [...(await this.unfinished()), ...(await this.trafficOffWriter())];
      if (violations.length === 0) break;
      await sleep(POLL_MS * 4);
    } while (Date.now() < deadline);
    violations.push(...(await this.check()));
    this.checks += 2;
    return violations;
  }

  /** At a scenario's end: no object lost, Crossplane's managed resources counted too (a slower list). */
  async nothingLost(): Promise<string[]> {
    this.checks += 1;
    return this.lostObjects(true);
  }

  private async unfinished(): Promise<string[]> {
    const open: string[] = [];
    for (const region of REGIONS)
      for (const failover of await this.platform.failovers(region))
        if (!isTerminal(failover.status?.phase))
          open.push(
            `${region}: Failover ${failover.metadata.name} is ${failover.status?.phase ?? 'not started'}`,
          );
    return open;
  }

  private async trafficOffWriter(): Promise<string[]> {
    const { aws, estate } = this.platform;
    const state = readTraffic(aws, estate);
    const writer = state.writers[0] as PairRegion | undefined;
    // With the writer's region gone there is no traffic to follow it until a failover moves it.
    if (!writer || !this.platform.isUp(writer) || aws.faults.isRegionDown(writer)) return [];
    const plan = (await this.platform.observer.failoverPlan(writer, estate.planName)).status;
    return trafficViolations(
      aws,
      { writers: state.writers, answers: state.answers },
      plan?.currentRoles?.primary ?? estate.plan.regions.primary,
    );
  }
}
