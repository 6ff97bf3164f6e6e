import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startKubeEmulator } from '../../../local/kube/index.js';
import { startFromArgs } from '../../../src/cli/kube.js';
import { memoryIo } from '../../support/memory-io.js';
import { installCrds, WIDGET_CRD, widget, widgetsIn } from './fixtures.js';
import { type KubeTarget, sendRequest, sleep } from './target.js';

/**
 * What only the emulator can be asked: the real reference server has no core API (no Namespace,
 * ConfigMap, Secret, ServiceAccount, core Event), sends bookmarks only about once a minute, and
 * is not started through `switchyard kube` (docs/adr/0006-kube-emulator.md).
 */
export function defineEmulatorOnlySuite(target: () => KubeTarget): void {
  const t = () => target();

  describe('built-in kinds (emulator only)', () => {
    it('has the default namespaces and serves Namespace, ConfigMap, Secret, ServiceAccount, Events and Lease', async () => {
      const namespaces = await t().request('GET', '/api/v1/namespaces');
      const names = (namespaces.body as { items: { metadata: { name: string } }[] }).items.map(
        (item) => item.metadata.name,
      );
      expect(names).toEqual(expect.arrayContaining(['default', 'kube-system']));
      const core = await t().request('GET', '/api/v1');
      const resources = (core.body as { resources: { name: string }[] }).resources.map((r) => r.name);
      expect(resources).toEqual(
        expect.arrayContaining(['namespaces', 'configmaps', 'secrets', 'serviceaccounts', 'events']),
      );
      const objects: [string, Record<string, unknown>][] = [
        [
          '/api/v1/namespaces/default/configmaps',
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } },
        ],
        [
          '/api/v1/namespaces/default/secrets',
          { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'MQ==' } },
        ],
        [
          '/api/v1/namespaces/default/serviceaccounts',
          { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } },
        ],
        [
          '/api/v1/namespaces/default/events',
          { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1' }, reason: 'Test', message: 'm' },
        ],
        [
          '/apis/events.k8s.io/v1/namespaces/default/events',
          {
            apiVersion: 'events.k8s.io/v1',
            kind: 'Event',
            metadata: { name: 'e2' },
            reason: 'Test',
            note: 'n',
          },
        ],
        [
          '/apis/coordination.k8s.io/v1/namespaces/default/leases',
          {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: 'leader' },
            spec: { holderIdentity: 'a' },
          },
        ],
      ];
      for (const [path, body] of objects) {
        const created = await t().request('POST', path, body);
        expect(created.status, created.text).toBe(201);
        const name = (body.metadata as { name: string }).name;
        const patched = await t().request(
          'PATCH',
          `${path}/${name}`,
          { metadata: { labels: { touched: 'yes' } } },
          { contentType: 'application/strategic-merge-patch+json' },
        );
        expect(patched.status, patched.text).toBe(200);
      }
      const lease = await t().request('GET', '/apis/coordination.k8s.io/v1/namespaces/default/leases/leader');
      const current = lease.body as Record<string, unknown>;
      const renewed = await t().request(
        'PUT',
        '/apis/coordination.k8s.io/v1/namespaces/default/leases/leader',
        { ...current, spec: { holderIdentity: 'b' } },
      );
      expect(renewed.status).toBe(200);
      const stale = await t().request(
        'PUT',
        '/apis/coordination.k8s.io/v1/namespaces/default/leases/leader',
        { ...current, spec: { holderIdentity: 'c' } },
      );
      expect(stale.status).toBe(409);
    });

    it('deleting a Namespace deletes its objects', async () => {
      await t().request('POST', '/api/v1/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'doomed' },
      });
      await t().request('POST', widgetsIn('doomed'), widget('inside'));
      expect((await t().request('DELETE', '/api/v1/namespaces/doomed')).status).toBe(200);
      expect((await t().request('GET', `${widgetsIn('doomed')}/inside`)).status).toBe(404);
    });

    it('sends BOOKMARK events when the client allows them', async () => {
      const response = await fetch(
        `${t().url}${widgetsIn('wire-bookmarks')}?watch=true&allowWatchBookmarks=true&timeoutSeconds=1`,
      );
      const text = await response.text();
      const types = text
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { type: string }).type);
      expect(types.length).toBeGreaterThanOrEqual(2);
      expect(new Set(types)).toEqual(new Set(['BOOKMARK']));
    });
  });

  describe('switchyard kube (emulator only)', () => {
    it('writes a kubeconfig, prints ready, and keeps objects across a restart of the same state dir', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-kube-cli-'));
      try {
        const io = memoryIo();
        const started = await startFromArgs(['--port', '0', '--state-dir', dir], io);
        if (typeof started === 'number') throw new Error(io.err());
        expect(io.out()).toMatch(/ready at http:\/\/127\.0\.0\.1:\d+/);
        const config = parseYaml(readFileSync(join(dir, 'kubeconfig'), 'utf8')) as {
          clusters: { cluster: { server: string; 'insecure-skip-tls-verify': boolean } }[];
          contexts: unknown[];
        };
        expect(config.contexts).toHaveLength(1);
        expect(config.clusters[0]?.cluster).toEqual({
          server: started.kube.url,
          'insecure-skip-tls-verify': true,
        });
        const kube: KubeTarget = {
          name: 'emulator',
          url: started.kube.url,
          kubeconfig: '',
          serverManager: '',
          request: (m, p, b, o) => sendRequest(started.kube.url, m, p, b, o),
          close: () => started.kube.close(),
        };
        await installCrds(kube, [WIDGET_CRD]);
        await kube.request('POST', widgetsIn('keep'), widget('kept'));
        await sleep(100);
        await started.kube.close();
        const again = await startKubeEmulator({ stateDir: dir });
        try {
          const got = await sendRequest(again.url, 'GET', `${widgetsIn('keep')}/kept`);
          expect(got.status).toBe(200);
          expect(got.body).toMatchObject({ spec: { color: 'green', size: 1 } });
          const created = await sendRequest(again.url, 'POST', widgetsIn('keep'), widget('after'));
          expect(
            Number((created.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion),
          ).toBeGreaterThan(
            Number((got.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion),
          );
        } finally {
          await again.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
