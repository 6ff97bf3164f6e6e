/**
 * The embedded platform's DNS for probes: a probe of `https://us-east-1.<domain>/healthz` resolves
 * the host as the simulated Route 53 answers it for a resolver in the prober's region (alias
 * records to the ALB, health checks and all), then connects to the local listener that stands for
 * the ALB at that address. A name nothing provisioned does not resolve, so a probe of an estate
 * that is not there fails as it would on AWS. Every probe names its vantage
 * (x-switchyard-vantage), so `switchyard chaos partition <vantage> <region>` cuts it off.
 *
 * In the platform's own process the simulator is asked directly; a controller in another process
 * (the chaos suite's, which it can SIGKILL) asks the simulator's admin API over HTTP.
 */
import type { ProbeNetwork } from '../../../controllers/health/probes.js';
import { ADMIN_PREFIX } from '../../../local/aws/core/admin.js';
import { VANTAGE_HEADER } from '../../../local/aws/core/request.js';
import type { AwsSimulator } from '../../../local/aws/index.js';

interface Listener {
  address: string;
  port: number;
}

/** TLS ends at the ALB; the listener standing for it speaks plain HTTP. */
function listenerUrl(listener: Listener, url: URL): string {
  return `http://${listener.address}:${listener.port}${url.pathname}${url.search}`;
}

export function simulatedDnsNetwork(
  sim: AwsSimulator,
  resolverRegion: string,
  vantage: string,
): ProbeNetwork {
  return {
    headers: { [VANTAGE_HEADER]: vantage },
    async httpTarget(url) {
      const target = new URL(url);
      const [address] = sim.route53.resolve(target.hostname, 'A', resolverRegion).values;
      const alb = sim.albs.find((candidate) => candidate.address === address);
      return alb ? listenerUrl(alb, target) : undefined;
    },
  };
}

/** The same network for a process without the simulator in it: its admin API's resolve and ALB views. */
export function simulatorDnsOverHttp(
  simulatorUrl: string,
  resolverRegion: string,
  vantage: string,
): ProbeNetwork {
  const view = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${simulatorUrl}${ADMIN_PREFIX}/${path}`, {
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) throw new Error(`AWS simulator ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    headers: { [VANTAGE_HEADER]: vantage },
    async httpTarget(url) {
      const target = new URL(url);
      const query = new URLSearchParams({ name: target.hostname, type: 'A', resolver: resolverRegion });
      const { values } = await view<{ values: string[] }>(`route53/dns-answer?${query}`);
      // Listeners keep their address for the simulator's life, but a region's ALB may be provisioned later.
      const albs = await view<Listener[]>('albs');
      const alb = albs.find((candidate) => candidate.address === values[0]);
      return alb ? listenerUrl(alb, target) : undefined;
    },
  };
}
