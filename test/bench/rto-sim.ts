/**
 * What both modelled-RTO runs share (rto.ts): the simulator with AWS's alarm evaluation, the wait
 * for Route 53 to answer a region, and the TTL clients cache that answer for.
 */
import { TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import { route53Client } from '../aws/support.js';
import { pollUntil } from './controller-env.js';

/** How often the bench asks Route 53 (AWS ms). */
export const DNS_POLL_MS = 1_000;

export interface RtoRun {
  /** Fault → Route 53 answers us-east-2 (AWS ms). */
  dnsMs: number;
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

/** Polls TestDNSAnswer (over the SDK, as a client's resolver would ask) until it answers `address`. */
export async function untilDnsAnswers(
  sim: AwsSimulator,
  zoneId: string,
  name: string,
  address: string,
  onPoll: () => Promise<void> = async () => undefined,
): Promise<number> {
  const route53 = route53Client(sim);
  return pollUntil(
    async () => {
      await onPoll();
      const out = await route53.send(
        new TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: name, RecordType: 'A' }),
      );
      return out.RecordData?.length === 1 && out.RecordData[0] === address ? sim.clock.now() : undefined;
    },
    `${name} to answer ${address}`,
    sim.clock.toRealMs(20 * 60_000),
    sim.clock.toRealMs(DNS_POLL_MS),
  );
}

export const albAddress = (sim: AwsSimulator, region: string) =>
  sim.albs.find((a) => a.region === region)?.address ?? '';

/** The TTL of `name`'s answer, as a resolver in us-east-1 gets it (ms). */
export const ttlMsOf = (sim: AwsSimulator, name: string) =>
  (sim.route53.resolve(name, 'A', 'us-east-1').ttl ?? 0) * 1000;
