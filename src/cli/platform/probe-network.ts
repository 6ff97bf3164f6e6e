/**
 * The embedded platform's DNS for probes: a probe of `https://us-east-1.<domain>/healthz` resolves
 * the host as the simulated Route 53 answers it for a resolver in the prober's region (alias
 * records to the ALB, health checks and all), then connects to the local listener that stands for
 * the ALB at that address. A name nothing provisioned does not resolve, so a probe of an estate
 * that is not there fails as it would on AWS.
 */
import type { ProbeNetwork } from '../../../controllers/health/probes.js';
import type { AwsSimulator } from '../../../local/aws/index.js';

export function simulatedDnsNetwork(sim: AwsSimulator, resolverRegion: string): ProbeNetwork {
  return {
    async httpTarget(url) {
      const target = new URL(url);
      const [address] = sim.route53.resolve(target.hostname, 'A', resolverRegion).values;
      const alb = sim.albs.find((candidate) => candidate.address === address);
      if (!alb) return undefined;
      // TLS ends at the ALB; the listener standing for it speaks plain HTTP.
      return `http://${alb.address}:${alb.port}${target.pathname}${target.search}`;
    },
  };
}
