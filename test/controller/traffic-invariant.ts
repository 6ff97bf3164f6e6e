/**
 * The traffic invariant of issue 13 / ADR 0010, checked against the simulator over the wire: at
 * most one Aurora writer; every DNS answer (the failover name, and the latency name from a resolver
 * in each region) is the writer's ALB and never the other region's; the plan's currentRoles agree
 * with AWS. Returns the violations in words, so a failing sequence says what broke.
 */
import { DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { SeededTraffic } from '../../src/cli/seed-traffic.js';
import { rdsClient, route53Client } from '../aws/support.js';
import { GLOBAL_ID } from './estate.js';

/** Resolvers in each region (the simulator reads a resolver's region from 10.<n>.x.x). */
export const RESOLVERS = { 'us-east-1': '10.1.0.53', 'us-east-2': '10.2.0.53' } as const;

export interface TrafficView {
  /** Regions whose cluster is the writer (as any reachable region reports it). */
  writers: string[];
  /** Every DNS answer, by the question asked. */
  answers: Record<string, string[]>;
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

/** DNS answers as clients get them (TestDNSAnswer stands for the data plane; it works with us-east-1 down). */
export async function dnsAnswers(
  sim: AwsSimulator,
  traffic: SeededTraffic,
): Promise<Record<string, string[]>> {
  const questions: Array<[string, string, string | undefined]> = [
    ['failover', traffic.failoverName, undefined],
    ...Object.entries(RESOLVERS).map(([region, ip]): [string, string, string] => [
      `latency from ${region}`,
      traffic.latencyName,
      ip,
    ]),
  ];
  const answers: Record<string, string[]> = {};
  for (const [label, name, resolver] of questions) {
    const out = await route53Client(sim).send(
      new TestDNSAnswerCommand({
        HostedZoneId: traffic.zoneId,
        RecordName: name,
        RecordType: 'A',
        ...(resolver ? { ResolverIP: resolver } : {}),
      }),
    );
    answers[label] = out.RecordData ?? [];
  }
  return answers;
}

export async function observeTraffic(sim: AwsSimulator, traffic: SeededTraffic): Promise<TrafficView> {
  return { writers: await writersOf(sim), answers: await dnsAnswers(sim, traffic) };
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
