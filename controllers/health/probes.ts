/**
 * One probe of a RegionHealth, run once: HTTP(S) status, TCP connect, CloudWatch alarm state (read
 * in the probed region) or Aurora writer reachability (the cluster's regional RDS endpoint answers
 * and reports the cluster available with a writer instance, or, for a global-database secondary,
 * with an instance a promotion can make the writer). Every probe ends within its timeout.
 */
import { connect } from 'node:net';
import type { RegionHealthSpec } from '../../src/apis/index.js';
import type { AwsPorts } from '../aws/ports.js';
import { describeError } from '../kube/api-errors.js';

export type Probe = RegionHealthSpec['probes'][number];

export interface ProbeResult {
  healthy: boolean;
  message: string;
}

/**
 * Where an HTTP probe's request goes. On AWS it is the URL itself: DNS and the network take it to
 * the ALB. The embedded platform has no DNS for the estate's names, so it passes a network that
 * resolves the host the way its simulated Route 53 answers and connects to the local listener
 * standing for that ALB (TLS ends at the ALB, so that hop is plain HTTP).
 */
export interface ProbeNetwork {
  /** The URL to request for `url`, or undefined when the host does not resolve. */
  httpTarget(url: string): Promise<string | undefined>;
  /**
   * Headers every HTTP probe sends. The embedded platform names the prober's vantage
   * (x-switchyard-vantage), which the simulator's partitions key on.
   */
  headers?: Record<string, string>;
}

export const DIRECT_NETWORK: ProbeNetwork = { httpTarget: async (url) => url };

export async function runProbe(
  probe: Probe,
  region: string,
  aws: AwsPorts,
  timeoutMs: number,
  network: ProbeNetwork = DIRECT_NETWORK,
): Promise<ProbeResult> {
  try {
    switch (probe.type) {
      case 'HTTP':
        return await httpProbe(probe.http?.url ?? '', probe.http?.expectedStatus ?? 200, timeoutMs, network);
      case 'TCP':
        return await tcpProbe(probe.tcp?.host ?? '', probe.tcp?.port ?? 0, timeoutMs);
      case 'CloudWatchAlarm': {
        const name = probe.cloudWatchAlarm?.alarmName ?? '';
        const state = await withTimeout(aws.region(region).cloudWatch.alarmState(name), timeoutMs);
        if (state === undefined) return { healthy: false, message: `alarm ${name} not found in ${region}` };
        return { healthy: state !== 'ALARM', message: `alarm ${name} is ${state}` };
      }
      case 'AuroraWriter': {
        const arn = probe.auroraWriter?.clusterArn ?? '';
        const clusterRegion = arn.split(':')[3] ?? region;
        const cluster = await withTimeout(aws.region(clusterRegion).rds.describeCluster(arn), timeoutMs);
        if (!cluster) return { healthy: false, message: `cluster ${arn} not found in ${clusterRegion}` };
        // A global-database secondary has reader instances only, by design: it is healthy when it
        // is available with an instance that a promotion can make the writer.
        const healthy =
          cluster.status === 'available' && (cluster.hasWriterInstance || cluster.instanceCount > 0);
        const instances = cluster.hasWriterInstance
          ? ' with a writer'
          : cluster.instanceCount > 0
            ? ` with ${cluster.instanceCount} reader instance(s), no writer (a secondary)`
            : ', no instance';
        return { healthy, message: `cluster ${cluster.id} is ${cluster.status}${instances}` };
      }
    }
  } catch (error) {
    return { healthy: false, message: describeError(error) };
  }
}

async function httpProbe(
  url: string,
  expected: number,
  timeoutMs: number,
  network: ProbeNetwork,
): Promise<ProbeResult> {
  const target = await withTimeout(network.httpTarget(url), timeoutMs);
  if (target === undefined) return { healthy: false, message: `${new URL(url).host} does not resolve` };
  const response = await fetch(target, {
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'manual',
    ...(network.headers ? { headers: network.headers } : {}),
  });
  await response.body?.cancel();
  const via = target === url ? '' : ` (via ${new URL(target).host})`;
  return { healthy: response.status === expected, message: `HTTP ${response.status} from ${url}${via}` };
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (result: ProbeResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done({ healthy: false, message: `TCP ${host}:${port} timed out` }));
    socket.once('connect', () => done({ healthy: true, message: `TCP ${host}:${port} connected` }));
    socket.once('error', (error) =>
      done({ healthy: false, message: `TCP ${host}:${port}: ${error.message}` }),
    );
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
