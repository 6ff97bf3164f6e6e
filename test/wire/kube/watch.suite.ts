import {
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { describe, expect, it, vi } from 'vitest';
import { sleep } from '../../support/wait.js';
import { widget, widgetsIn } from './fixtures.js';
import { authentication, type KubeTarget } from './target.js';

interface Event {
  type: string;
  object: { metadata: { name: string; resourceVersion: string }; code?: number; reason?: string };
}

/** Reads NDJSON watch events from `path` of the target until `count` events arrived or the stream ends. */
async function readEvents(
  target: KubeTarget,
  path: string,
  count: number,
  timeoutMs = 10_000,
): Promise<{ events: Event[]; headersAfterMs: number; ended: boolean }> {
  const started = Date.now();
  const url = `${target.url}${path}`;
  const { request } = url.startsWith('https') ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const events: Event[] = [];
    let buffered = '';
    let headersAfterMs = -1;
    const req = request(
      url,
      {
        ...authentication(target.tls),
        headers: target.tls ? {} : { Authorization: 'Bearer wire' },
      },
      (res) => {
        headersAfterMs = Date.now() - started;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let newline = buffered.indexOf('\n');
          while (newline >= 0) {
            events.push(JSON.parse(buffered.slice(0, newline)) as Event);
            buffered = buffered.slice(newline + 1);
            newline = buffered.indexOf('\n');
          }
          if (events.length >= count) {
            req.destroy();
            resolve({ events, headersAfterMs, ended: false });
          }
        });
        res.on('end', () => resolve({ events, headersAfterMs, ended: true }));
      },
    );
    req.on('error', (error) => (events.length >= count ? undefined : reject(error)));
    setTimeout(() => {
      req.destroy();
      resolve({ events, headersAfterMs, ended: false });
    }, timeoutMs);
    req.end();
  });
}

function kubeConfigFor(target: KubeTarget): KubeConfig {
  const config = new KubeConfig();
  config.loadFromFile(target.kubeconfig);
  return config;
}

