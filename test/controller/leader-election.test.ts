/** Two replicas against one cluster: only the Lease holder acts; a standby takes over when it stops. */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningController, startController } from '../../controllers/controller.js';
import { LeaderElector } from '../../controllers/kube/leader-election.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { waitFor } from '../support/wait.js';
import { mutatingCalls } from './estate.js';
import {
  exampleIn,
  type KubeSide,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
  waitForFailover,
} from './platform.js';

let side: KubeSide;
let sim: AwsSimulator;
const servers: Server[] = [];

beforeAll(async () => {
  side = await startKubeSide();
  sim = await startSeededSimulator();
});
afterAll(async () => {
  for (const server of servers) server.close();
  await sim?.close();
  await side?.close();
});

it('only the Lease holder reconciles; after it stops, the standby takes the Lease and finishes the work', async () => {
  const ns = 'leader';
  await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
  const replica = (identity: string) =>
    startController({
      ...testControllerOptions(side, sim),
      identity,
      leaderElection: { namespace: 'switchyard-system', leaseDurationSeconds: 2, retryPeriodMs: 100 },
    });
  const first: RunningController = await replica('replica-a');
  await waitFor(() => first.isLeader(), 'replica-a to lead');
  const second: RunningController = await replica('replica-b');
  try {
    await side.ok(['apply', '-f', '-'], exampleIn('failover-dry-run.yaml', ns));
    await waitForFailover(
      side,
      ns,
      'trading-failover-drill',
      (f) => f.status?.phase === 'Succeeded',
      'dry run done',
    );
    expect(second.isLeader()).toBe(false);

    await first.stop();
    await waitFor(() => second.isLeader(), 'replica-b to take over', 5_000);
    await side.ok(['apply', '-f', '-'], exampleIn('failover-switchover.yaml', ns));
    await waitForFailover(
      side,
      ns,
      'trading-switchover-2026-11-25',
      (f) => f.status?.phase === 'Succeeded',
      'switchover by b',
    );
    expect(mutatingCalls(sim).filter((e) => e.operation === 'SwitchoverGlobalCluster')).toHaveLength(1);

    const config = new KubeConfig();
    config.loadFromFile(side.kubeconfig);
    const lease = await config
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ namespace: 'switchyard-system', name: 'switchyard-controller' });
    expect(lease.spec).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
  } finally {
    await second.stop();
  }
});

it('stop() during a renewal in flight: never leads afterwards, and the Lease is released for the standby at once', async () => {
  // A proxy in front of the API that holds the first Lease write until told to let it through.
  let releaseWrite: (() => void) | undefined;
  let resolveUrl: (url: string) => void = () => undefined;
  const proxyUrl = new Promise<string>((resolve) => {
    resolveUrl = resolve;
  });
  const writeHeld = new Promise<void>((held) => {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const forward = () => {
          const upstream = request(
            new URL(req.url ?? '/', side.serverUrl),
            { method: req.method, headers: req.headers },
            (reply) => {
              res.writeHead(reply.statusCode ?? 502, reply.headers);
              reply.pipe(res);
            },
          );
          upstream.end(Buffer.concat(chunks));
        };
        const leaseWrite = req.method !== 'GET' && (req.url ?? '').includes('/leases');
        if (leaseWrite && !releaseWrite) {
          releaseWrite = forward;
          held();
        } else forward();
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolveUrl(`http://127.0.0.1:${port}`);
    });
  });
  const config = new KubeConfig();
  config.loadFromFile(side.kubeconfig);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig without a cluster');
  const proxied = new KubeConfig();
  proxied.loadFromClusterAndUser(
    { ...cluster, server: await proxyUrl },
    config.getCurrentUser() ?? { name: 'u' },
  );
  const lease = { namespace: 'switchyard-system', name: 'race' };
  const starts: string[] = [];
  const elector = (identity: string, kubeConfig: KubeConfig) =>
    new LeaderElector(kubeConfig, {
      ...lease,
      identity,
      leaseDurationSeconds: 15,
      retryPeriodMs: 50,
      onStartedLeading: () => starts.push(identity),
      onStoppedLeading: () => undefined,
      log: () => undefined,
    });
  const a = elector('a', proxied);
  a.start();
  await writeHeld; // a's create of the Lease is on the wire
  const stopping = a.stop();
  releaseWrite?.(); // the create lands after stop() began
  await stopping;
  expect(a.isLeader).toBe(false);
  expect(starts).toEqual([]);
  const stored = await config.makeApiClient(CoordinationV1Api).readNamespacedLease(lease);
  expect(stored.spec?.holderIdentity).toBe('');

  // The standby does not wait out the 15 s lease duration.
  const b = elector('b', config);
  b.start();
  try {
    await waitFor(() => b.isLeader, 'b to lead at once', 2_000);
    expect(starts).toEqual(['b']);
  } finally {
    await b.stop();
  }
});
