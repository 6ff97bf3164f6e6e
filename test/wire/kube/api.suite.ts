import { describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../support/wait.js';
import { CRDS_PATH, installCrds, WIDGET_CRD, WIDGETS, widget, widgetsIn } from './fixtures.js';
import { type KubeTarget, warningsOf } from './target.js';

/** Discovery, CRD lifecycle, CRUD, validation and patch semantics over raw HTTP. */
export function defineApiSuite(target: () => KubeTarget): void {
  const ns = 'wire-api';
  const t = () => target();
  const meta = (body: unknown) => (body as { metadata: Record<string, unknown> }).metadata;

  describe('discovery and CRDs', () => {
    it('serves /version, /apis and the CRD group', async () => {
      const version = await t().request('GET', '/version');
      expect(version.status).toBe(200);
      expect(Number((version.body as { minor: string }).minor)).toBeGreaterThanOrEqual(27);
      const groups = await t().request('GET', '/apis');
      const names = (groups.body as { groups: { name: string }[] }).groups.map((g) => g.name);
      expect(names).toEqual(
        expect.arrayContaining(['apiextensions.k8s.io', 'wire.switchyard.dev', 'failover.switchyard.dev']),
      );
      const list = await t().request('GET', WIDGETS);
      expect(list.body).toMatchObject({ kind: 'APIResourceList', groupVersion: 'wire.switchyard.dev/v1' });
      const resources = (list.body as { resources: { name: string; shortNames?: string[] }[] }).resources;
      expect(resources.map((r) => r.name)).toEqual(['widgets', 'widgets/status']);
      expect(resources[0]?.shortNames).toEqual(['wd']);
    });

    it('publishes OpenAPI v3 with fieldValidation on PATCH (kubectl server-side validation)', async () => {
      // The kube-apiserver publishes a new CRD's OpenAPI a moment after it is Established: poll briefly.
      const entry = await waitFor(
        async () => {
          const index = await t().request('GET', '/openapi/v3');
          return (index.body as { paths: Record<string, { serverRelativeURL: string }> }).paths[
            'apis/wire.switchyard.dev/v1'
          ];
        },
        'apis/wire.switchyard.dev/v1 in /openapi/v3',
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      const document = await t().request('GET', entry.serverRelativeURL);
      const paths = (
        document.body as { paths: Record<string, Record<string, { parameters?: { name: string }[] }>> }
      ).paths;
      const patch = paths['/apis/wire.switchyard.dev/v1/namespaces/{namespace}/widgets/{name}']?.patch;
      expect(patch?.parameters?.map((p) => p.name)).toContain('fieldValidation');
      const v2 = await t().request('GET', '/openapi/v2');
      expect(v2.status).toBe(200);
    });

    it('a new CRD becomes Established and served; deleting it removes the kind and its objects', async () => {
      const crd = structuredClone(WIDGET_CRD) as typeof WIDGET_CRD;
      crd.metadata.name = 'gadgets.wire2.switchyard.dev';
      crd.spec.group = 'wire2.switchyard.dev';
      crd.spec.names = {
        plural: 'gadgets',
        singular: 'gadget',
        kind: 'Gadget',
        listKind: 'GadgetList',
        shortNames: ['gd'],
        categories: [],
      };
      await installCrds(t(), [crd]);
      const created = await t().request('POST', '/apis/wire2.switchyard.dev/v1/namespaces/x/gadgets', {
        ...widget('g1'),
        apiVersion: 'wire2.switchyard.dev/v1',
        kind: 'Gadget',
      });
      expect(created.status).toBe(201);
      const deleted = await t().request('DELETE', `${CRDS_PATH}/${crd.metadata.name}`);
      expect(deleted.status).toBe(200);
      await vi.waitFor(
        async () => expect((await t().request('GET', '/apis/wire2.switchyard.dev/v1')).status).toBe(404),
        { timeout: 10_000, interval: 100 },
      );
      const groups = await t().request('GET', '/apis');
      expect((groups.body as { groups: { name: string }[] }).groups.map((g) => g.name)).not.toContain(
        'wire2.switchyard.dev',
      );
    });
  });

  describe('CRUD, validation and status', () => {
    it('creates with defaults, refuses duplicates (409) and returns 404 for missing objects', async () => {
      const created = await t().request('POST', widgetsIn(ns), widget('a', { color: 'green' }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        spec: { color: 'green', size: 1 },
        metadata: { generation: 1, namespace: ns },
      });
      const again = await t().request('POST', widgetsIn(ns), widget('a'));
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ kind: 'Status', reason: 'AlreadyExists', code: 409 });
      const missing = await t().request('GET', `${widgetsIn(ns)}/nope`);
      expect(missing.body).toMatchObject({
        reason: 'NotFound',
        message: 'widgets.wire.switchyard.dev "nope" not found',
      });
    });

    it('prunes unknown fields with a Warning header, and refuses them under fieldValidation=Strict', async () => {
      const body = { ...widget('pruned', { color: 'blue', colour: 'x' }), extra: 1 };
      const created = await t().request('POST', widgetsIn(ns), body);
      expect(created.status).toBe(201);
      expect(warningsOf(created)).toEqual(['unknown field "extra"', 'unknown field "spec.colour"']);
      expect((created.body as { spec: Record<string, unknown> }).spec.colour).toBeUndefined();
      const strict = await t().request('POST', `${widgetsIn(ns)}?fieldValidation=Strict`, {
        ...body,
        metadata: { name: 'strict' },
      });
      expect(strict.status).toBe(400);
      expect((strict.body as { message: string }).message).toBe(
        'Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "extra", unknown field "spec.colour"',
      );
    });

    it('refuses invalid objects with 422 Invalid and one cause per problem (schema and CEL)', async () => {
      const bad = await t().request('POST', widgetsIn(ns), widget('bad', { color: 'pink', size: 'big' }));
      expect(bad.status).toBe(422);
      const causes = (bad.body as { details: { causes: { field: string; reason: string }[] } }).details
        .causes;
      expect(causes).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'spec.color', reason: 'FieldValueNotSupported' }),
          expect.objectContaining({ field: 'spec.size', reason: 'FieldValueTypeInvalid' }),
        ]),
      );
      const cel = await t().request('POST', widgetsIn(ns), widget('huge', { color: 'green', size: 11 }));
      expect(cel.body).toMatchObject({
        reason: 'Invalid',
        message:
          'Widget.wire.switchyard.dev "huge" is invalid: spec: Invalid value: only red widgets may be larger than 10',
      });
    });

    it('runs transition rules on update only', async () => {
      await t().request('POST', widgetsIn(ns), widget('serial', { color: 'red', serial: 'A1' }));
      const changed = await t().request(
        'PATCH',
        `${widgetsIn(ns)}/serial`,
        { spec: { serial: 'B2' } },
        { contentType: 'application/merge-patch+json' },
      );
      expect(changed.status).toBe(422);
      expect((changed.body as { message: string }).message).toContain('serial is immutable');
    });

    it('updates with optimistic concurrency: stale resourceVersion → 409, missing → 422', async () => {
      const got = await t().request('GET', `${widgetsIn(ns)}/a`);
      const current = got.body as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
      const updated = await t().request('PUT', `${widgetsIn(ns)}/a`, {
        ...current,
        spec: { ...current.spec, size: 2 },
      });
      expect(updated.status).toBe(200);
      expect(meta(updated.body).generation).toBe(2);
      const stale = await t().request('PUT', `${widgetsIn(ns)}/a`, {
        ...current,
        spec: { ...current.spec, size: 3 },
      });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ reason: 'Conflict' });
      const { resourceVersion: _rv, ...withoutVersion } = current.metadata;
      const missing = await t().request('PUT', `${widgetsIn(ns)}/a`, {
        ...current,
        metadata: withoutVersion,
      });
      expect(missing.status).toBe(422);
    });

    it('status subresource: status ignored on main writes, spec on status writes; generation counts spec only', async () => {
      const status = await t().request(
        'PATCH',
        `${widgetsIn(ns)}/a/status`,
        { spec: { size: 9 }, status: { phase: 'Ready' } },
        { contentType: 'application/merge-patch+json' },
      );
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        spec: { size: 2 },
        status: { phase: 'Ready' },
        metadata: { generation: 2 },
      });
      const main = await t().request(
        'PATCH',
        `${widgetsIn(ns)}/a`,
        { spec: { size: 4 }, status: { phase: 'Lost' } },
        { contentType: 'application/merge-patch+json' },
      );
      expect(main.body).toMatchObject({
        spec: { size: 4 },
        status: { phase: 'Ready' },
        metadata: { generation: 3 },
      });
    });

    it('lists with label and field selectors, limit and continue', async () => {
      for (const [name, tier] of [
        ['l1', 'web'],
        ['l2', 'db'],
        ['l3', 'web'],
      ]) {
        await t().request(
          'POST',
          widgetsIn('wire-list'),
          widget(name as string, { color: 'blue' }, { labels: { tier } }),
        );
      }
      const names = (body: unknown) =>
        (body as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name);
      expect(
        names((await t().request('GET', `${widgetsIn('wire-list')}?labelSelector=tier%3Dweb`)).body),
      ).toEqual(['l1', 'l3']);
      expect(
        names((await t().request('GET', `${widgetsIn('wire-list')}?labelSelector=tier+notin+(web)`)).body),
      ).toEqual(['l2']);
      expect(
        names((await t().request('GET', `${WIDGETS}/widgets?fieldSelector=metadata.name%3Dl2`)).body),
      ).toEqual(['l2']);
      expect(
        names(
          (
            await t().request(
              'GET',
              `${WIDGETS}/widgets?fieldSelector=metadata.namespace%3Dwire-list,metadata.name!%3Dl2`,
            )
          ).body,
        ),
      ).toEqual(['l1', 'l3']);
      const unsupported = await t().request('GET', `${widgetsIn('wire-list')}?fieldSelector=spec.size%3D1`);
      expect(unsupported.body).toMatchObject({ code: 400, message: 'field label not supported: spec.size' });
      const first = await t().request('GET', `${widgetsIn('wire-list')}?limit=2`);
      const page = first.body as { metadata: { continue: string; remainingItemCount: number } };
      expect(names(first.body)).toEqual(['l1', 'l2']);
      expect(page.metadata.remainingItemCount).toBe(1);
      const second = await t().request(
        'GET',
        `${widgetsIn('wire-list')}?limit=2&continue=${encodeURIComponent(page.metadata.continue)}`,
      );
      expect(names(second.body)).toEqual(['l3']);
      expect((second.body as { metadata: { continue?: string } }).metadata.continue ?? '').toBe('');
    });

    it('deletes with finalizers: deletionTimestamp first, gone when the last finalizer is removed', async () => {
      await t().request(
        'POST',
        widgetsIn(ns),
        widget('fin', { color: 'red' }, { finalizers: ['wire.switchyard.dev/hold'] }),
      );
      const deleting = await t().request('DELETE', `${widgetsIn(ns)}/fin`);
      expect(deleting.status).toBe(200);
      expect(meta(deleting.body).deletionTimestamp).toEqual(expect.any(String));
      expect(meta(deleting.body).generation).toBe(2);
      const released = await t().request(
        'PATCH',
        `${widgetsIn(ns)}/fin`,
        { metadata: { finalizers: null } },
        { contentType: 'application/merge-patch+json' },
      );
      expect(released.status).toBe(200);
      expect((await t().request('GET', `${widgetsIn(ns)}/fin`)).status).toBe(404);
      const plain = await t().request('DELETE', `${widgetsIn(ns)}/pruned`, {
        propagationPolicy: 'Background',
      });
      expect(plain.body).toMatchObject({
        kind: 'Status',
        status: 'Success',
        details: { name: 'pruned', kind: 'widgets' },
      });
    });

    it('answers bad input with Status errors and stores nothing', async () => {
      const malformed = await t().request('POST', widgetsIn(ns), undefined, { raw: '{not json' });
      expect(malformed.body).toMatchObject({ kind: 'Status', code: 400, reason: 'BadRequest' });
      const wrongType = await t().request('POST', widgetsIn(ns), undefined, {
        raw: '{}',
        contentType: 'text/plain',
      });
      expect(wrongType.body).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
      const badName = await t().request('POST', widgetsIn(ns), widget('Bad_Name'));
      expect(badName.body).toMatchObject({ code: 422, details: { causes: [{ field: 'metadata.name' }] } });
      const otherNamespace = await t().request(
        'POST',
        widgetsIn(ns),
        widget('elsewhere', { color: 'red' }, { namespace: 'other' }),
      );
      expect(otherNamespace.body).toMatchObject({ code: 400 });
      const huge = await t().request('POST', widgetsIn(ns), undefined, {
        raw: `{"pad":"${'x'.repeat(3 * 1024 * 1024 + 10)}"}`,
      });
      expect(huge.status).toBe(413);
      const unknownKind = await t().request('GET', '/apis/wire.switchyard.dev/v1/namespaces/x/sprockets');
      expect(unknownKind.status).toBe(404);
      const listed = await t().request('GET', widgetsIn(ns));
      const names = (listed.body as { items: { metadata: { name: string } }[] }).items.map(
        (i) => i.metadata.name,
      );
      expect(names).not.toContain('Bad_Name');
      expect(names).not.toContain('elsewhere');
    });
  });

  describe('patch', () => {
    const pns = 'wire-patch';
    it('merge and JSON patch; JSON patch needs an array; strategic merge on a custom resource is 415', async () => {
      await t().request('POST', widgetsIn(pns), widget('p', { color: 'green', tags: ['a'] }));
      const json = await t().request(
        'PATCH',
        `${widgetsIn(pns)}/p`,
        [
          { op: 'add', path: '/spec/tags/-', value: 'b' },
          { op: 'replace', path: '/spec/size', value: 5 },
        ],
        { contentType: 'application/json-patch+json' },
      );
      expect(json.body).toMatchObject({ spec: { tags: ['a', 'b'], size: 5 } });
      const failedTest = await t().request(
        'PATCH',
        `${widgetsIn(pns)}/p`,
        [{ op: 'test', path: '/spec/size', value: 6 }],
        { contentType: 'application/json-patch+json' },
      );
      expect(failedTest.status).toBe(422);
      // client-node's default patch content type is JSON patch: sending an object is a 400.
      const objectAsJsonPatch = await t().request(
        'PATCH',
        `${widgetsIn(pns)}/p`,
        { spec: { size: 1 } },
        { contentType: 'application/json-patch+json' },
      );
      expect(objectAsJsonPatch.status).toBe(400);
      const strategic = await t().request(
        'PATCH',
        `${widgetsIn(pns)}/p`,
        { spec: { size: 1 } },
        { contentType: 'application/strategic-merge-patch+json' },
      );
      expect(strategic.body).toMatchObject({ code: 415, reason: 'UnsupportedMediaType' });
    });

    it('server-side apply: creates, records managedFields, conflicts with other managers unless forced', async () => {
      const apply = (manager: string, spec: Record<string, unknown>, force = false) =>
        t().request(
          'PATCH',
          `${widgetsIn(pns)}/ssa?fieldManager=${manager}${force ? '&force=true' : ''}`,
          { ...widget('ssa', spec) },
          { contentType: 'application/apply-patch+yaml' },
        );
      const noManager = await t().request('PATCH', `${widgetsIn(pns)}/ssa`, widget('ssa'), {
        contentType: 'application/apply-patch+yaml',
      });
      expect(noManager.status).toBe(422);
      const created = await apply('alice', { color: 'green', size: 3, parts: [{ name: 'x', count: 1 }] });
      expect(created.status).toBe(201);
      expect(meta(created.body).managedFields).toEqual([
        expect.objectContaining({
          manager: 'alice',
          operation: 'Apply',
          fieldsV1: {
            'f:spec': {
              'f:color': {},
              'f:parts': { 'k:{"name":"x"}': { '.': {}, 'f:count': {}, 'f:name': {} } },
              'f:size': {},
            },
          },
        }),
      ]);
      const conflicting = await apply('bob', { color: 'blue' });
      expect(conflicting.status).toBe(409);
      expect(conflicting.body).toMatchObject({
        reason: 'Conflict',
        message: 'Apply failed with 1 conflict: conflict with "alice": .spec.color',
        details: {
          causes: [
            { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.color' },
          ],
        },
      });
      const shared = await apply('bob', { color: 'green', parts: [{ name: 'y', count: 2 }] });
      expect(shared.status).toBe(200);
      expect(shared.body).toMatchObject({
        spec: {
          parts: [
            { name: 'x', count: 1 },
            { name: 'y', count: 2 },
          ],
        },
      });
      const forced = await apply('bob', { color: 'blue', parts: [{ name: 'y', count: 2 }] }, true);
      expect(forced.status).toBe(200);
      expect(forced.body).toMatchObject({ spec: { color: 'blue', size: 3 } });
      // alice re-applies without size: her field is removed, since nobody else owns it.
      const dropped = await apply('alice', { parts: [{ name: 'x', count: 1 }] });
      expect((dropped.body as { spec: Record<string, unknown> }).spec.size).toBe(1);
    });
  });
}
