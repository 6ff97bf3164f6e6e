/**
 * What both modelled-RTO runs share (rto.ts): the simulator with AWS's alarm evaluation, the wait
 * for Route 53 to answer a region, and the TTL clients cache that answer for.
 */
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import { examplePlan } from '../controller/estate.js';
import { storedWriterRegions } from '../controller/traffic-invariant.js';
import { pollUntil } from './controller-env.js';

/** How often the bench asks Route 53 (AWS ms). */
export const DNS_POLL_MS = 1_000;

export interface RtoRun {
  /** Fault → Route 53 answers us-east-2 (AWS ms). */
  dnsMs: number;
  /** Fault → us-east-2's cluster is Aurora's writer (AWS ms). */
  writerMs: number;
  ttlMs: number;
  /** Switchyard only: fault → the automatic Failover exists; its steps from the fault (AWS ms). */
  createdMs?: number;
  steps?: { name: string; startMs: number; endMs: number }[];
  /** Seed only: fault → the Lambda asked for the promotion. */
  requestedMs?: number;
}

export function startSimulator(timeScale: number): Promise<AwsSimulator> {
  return startAwsSimulator({ timeScale, alarmEvaluation: 'per-period' });
}

/**
 * Polls what a resolver in us-east-1 gets for `name` (Route 53's data plane, which answers with
 * us-east-1 down; TestDNSAnswer is a control-plane API call in us-east-1 and is refused then)
 * until it answers `address`.
 */
export async function untilDnsAnswers(
  sim: AwsSimulator,
  name: string,
  address: string,
  onPoll: () => Promise<void> = async () => undefined,
): Promise<number> {
  let last = 'nothing yet';
  return pollUntil(
    async () => {
      await onPoll();
      const answer = sim.route53.resolve(name, 'A', 'us-east-1');
      last = `${answer.responseCode} ${answer.values.join(' ')}`;
      return answer.values.length === 1 && answer.values[0] === address ? sim.clock.now() : undefined;
    },
    `${name} to answer ${address}`,
    sim.clock.toRealMs(20 * 60_000),
    sim.clock.toRealMs(DNS_POLL_MS),
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; last answer: ${last}`);
  });
}

/**
 * Whether Aurora's writer is `region`'s cluster now (the simulator's own state: a client on the
 * global writer endpoint follows it within seconds, RDS-EVENT-0397).
 */
export const writesIn = (sim: AwsSimulator, region: string): boolean =>
  storedWriterRegions(sim, examplePlan.spec.database.globalClusterIdentifier).includes(region);

/**
 * When `region` first wrote, seen by polling: `poll` at every DNS poll (the writer may move before
 * or after the DNS answer), then `at` waits for it if it has not moved yet (simulated ms).
 */
export function watchWriter(sim: AwsSimulator, region: string) {
  let seenAt: number | undefined;
  const poll = async () => {
    if (seenAt === undefined && writesIn(sim, region)) seenAt = sim.clock.now();
  };
  const at = async (): Promise<number> =>
    seenAt ??
    pollUntil(
      async () => (writesIn(sim, region) ? sim.clock.now() : undefined),
      `${region} to write`,
      sim.clock.toRealMs(20 * 60_000),
      sim.clock.toRealMs(DNS_POLL_MS),
    );
  return { poll, at };
}

export const albAddress = (sim: AwsSimulator, region: string) =>
  sim.albs.find((a) => a.region === region)?.address ?? '';

/** The TTL of `name`'s answer, as a resolver in us-east-1 gets it (ms). */
export const ttlMsOf = (sim: AwsSimulator, name: string) =>
  (sim.route53.resolve(name, 'A', 'us-east-1').ttl ?? 0) * 1000;
