import { DescribeDBClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsSimulator } from '../../local/aws/index.js';
import { sleep } from '../support/wait.js';
import { clientConfig, fastSimulator, rdsClient, rejectionOf } from './support.js';

let sim: AwsSimulator;
beforeEach(async () => {
  sim = await fastSimulator();
});
afterEach(async () => {
  await sim.close();
});

const signedFor = (region: string, service: string) =>
  `AWS4-HMAC-SHA256 Credential=AK/20261125/${region}/${service}/aws4_request, SignedHeaders=host, Signature=x`;

describe('faults as the SDK sees them', () => {
  it('region-down resets the connection at once and the journal records the refusal', async () => {
    sim.faults.apply('region-down', ['us-east-1']);
    const error = await rejectionOf(rdsClient(sim, 'us-east-1').send(new DescribeDBClustersCommand({})));
    expect((error as NodeJS.ErrnoException).code ?? error.message).toMatch(/ECONNRESET|socket hang up/);
    expect(await rdsClient(sim, 'us-east-2').send(new DescribeDBClustersCommand({}))).toMatchObject({
      DBClusters: [],
    });
    expect(sim.journal.list().map((e) => [e.region, e.operation, e.outcome, e.errorCode])).toEqual([
      ['us-east-1', 'DescribeDBClusters', 'refused', 'region-down'],
      ['us-east-2', 'DescribeDBClusters', 'ok', undefined],
    ]);
  });

  it('region-down blackhole holds the request unanswered; region-up resets it', async () => {
    sim.faults.apply('region-down', ['us-east-1', 'blackhole']);
    const client = rdsClient(sim, 'us-east-1');
    const timedOut = await rejectionOf(
      client.send(new DescribeDBClustersCommand({}), { abortSignal: AbortSignal.timeout(50) }),
    );
    expect(timedOut.name).toMatch(/AbortError|TimeoutError/);
    const held = client.send(new DescribeDBClustersCommand({}));
    await sleep(20);
    sim.faults.apply('region-up', ['us-east-1']);
    const reset = await rejectionOf(held);
    expect((reset as NodeJS.ErrnoException).code ?? reset.message).toMatch(/ECONNRESET|socket hang up/);
  });

  it('throttle answers the service throttling error; off lifts it', async () => {
    sim.faults.apply('throttle', ['rds', '0']);
    const error = await rejectionOf(rdsClient(sim, 'us-east-2').send(new DescribeDBClustersCommand({})));
    expect(error.name).toBe('Throttling');
    expect(error.message).toBe('Rate exceeded');
    sim.faults.apply('throttle', ['rds', 'off']);
    await rdsClient(sim, 'us-east-2').send(new DescribeDBClustersCommand({}));
  });

  it('throttle below one request per simulated second admits one, then one per 1/rate seconds', async () => {
    sim.faults.apply('throttle', ['rds', '0.001']); // one per 1,000 simulated s = 100 real ms here
    // No SDK retry: each call is one request.
    const client = new RDSClient({ ...clientConfig(sim, 'us-east-2'), maxAttempts: 1 });
    const describe = () => client.send(new DescribeDBClustersCommand({}));
    await describe();
    expect((await rejectionOf(describe())).name).toBe('Throttling');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await describe();
    sim.faults.apply('throttle', ['rds', 'off']);
  });

  it('latency delays answers by simulated milliseconds', async () => {
    sim.faults.apply('latency', ['rds', '600000']); // 10 simulated minutes = 60 real ms here
    const started = performance.now();
    await rdsClient(sim, 'us-east-2').send(new DescribeDBClustersCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('partition cuts one vantage off from one region only', async () => {
    sim.faults.apply('partition', ['us-east-2', 'us-east-1']);
    const call = (vantage?: string) =>
      fetch(`${sim.url}/`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: signedFor('us-east-1', 'rds'),
          ...(vantage ? { 'x-switchyard-vantage': vantage } : {}),
        },
        body: 'Action=DescribeDBClusters&Version=2014-10-31',
      });
    await expect(call('us-east-2')).rejects.toThrow();
    expect((await call('eu-west-1')).status).toBe(200);
    expect((await call()).status).toBe(200);
  });

  it('the admin API reports faults and rejects bad requests with 400', async () => {
    const post = (body: string) => fetch(`${sim.url}/_switchyard/faults`, { method: 'POST', body });
    expect((await post('{"fault":"lag","args":["250"]}')).status).toBe(200);
    const state = (await (await fetch(`${sim.url}/_switchyard/faults`)).json()) as { lagMs: number };
    expect(state.lagMs).toBe(250);
    expect((await post('not json')).status).toBe(400);
    const unknown = await post('{"fault":"flood","args":[]}');
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toContain('unknown fault "flood"');
    const clock = (await (await fetch(`${sim.url}/_switchyard/clock`)).json()) as { timeScale: number };
    expect(clock.timeScale).toBe(0.0001);
  });
});
