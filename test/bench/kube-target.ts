import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/schema/paths.js';
import { readCrds } from '../real/support/crds.js';
import { startKubeApiserver } from '../real/support/kube-apiserver.js';
import { realBin } from '../real/support/paths.js';
import { waitFor } from '../support/wait.js';
import { nextMessage } from './child-message.js';
import { type BenchClient, benchClient, expectStatus } from './kube-http.js';

/** The two servers the Kubernetes bench compares, behind one shape. */

export interface Memory {
  rssBytes: number;
  /** Highest RSS of the process so far. */
  peakRssBytes: number;
  /** V8 heap in use after a full GC (emulator only). */
  heapUsedBytes?: number;
}

export interface BenchTarget {
  name: 'emulator' | 'real';
  client: BenchClient;
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

export function realApiserverBuilt(): boolean {
  return existsSync(realBin.kubeApiserver);
}

export async function startEmulatorTarget(sockets: number): Promise<BenchTarget> {
  const child = fork(join(projectRoot(), 'test/bench/kube-child.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await nextMessage<{ ready: string }>(child, 'ready', 'emulator');
  const client = benchClient(url.ready, sockets);
  return {
    name: 'emulator',
    client,
    async memory() {
      child.send('memory');
      const { memory, maxRssKiB } = await nextMessage<{ memory: NodeJS.MemoryUsage; maxRssKiB: number }>(
        child,
        'memory',
        'emulator',
      );
      return { rssBytes: memory.rss, peakRssBytes: maxRssKiB * 1024, heapUsedBytes: memory.heapUsed };
    },
    async stop() {
      client.close();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}

export async function startRealTarget(sockets: number): Promise<BenchTarget> {
  const server = await startKubeApiserver();
  const client = benchClient(server.url, sockets, server.tls);
  return {
    name: 'real',
    client,
    // The kube-apiserver with its embedded etcd is one process: this is both together.
    memory: async () => ({
      rssBytes: procStatusBytes(server.process.pid, 'VmRSS'),
      peakRssBytes: procStatusBytes(server.process.pid, 'VmHWM'),
    }),
    async stop() {
      client.close();
      await server.stop();
    },
  };
}

/** A kB figure from /proc/<pid>/status (VmRSS now, VmHWM the peak). */
function procStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/**
 * Installs charts/switchyard/crds and waits until each one's objects are served: Established is
 * not enough on the real server, whose REST handler lags the condition by a moment.
 */
export async function installSwitchyardCrds(client: BenchClient): Promise<void> {
  const crds = readCrds(join(projectRoot(), 'charts/switchyard/crds')).map(({ crd }) => crd);
  for (const crd of crds) {
    const created = await client.request(
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      crd,
    );
    expectStatus(created, `create CRD ${crd.metadata.name}`, 201);
  }
  for (const crd of crds) {
    const version = (crd.spec as unknown as { versions: { name: string }[] }).versions[0]?.name;
    const path = `/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}?limit=1`;
    await waitFor(
      async () => (await client.request('GET', path)).status === 200,
      `CRD ${crd.metadata.name} served`,
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
  }
}
