import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createCrd, readCrds, waitEstablished } from './support/crds.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { collectionPath, type KubeApiserver, startKubeApiserver } from './support/kube-apiserver.js';
import { startedForFile } from './support/lifecycle.js';
import { repoRoot, sharedSchemas } from './support/paths.js';

const ourCrds = readCrds(join(repoRoot, 'charts/switchyard/crds'));
// Read from the shared read-only store at test time; never copied into the repository.
const providerCrds = readCrds(join(sharedSchemas, 'provider-aws/namespaced'));

const apiserver = startedForFile(
  async () => {
    const server = await startKubeApiserver();
    // NamespaceLifecycle: the namespace the Event and Lease cases write into.
    await server.request('POST', '/api/v1/namespaces', { metadata: { name: 'trading' } });
    return server;
  },
  (server) => server.stop(),
);
showLogsOnFailure(() => [apiserver.peek()?.process]);
const api = (): KubeApiserver => apiserver.get();

describe('the full kube-apiserver (k8s.io/kubernetes v1.36 + etcd): CRDs and the built-in kinds the controller uses', () => {
  it('has our generated CRDs and the stored provider CRDs to install', () => {
    expect(ourCrds.map(({ crd }) => crd.spec.names.kind).sort()).toEqual([
      'Failover',
      'FailoverPlan',
      'RegionHealth',
    ]);
    expect(providerCrds.length).toBe(44);
  });

  it('serves Events and Leases as built-in kinds, not as CRD stand-ins (ADR 0003 had them as CRDs)', async () => {
    for (const [groupVersion, plural] of [
      ['events.k8s.io/v1', 'events'],
      ['v1', 'events'],
      ['coordination.k8s.io/v1', 'leases'],
    ] as const) {
      const list = await api().request('GET', groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`);
      const names = (list.body as { resources: { name: string }[] }).resources.map((r) => r.name);
      expect(names, groupVersion).toContain(plural);
    }
    const crds = await api().request(
      'GET',
      collectionPath('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'),
    );
    const crdNames = (crds.body as { items: { metadata: { name: string } }[] }).items.map(
      (c) => c.metadata.name,
    );
    expect(crdNames).not.toContain('events.events.k8s.io');
    expect(crdNames).not.toContain('leases.coordination.k8s.io');
  });

  it('accepts a complete events.k8s.io/v1 Event, refuses one without reportingController, filters by regarding.name', async () => {
    const events = collectionPath('events.k8s.io', 'v1', 'events', 'trading');
    const event = (name: string, regarding: string) => ({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name },
      eventTime: '2026-11-25T03:12:00.000000Z',
      reportingController: 'switchyard.dev/failover-controller',
      reportingInstance: 'controller-0',
      action: 'Promote',
      reason: 'WriterPromoted',
      type: 'Normal',
      note: 'us-east-2 is the writer',
      regarding: {
        apiVersion: 'failover.switchyard.dev/v1alpha1',
        kind: 'Failover',
        namespace: 'trading',
        name: regarding,
      },
    });
    expect((await api().request('POST', events, event('e1', 'switchover-1'))).status).toBe(201);
    expect((await api().request('POST', events, event('e2', 'switchover-2'))).status).toBe(201);
    const { reportingController: _omitted, ...incomplete } = event('e3', 'switchover-1');
    const refused = await api().request('POST', events, incomplete);
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('reportingController');
    const selected = await api().request('GET', `${events}?fieldSelector=regarding.name%3Dswitchover-1`);
    expect(
      (selected.body as { items: { metadata: { name: string } }[] }).items.map((item) => item.metadata.name),
    ).toEqual(['e1']);
  });

  it('creates and renews a coordination.k8s.io/v1 Lease with optimistic concurrency', async () => {
    const leases = collectionPath('coordination.k8s.io', 'v1', 'leases', 'trading');
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'switchyard-controller' },
      spec: {
        holderIdentity: 'controller-0',
        leaseDurationSeconds: 15,
        renewTime: '2026-11-25T03:12:00.000000Z',
      },
    };
    const created = await api().request('POST', leases, lease);
    expect(created.status).toBe(201);
    const stored = created.body as { metadata: { resourceVersion: string } };
    const renew = (resourceVersion: string) =>
      api().request('PUT', `${leases}/switchyard-controller`, {
        ...lease,
        metadata: { ...lease.metadata, resourceVersion },
        spec: { ...lease.spec, renewTime: '2026-11-25T03:12:10.000000Z' },
      });
    expect((await renew(stored.metadata.resourceVersion)).status).toBe(200);
    // A second writer holding the old resourceVersion loses, which is what leader election relies on.
    expect((await renew(stored.metadata.resourceVersion)).status).toBe(409);
  });

  it.each(ourCrds.map(({ file, crd }) => [crd.metadata.name, file, crd] as const))(
    'accepts our CRD %s and establishes it',
    async (name, _file, crd) => {
      const response = await createCrd(api(), crd);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      const conditions = await waitEstablished(api(), name);
      expect(conditions).toContainEqual(expect.objectContaining({ type: 'NamesAccepted', status: 'True' }));
      // A structural-schema violation would show as NonStructuralSchema=True.
      expect(conditions.find((c) => c.type === 'NonStructuralSchema')).toBeUndefined();
    },
  );

  it.each(providerCrds.map(({ crd }) => [crd.metadata.name, crd] as const))(
    'accepts provider CRD %s and establishes it',
    async (name, crd) => {
      const response = await createCrd(api(), crd);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      await waitEstablished(api(), name);
    },
  );

  it('lists every installed group-version in /openapi/v3 (kubectl apply validates against it)', async () => {
    const expected = [...ourCrds, ...providerCrds].map(
      ({ crd }) => `apis/${crd.spec.group}/${crdStorageVersion(crd)}`,
    );
    // OpenAPI publication lags Established slightly; poll briefly.
    await vi.waitFor(
      async () => {
        const response = await api().request('GET', '/openapi/v3');
        expect(response.status).toBe(200);
        const paths = Object.keys((response.body as { paths: Record<string, unknown> }).paths);
        expect(expected.filter((path) => !paths.includes(path))).toEqual([]);
      },
      { timeout: 20_000, interval: 250 },
    );
  });

  it('answers root discovery (/apis), which the standalone upstream server does not serve by itself', async () => {
    const response = await api().request('GET', '/apis');
    expect(response.status).toBe(200);
    const groups = (response.body as { groups: { name: string }[] }).groups.map((group) => group.name);
    expect(groups).toEqual(expect.arrayContaining(['apiextensions.k8s.io', 'failover.switchyard.dev']));
  });
});

function crdStorageVersion(crd: { spec: unknown }): string {
  const versions = (crd.spec as { versions: { name: string; storage: boolean }[] }).versions;
  const storage = versions.find((version) => version.storage) ?? versions[0];
  if (!storage) throw new Error('CRD without versions');
  return storage.name;
}
