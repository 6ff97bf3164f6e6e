/**
 * The embedded platform's network for probes (src/cli/platform/probe-network.ts): a probed name
 * resolves as the simulated Route 53 answers it, to the listener standing for the ALB, the same in
 * the platform's process and over the simulator's admin API (a controller in a child process); and
 * every probe names its vantage, so a partition of that vantage cuts its probes off and no other's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProbe } from '../../../controllers/health/probes.js';
import type { AwsSimulator } from '../../../local/aws/index.js';
import { simulatedDnsNetwork, simulatorDnsOverHttp } from '../../../src/cli/platform/probe-network.js';
import { fastSimulator } from '../../aws/support.js';
import { seedTradingEstate, seedTradingTraffic } from '../../controller/estate.js';

let sim: AwsSimulator;
let failoverName: string;

beforeAll(async () => {
  sim = await fastSimulator();
  await seedTradingEstate(sim);
  ({ failoverName } = await seedTradingTraffic(sim));
});
afterAll(async () => sim?.close());

const probe = {
  name: 'alb',
  type: 'HTTP' as const,
  interval: '10s',
  timeout: '2s',
  failureThreshold: 1,
  http: { url: '', expectedStatus: 200 },
};
const albUrl = (region: string) => {
  const alb = sim.albs.find((a) => a.region === region);
  return `http://${alb?.address}:${alb?.port}/healthz`;
};

describe('the platform network for probes', () => {
  it('resolves a probed name to the ALB listener Route 53 answers, in process and over the admin API alike', async () => {
    const url = `https://${failoverName}/healthz`;
    const inProcess = await simulatedDnsNetwork(sim, 'us-east-2', 'cluster-use2').httpTarget(url);
    const overHttp = await simulatorDnsOverHttp(sim.url, 'us-east-2', 'cluster-use2').httpTarget(url);
    expect(inProcess).toBe(albUrl('us-east-1'));
    expect(overHttp).toBe(inProcess);
    expect(
      await simulatorDnsOverHttp(sim.url, 'us-east-2', 'cluster-use2').httpTarget(
        'https://nowhere.example.org/',
      ),
    ).toBeUndefined();
  });

  it('a partition of one vantage from a region fails that vantage’s probes only', async () => {
    sim.faults.apply('partition', ['cluster-use2', 'us-east-1']);
    try {
      const target = { ...probe, http: { url: `https://${failoverName}/healthz`, expectedStatus: 200 } };
      const from = (vantage: string) =>
        // An HTTP probe makes no AWS call: it gets no AWS ports.
        runProbe(
          target,
          'us-east-1',
          {} as never,
          2_000,
          simulatorDnsOverHttp(sim.url, 'us-east-2', vantage),
        );
      expect((await from('cluster-use2')).healthy).toBe(false);
      expect((await from('external')).healthy).toBe(true);
    } finally {
      sim.faults.apply('heal', ['cluster-use2', 'us-east-1']);
    }
  });
});