export function defineWatchSuite(target: () => KubeTarget): void {
  const ns = 'wire-watch';
  const t = () => target();

  describe('watch', () => {
    it('flushes headers at once, then streams NDJSON events replayed from a resourceVersion', async () => {
      const created = await t().request('POST', widgetsIn(ns), widget('w1'));
      const rv = (created.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      const stream = readEvents(t(), `${widgetsIn(ns)}?watch=true&resourceVersion=${rv}&timeoutSeconds=5`, 2);
      await sleep(300);
      await t().request(
        'PATCH',
        `${widgetsIn(ns)}/w1`,
        { spec: { size: 2 } },
        { contentType: 'application/merge-patch+json' },
      );
      await t().request('DELETE', `${widgetsIn(ns)}/w1`);
      const { events, headersAfterMs } = await stream;
      expect(headersAfterMs).toBeGreaterThanOrEqual(0);
      expect(headersAfterMs).toBeLessThan(2_000);
      expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([
        ['MODIFIED', 'w1'],
        ['DELETED', 'w1'],
      ]);
      // Replay: a watch from the creation's resourceVersion sees the same two events afterwards.
      const replay = await readEvents(
        t(),
        `${widgetsIn(ns)}?watch=true&resourceVersion=${rv}&timeoutSeconds=2`,
        2,
      );
      expect(replay.events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    });

    it('starts with ADDED for existing objects without a resourceVersion, and ends at timeoutSeconds', async () => {
      await t().request('POST', widgetsIn(ns), widget('w2'));
      const started = Date.now();
      const { events, ended } = await readEvents(
        t(),
        `${widgetsIn(ns)}?watch=true&timeoutSeconds=1`,
        100,
        8_000,
      );
      expect(events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'w2']]);
      expect(ended).toBe(true);
      expect(Date.now() - started).toBeLessThan(4_000);
    });

    it('sends ERROR 410 Expired for a resourceVersion older than the watch cache', async () => {
      const { events } = await readEvents(t(), `${widgetsIn(ns)}?watch=true&resourceVersion=1`, 1);
      expect(events[0]?.type).toBe('ERROR');
      expect(events[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    });

    it('client-node: Watch with JSON-patch default refused, merge patch works; informers see every change in order', async () => {
      const config = kubeConfigFor(t());
      const api = config.makeApiClient(CustomObjectsApi);
      const base = {
        group: 'wire.switchyard.dev',
        version: 'v1',
        namespace: 'wire-informers',
        plural: 'widgets',
      };
      await api.createNamespacedCustomObject({ ...base, body: widget('seed') });
      await expect(
        api.patchNamespacedCustomObject({ ...base, name: 'seed', body: { spec: { size: 2 } } }),
      ).rejects.toMatchObject({ code: 400 });
      await api.patchNamespacedCustomObject(
        { ...base, name: 'seed', body: { spec: { size: 2 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );

      const path = `/apis/wire.switchyard.dev/v1/namespaces/wire-informers/widgets`;
      const informers = [0, 1, 2].map(() => {
        const informer = makeInformer(config, path, () => api.listNamespacedCustomObject(base));
        const seen = new Map<string, number[]>();
        const deleted = new Set<string>();
        const record = (object: { metadata?: { name?: string; resourceVersion?: string } }) => {
          const name = object.metadata?.name ?? '';
          seen.set(name, [...(seen.get(name) ?? []), Number(object.metadata?.resourceVersion)]);
        };
        informer.on('add', record);
        informer.on('update', record);
        informer.on('delete', (object) => deleted.add(object.metadata?.name ?? ''));
        return { informer, seen, deleted };
      });
      await Promise.all(informers.map(({ informer }) => informer.start()));

      // A raw watch from before the writes counts every event exactly once.
      const listed = await t().request('GET', path);
      const fromRv = (listed.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
      const writers = [0, 1, 2, 3].map(async (writer) => {
        for (let i = 0; i < 8; i++) {
          const name = `c${writer}-${i}`;
          await api.createNamespacedCustomObject({ ...base, body: widget(name) });
          for (let size = 2; size <= 4; size++) {
            await api.patchNamespacedCustomObject(
              { ...base, name, body: { spec: { size } } },
              setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
            );
          }
          if (i % 2 === 0) await api.deleteNamespacedCustomObject({ ...base, name });
        }
      });
      await Promise.all(writers);
      const final = (await api.listNamespacedCustomObject(base)) as {
        items: { metadata: { name: string; resourceVersion: string } }[];
      };
      const stream = await readEvents(
        t(),
        `${path}?watch=true&resourceVersion=${fromRv}&timeoutSeconds=5`,
        4 * 8 * 4 + 16,
        8_000,
      );
      expect(stream.events).toHaveLength(4 * 8 * 4 + 16);

      const expected = new Map(
        final.items.map((item) => [item.metadata.name, Number(item.metadata.resourceVersion)]),
      );
      const caughtUp = () =>
        informers.every(({ informer }) => {
          const cached = informer.list('wire-informers');
          return (
            cached.length === expected.size &&
            cached.every((o) => expected.get(o.metadata?.name ?? '') === Number(o.metadata?.resourceVersion))
          );
        });
      await vi.waitFor(() => expect(caughtUp()).toBe(true), { timeout: 10_000, interval: 50 });
      for (const { seen, deleted } of informers) {
        for (const [name, versions] of seen) {
          expect(
            [...versions].sort((a, b) => a - b),
            name,
          ).toEqual(versions);
          expect(new Set(versions).size, name).toBe(versions.length);
        }
        expect(deleted.size).toBe(16);
      }
      await Promise.all(informers.map(({ informer }) => informer.stop()));
      // Watch through client-node's own Watch class, with bookmarks allowed (flushed headers matter here).
      const watch = new Watch(config);
      const phases: string[] = [];
      const controller = await watch.watch(
        path,
        { allowWatchBookmarks: true, timeoutSeconds: 1 },
        (phase) => phases.push(phase),
        () => {},
      );
      await sleep(200);
      controller.abort();
      expect(phases.filter((phase) => phase === 'ADDED')).toHaveLength(expected.size);
    });
  });
}
