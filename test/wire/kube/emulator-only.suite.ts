import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startKubeEmulator } from '../../../local/kube/index.js';
import { startFromArgs } from '../../../src/cli/kube.js';
import { memoryIo } from '../../support/memory-io.js';
import { sleep } from '../../support/wait.js';
import { CRDS_PATH, installCrds, WIDGET_CRD, widget, widgetsIn } from './fixtures.js';
import { useKubectl } from './kubectl-runner.js';
import { bytes, int, k8sProtobuf, map, objectMeta, PROTOBUF, timestamp } from './protobuf-encode.js';
import { type KubeTarget, sendRequest } from './target.js';

/**
 * What only the emulator can be asked: the real reference server has no core API (no Namespace,
 * ConfigMap, Secret, ServiceAccount, core Event, hence none of the protobuf bodies kubectl sends
 * for them), sends bookmarks only about once a minute, and is not started through `switchyard
 * kube` (docs/adr/0006-kube-emulator.md).
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

  describe('protobuf request bodies (emulator only)', () => {
    const { k, ok } = useKubectl(t);
    const ns = 'pb-trading';
    const configMaps = `/api/v1/namespaces/${ns}/configmaps`;
    const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
    const asProtobuf = { contentType: PROTOBUF, accept: `${PROTOBUF},application/json` };
    const send = (method: string, path: string, raw: Buffer) =>
      t().request(method, path, undefined, { ...asProtobuf, raw });
    type Item = {
      kind: string;
      metadata: {
        name: string;
        resourceVersion: string;
        uid: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
        managedFields?: { manager: string }[];
      };
      data?: Record<string, string>;
    };

    it('kubectl create namespace, configmap, secret generic and serviceaccount (sent as protobuf)', async () => {
      expect(await ok(['create', 'namespace', ns, '--save-config'])).toContain(`namespace/${ns} created`);
      await ok(['create', 'configmap', 'settings', '-n', ns, '--from-literal=region=us-east-2']);
      await ok(['create', 'secret', 'generic', 'creds', '-n', ns, '--from-literal=password=s3cr3t!']);
      await ok(['create', 'serviceaccount', 'deployer', '-n', ns]);
      const namespace = JSON.parse(
        await ok(['get', 'namespace', ns, '-o', 'json', '--show-managed-fields']),
      ) as Item;
      expect(
        JSON.parse(
          namespace.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '',
        ),
      ).toMatchObject({ kind: 'Namespace', metadata: { name: ns } });
      // The field manager still comes from the query (?fieldManager=kubectl-create).
      expect(namespace.metadata.managedFields?.map((entry) => entry.manager)).toEqual(['kubectl-create']);
      const { items } = JSON.parse(
        await ok(['get', 'configmaps,secrets,serviceaccounts', '-n', ns, '-o', 'json']),
      ) as { items: Item[] };
      expect(items.map((item) => `${item.kind}/${item.metadata.name}`)).toEqual([
        'ConfigMap/settings',
        'Secret/creds',
        'ServiceAccount/deployer',
      ]);
      expect(items[0]?.data).toEqual({ region: 'us-east-2' });
      expect(items[1]?.data).toEqual({ password: Buffer.from('s3cr3t!').toString('base64') });
      const again = await k().run(['create', 'namespace', ns]);
      expect(again.stderr).toContain(`namespaces "${ns}" already exists`);
    });

    it('takes labels and annotations, PUT and DELETE options in protobuf as client-go sends them', async () => {
      const body = (rv?: string, value = 'a') =>
        k8sProtobuf(
          'v1',
          'ConfigMap',
          objectMeta('labelled', { tier: 'db' }, { owner: 'team-a' }, ...(rv ? [bytes(6, rv)] : [])),
          map(2, { key: value }),
        );
      const created = await send('POST', `${configMaps}?fieldManager=client-go-test`, body());
      expect(created.status, created.text).toBe(201);
      // Answers stay JSON, which client-go takes in place of protobuf.
      expect(created.headers['content-type']).toBe('application/json');
      const selected = JSON.parse(
        await ok(['get', 'configmaps', '-n', ns, '-l', 'tier=db', '-o', 'json', '--show-managed-fields']),
      ) as { items: Item[] };
      expect(selected.items).toHaveLength(1);
      expect(selected.items[0]?.metadata).toMatchObject({
        name: 'labelled',
        labels: { tier: 'db' },
        annotations: { owner: 'team-a' },
        managedFields: [{ manager: 'client-go-test' }],
      });
      const { resourceVersion, uid } = (created.body as Item).metadata;
      const updated = await send('PUT', `${configMaps}/labelled`, body(resourceVersion, 'b'));
      expect(updated.status, updated.text).toBe(200);
      expect((updated.body as Item).data).toEqual({ key: 'b' });
      expect((await send('PUT', `${configMaps}/labelled`, body(resourceVersion, 'c'))).status).toBe(409);
      const wrongUid = k8sProtobuf('v1', 'DeleteOptions', bytes(2, bytes(1, 'not-the-uid')));
      expect((await send('DELETE', `${configMaps}/labelled`, wrongUid)).status).toBe(409);
      const deleted = await send(
        'DELETE',
        `${configMaps}/labelled`,
        k8sProtobuf('v1', 'DeleteOptions', bytes(2, bytes(1, uid))),
      );
      expect(deleted.status, deleted.text).toBe(200);
    });

    it('takes a Lease in protobuf (client-go leader election) and renews it with PUT', async () => {
      const lease = (holder: string, rv?: string) =>
        k8sProtobuf(
          'coordination.k8s.io/v1',
          'Lease',
          objectMeta('leader', {}, {}, ...(rv ? [bytes(6, rv)] : [])),
          bytes(2, bytes(1, holder), int(2, 15), timestamp(4, '2026-11-25T03:00:00Z', 250_000)),
        );
      const created = await send('POST', leases, lease('a'));
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({
        spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime: '2026-11-25T03:00:00.000250Z' },
      });
      const rv = (created.body as Item).metadata.resourceVersion;
      const renewed = await send('PUT', `${leases}/leader`, lease('b', rv));
      expect(renewed.status, renewed.text).toBe(200);
      expect(renewed.body).toMatchObject({ spec: { holderIdentity: 'b' } });
    });

    it('refuses what it cannot decode: 415 for custom resources and CRDs, 400 for bad bodies', async () => {
      const jsonOrYaml =
        'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml';
      const widgetBody = k8sProtobuf('wire.switchyard.dev/v1', 'Widget', objectMeta('w'));
      for (const path of [widgetsIn(ns), CRDS_PATH]) {
        const refused = await send('POST', path, widgetBody);
        expect(refused.status).toBe(415);
        expect(refused.body).toMatchObject({ reason: 'UnsupportedMediaType', message: jsonOrYaml });
      }
      const plain = await t().request('POST', configMaps, undefined, {
        contentType: 'text/plain',
        raw: '{}',
      });
      expect(plain.status).toBe(415);
      expect((plain.body as { message: string }).message).toBe(
        `${jsonOrYaml}, application/vnd.kubernetes.protobuf`,
      );
      const garbage = await send('POST', configMaps, Buffer.from('{"kind":"ConfigMap"}'));
      expect(garbage.status).toBe(400);
      expect((garbage.body as { message: string }).message).toBe(
        'the object provided is unrecognized (must be of type ConfigMap): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"ConfigMap"})',
      );
      const pod = await send('POST', configMaps, k8sProtobuf('v1', 'Pod', objectMeta('p')));
      expect(pod.status).toBe(400);
      expect((pod.body as { message: string }).message).toContain(
        'no kind "Pod" is registered for version "v1"',
      );
      const patch = await send('PATCH', `${configMaps}/settings`, k8sProtobuf('v1', 'ConfigMap'));
      expect(patch.status).toBe(415);
      // A kind the decoder knows, sent to another resource, meets the same check as JSON does.
      const misplaced = await send('POST', configMaps, k8sProtobuf('v1', 'Secret', objectMeta('s')));
      expect(misplaced.status).toBe(422);
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
