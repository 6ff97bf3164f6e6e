import { type BenchClient, expectStatus, timed } from './kube-http.js';
import type { BenchTarget, Memory } from './kube-target.js';

/**
 * The Kubernetes bench workload, run unchanged against each target: create N RegionHealth objects,
 * GET by name, LIST whole and in pages, WATCH (initial ADDED replay and fan-out of changes to many
 * watchers), delete. Every request is checked for its status, so no error is ever timed.
 */

export const WORKLOAD = {
  objects: 10_000,
  concurrency: 16,
  // Fewer requests than objects where a sample gives the same rate: the real apiserver serves
  // ~100–300 requests/s on this machine, and `npm run bench` should stay within minutes.
  gets: 2_000,
  /** Deleted at the end (a sample: the target is stopped with the rest). */
  deletes: 1_000,
  fullLists: 5,
  pageLimit: 500,
  pagedWalks: 3,
  watchers: 50,
  watchEvents: 200,
  /** Writers during the fan-out: a few, so delivery latency is not dominated by write queueing. */
  watchWriters: 4,
  warmupObjects: 200,
} as const;

const GROUP_PATH = '/apis/failover.switchyard.dev/v1alpha1';
const collection = (namespace: string) => `${GROUP_PATH}/namespaces/${namespace}/regionhealths`;
const objectName = (index: number) => `rh-${String(index).padStart(5, '0')}`;

/** One RegionHealth as the platform writes them (four probes, ~1 KiB of JSON before managedFields). */
function regionHealth(namespace: string, index: number): unknown {
  const region = index % 2 === 0 ? 'us-east-1' : 'us-east-2';
  return {
    apiVersion: 'failover.switchyard.dev/v1alpha1',
    kind: 'RegionHealth',
    metadata: { name: objectName(index), namespace, labels: { app: 'bench', shard: String(index % 10) } },
    spec: {
      region,
      vantage: index % 3 === 0 ? 'cluster-use1' : 'cluster-use2',
      probes: [
        {
          name: 'alb',
          type: 'HTTP',
          http: { url: `https://api.${region}.trading.example.com/healthz` },
          interval: '10s',
          timeout: '3s',
          failureThreshold: 3,
        },
        { name: 'alb-tcp', type: 'TCP', tcp: { host: `api.${region}.trading.example.com`, port: 443 } },
        {
          name: 'alb-5xx-alarm',
          type: 'CloudWatchAlarm',
          cloudWatchAlarm: { alarmName: `trading-alb-5xx-${index}` },
          interval: '1m',
          timeout: '10s',
        },
        {
          name: 'aurora-writer',
          type: 'AuroraWriter',
          auroraWriter: { clusterArn: `arn:aws:rds:${region}:123456789012:cluster:trading-${index}` },
        },
      ],
    },
  };
}

export interface OpFigures {
  count: number;
  wallMs: number;
  /** Per-request (or per-event) latency. */
  medianMs: number;
  p95Ms: number;
  /** Requests (or delivered events, or listed objects) per second. */
  perSecond: number;
}

export interface TargetFigures {
  ops: Record<string, OpFigures>;
  /** With all N objects stored, at rest; peakRssBytes covers the whole run up to the deletes. */
  memory: Memory;
}

function figures(latencies: number[], wallMs: number, units = latencies.length): OpFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { count: units, wallMs, medianMs: at(0.5), p95Ms: at(0.95), perSecond: (units / wallMs) * 1000 };
}

async function createAll(client: BenchClient, namespace: string, count: number, concurrency: number) {
  return timed(count, concurrency, async (index) => {
    const response = await client.request('POST', collection(namespace), regionHealth(namespace, index));
    expectStatus(response, `create ${objectName(index)}`, 201);
  });
}

async function deleteAll(client: BenchClient, namespace: string, count: number, concurrency: number) {
  return timed(count, concurrency, async (index) => {
    const response = await client.request('DELETE', `${collection(namespace)}/${objectName(index)}`);
    expectStatus(response, `delete ${objectName(index)}`, 200);
  });
}

async function getRandom(client: BenchClient, namespace: string, count: number, concurrency: number) {
  return timed(count, concurrency, async () => {
    const index = Math.floor(Math.random() * WORKLOAD.objects);
    expectStatus(await client.request('GET', `${collection(namespace)}/${objectName(index)}`), 'get', 200);
  });
}

/** Pages through the collection; returns each page's latency and the number of objects seen. */
async function pagedWalk(
  client: BenchClient,
  namespace: string,
): Promise<{ pages: number[]; objects: number }> {
  const pages: number[] = [];
  let objects = 0;
  let token = '';
  do {
    const query = `limit=${WORKLOAD.pageLimit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`;
    const begin = performance.now();
    const response = expectStatus(
      await client.request('GET', `${collection(namespace)}?${query}`),
      'page',
      200,
    );
    const list = JSON.parse(response.text) as { items: unknown[]; metadata: { continue?: string } };
    pages.push(performance.now() - begin);
    objects += list.items.length;
    token = list.metadata.continue ?? '';
  } while (token !== '');
  return { pages, objects };
}

