/**
 * The traffic invariant of issue 13 / ADR 0010, checked against the simulator (the writer over the
 * wire, DNS from its simulated name servers): at most one Aurora writer; every DNS answer (the failover name, and the latency name from a resolver
 * in each region) is the writer's ALB and never the other region's; the plan's currentRoles agree
 * with AWS. Returns the violations in words, so a failing sequence says what broke.
 */
import { DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { SeededTraffic } from '../../src/cli/seed-traffic.js';
import { rdsClient } from '../aws/support.js';
import { GLOBAL_ID } from './estate.js';

/** The regions whose resolvers ask for the latency name. */
const RESOLVER_REGIONS = ['us-east-1', 'us-east-2'] as const;

export interface TrafficView {
  /** Regions whose cluster is the writer (as any reachable region reports it). */
  writers: string[];
  /** Every DNS answer, by the question asked. */
  answers: Record<string, string[]>;
}

/**
 * The regions whose cluster is the writer of `globalClusterIdentifier` in the simulator's own state
 * (no API call, so it answers with any region down); the region is read from each member's ARN.
 */
export function storedWriterRegions(sim: AwsSimulator, globalClusterIdentifier: string): string[] {
  const global = sim.rds.store.globalClusters.get(globalClusterIdentifier);
  return (global?.members ?? []).filter((m) => m.isWriter).map((m) => m.clusterArn.split(':')[3] ?? '');
}

async function writersOf(sim: AwsSimulator): Promise<string[]> {
  for (const region of ['us-east-1', 'us-east-2']) {
    if (sim.faults.isRegionDown(region)) continue;
    const out = await rdsClient(sim, region).send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL_ID }),
    );
    const members = out.GlobalClusters?.[0]?.GlobalClusterMembers ?? [];
    return members.filter((m) => m.IsWriter).map((m) => (m.DBClusterArn ?? '').split(':')[3] ?? '');
  }
  return [];
}

/**
 * DNS answers as clients get them: Route 53's name servers (the data plane, which keeps answering
 * with us-east-1 down), not its API's TestDNSAnswer.
 */
export function dnsAnswers(sim: AwsSimulator, traffic: SeededTraffic): Record<string, string[]> {
  const questions: Array<[string, string, string]> = [
    ['failover', traffic.failoverName, 'us-east-1'],
    ...RESOLVER_REGIONS.map((region): [string, string, string] => [
      `latency from ${region}`,
      traffic.latencyName,
      region,
    ]),
  ];
  return Object.fromEntries(
    questions.map(([label, name, resolver]) => [label, sim.route53.resolve(name, 'A', resolver).values]),
  );
}

export async function observeTraffic(sim: AwsSimulator, traffic: SeededTraffic): Promise<TrafficView> {
  return { writers: await writersOf(sim), answers: dnsAnswers(sim, traffic) };
}

const albOf = (sim: AwsSimulator, region: string) => sim.albs.find((a) => a.region === region)?.address;
export const regionOfAddress = (sim: AwsSimulator, address: string) =>
  sim.albs.find((a) => a.address === address)?.region ?? address;

/** Violations of "exactly one region receives traffic: the writer's", in words; empty when it holds. */
export function trafficViolations(
  sim: AwsSimulator,
  view: TrafficView,
  currentPrimary: string | undefined,
): string[] {
  const problems: string[] = [];
  if (view.writers.length !== 1) problems.push(`writers: [${view.writers.join(', ')}], want exactly one`);
  const writer = view.writers[0];
  if (writer && currentPrimary !== undefined && currentPrimary !== writer) {
    problems.push(`the plan's currentRoles.primary is ${currentPrimary}, AWS says ${writer}`);
  }
  const expected = writer ? albOf(sim, writer) : undefined;
  for (const [question, values] of Object.entries(view.answers)) {
    const regions = values.map((v) => regionOfAddress(sim, v));
    if (values.length !== 1 || values[0] !== expected) {
      problems.push(`${question} answers [${regions.join(', ')}], want [${writer ?? 'the writer'}]`);
    }
  }
  return problems;
}