async function listRevision(client: BenchClient, namespace: string): Promise<string> {
  const response = expectStatus(await client.request('GET', `${collection(namespace)}?limit=1`), 'list', 200);
  return (JSON.parse(response.text) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
}

/** One watch without resourceVersion: the time until it has sent ADDED for every stored object. */
async function watchInitial(client: BenchClient, namespace: string): Promise<number> {
  const begin = performance.now();
  let added = 0;
  let done: () => void = () => {};
  const complete = new Promise<void>((resolve) => {
    done = resolve;
  });
  const stream = await client.watch(`${collection(namespace)}?watch=true`, (line) => {
    if (line.startsWith('{"type":"ADDED"') && ++added === WORKLOAD.objects) done();
  });
  await complete;
  stream.close();
  return performance.now() - begin;
}

/**
 * W watchers from the current resourceVersion, then M label patches: each event's latency is from
 * the start of its write to its arrival at the last watcher; throughput counts W×M deliveries.
 */
async function watchFanOut(client: BenchClient, namespace: string): Promise<OpFigures> {
  const { watchers, watchEvents, watchWriters } = WORKLOAD;
  const revision = await listRevision(client, namespace);
  const started = new Map<string, number>();
  const lastArrival = new Map<string, number>();
  const arrivals = new Map<string, number>();
  let delivered = 0;
  let allDelivered: () => void = () => {};
  const complete = new Promise<void>((resolve) => {
    allDelivered = resolve;
  });
  const onLine = (line: string) => {
    const event = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
    if (event.type !== 'MODIFIED') return;
    const name = event.object.metadata.name;
    arrivals.set(name, (arrivals.get(name) ?? 0) + 1);
    lastArrival.set(name, performance.now());
    if (++delivered === watchers * watchEvents) allDelivered();
  };
  const streams = await Promise.all(
    Array.from({ length: watchers }, () =>
      client.watch(`${collection(namespace)}?watch=true&resourceVersion=${revision}`, onLine),
    ),
  );
  const begin = performance.now();
  await timed(watchEvents, watchWriters, async (index) => {
    started.set(objectName(index), performance.now());
    const response = await client.request(
      'PATCH',
      `${collection(namespace)}/${objectName(index)}`,
      { metadata: { labels: { tick: String(index) } } },
      'application/merge-patch+json',
    );
    expectStatus(response, `patch ${objectName(index)}`, 200);
  });
  const timeout = setTimeout(() => allDelivered(), 60_000);
  await complete;
  clearTimeout(timeout);
  const wallMs = performance.now() - begin;
  for (const stream of streams) stream.close();
  if (delivered !== watchers * watchEvents)
    throw new Error(`watch fan-out: ${delivered} of ${watchers * watchEvents} events delivered in 60 s`);
  const latencies = [...started].map(([name, start]) => (lastArrival.get(name) ?? Number.NaN) - start);
  return figures(latencies, wallMs, delivered);
}

async function warmUp(client: BenchClient): Promise<void> {
  const namespace = 'bench-warmup';
  await createAll(client, namespace, WORKLOAD.warmupObjects, WORKLOAD.concurrency);
  await timed(WORKLOAD.warmupObjects * 2, WORKLOAD.concurrency, async (index) => {
    const name = objectName(index % WORKLOAD.warmupObjects);
    expectStatus(await client.request('GET', `${collection(namespace)}/${name}`), 'warm-up get', 200);
  });
  for (let round = 0; round < 5; round++) await pagedWalk(client, namespace);
  await deleteAll(client, namespace, WORKLOAD.warmupObjects, WORKLOAD.concurrency);
}

export async function runWorkload(target: BenchTarget): Promise<TargetFigures> {
  const { client } = target;
  const { objects, concurrency } = WORKLOAD;
  const namespace = 'bench';
  // The kube-apiserver refuses objects in a namespace that does not exist (NamespaceLifecycle).
  for (const name of ['bench-warmup', namespace]) {
    const created = await client.request('POST', '/api/v1/namespaces', { metadata: { name } });
    expectStatus(created, `create namespace ${name}`, 201);
  }
  await warmUp(client);
  const ops: Record<string, OpFigures> = {};

  const created = await createAll(client, namespace, objects, concurrency);
  ops.create = figures(created.latencies, created.wallMs);
  const gets = await getRandom(client, namespace, WORKLOAD.gets, concurrency);
  ops.get = figures(gets.latencies, gets.wallMs);
  // At rest with all N objects stored: the whole-collection lists below add transient garbage
  // (one JSON document of all objects each) that V8 keeps as RSS for a while; peakRssBytes shows it.
  const memory = await target.memory();

  // Whole lists one at a time: each carries all N objects; perSecond counts objects listed.
  const full = await timed(WORKLOAD.fullLists, 1, async () => {
    const response = await client.request('GET', collection(namespace));
    expectStatus(response, 'list', 200);
  });
  ops.list = figures(full.latencies, full.wallMs, WORKLOAD.fullLists * objects);

  const pageLatencies: number[] = [];
  const pagedBegin = performance.now();
  for (let walk = 0; walk < WORKLOAD.pagedWalks; walk++) {
    const { pages, objects: seen } = await pagedWalk(client, namespace);
    if (seen !== objects) throw new Error(`paged list saw ${seen} of ${objects} objects`);
    pageLatencies.push(...pages);
  }
  ops.listPaged = figures(pageLatencies, performance.now() - pagedBegin, WORKLOAD.pagedWalks * objects);

  const initial: number[] = [];
  for (let round = 0; round < 3; round++) initial.push(await watchInitial(client, namespace));
  const initialWall = initial.reduce((sum, ms) => sum + ms, 0);
  ops.watchInitial = figures(initial, initialWall, initial.length * objects);
  ops.watchFanOut = await watchFanOut(client, namespace);

  memory.peakRssBytes = (await target.memory()).peakRssBytes;
  const deleted = await deleteAll(client, namespace, WORKLOAD.deletes, concurrency);
  ops.delete = figures(deleted.latencies, deleted.wallMs);
  return { ops, memory };
}
