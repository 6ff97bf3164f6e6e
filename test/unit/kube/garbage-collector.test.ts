import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../../../local/kube/index.js';

/**
 * The emulator's stand-in garbage collector (local/kube/verbs.ts remove(), fed by the store's
 * owner index): dependents by ownerReferences, Orphan, chains, Namespace deletion. The reference
 * apiserver has no garbage collector, so the wire suite cannot cover this.
 */

let emulator: KubeEmulator;
beforeAll(async () => {
  emulator = await startKubeEmulator({ port: 0 });
});
afterAll(async () => emulator.close());

const configMaps = (namespace: string) => `/api/v1/namespaces/${namespace}/configmaps`;

/** The fields these tests read from an object reply. */
interface Reply {
  metadata: { uid: string; ownerReferences?: { uid: string }[] };
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Reply }> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Reply };
}

/** Creates a ConfigMap owned by the given uids; returns its uid. */
async function configMap(namespace: string, name: string, ...owners: string[]): Promise<string> {
  const ownerReferences = owners.map((uid, index) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    name: `owner-${index}`,
    uid,
  }));
  const created = await call('POST', configMaps(namespace), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...(owners.length > 0 ? { ownerReferences } : {}) },
  });
  expect(created.status).toBe(201);
  return created.body.metadata.uid;
}

const exists = async (namespace: string, name: string) =>
  (await call('GET', `${configMaps(namespace)}/${name}`)).status === 200;

describe('stand-in garbage collector', () => {
  it('deletes dependents and their dependents (Background)', async () => {
    const root = await configMap('gc-a', 'root');
    const child = await configMap('gc-a', 'child', root);
    await configMap('gc-a', 'grandchild', child);
    await configMap('gc-a', 'bystander');
    expect((await call('DELETE', `${configMaps('gc-a')}/root`)).status).toBe(200);
    expect(await exists('gc-a', 'child')).toBe(false);
    expect(await exists('gc-a', 'grandchild')).toBe(false);
    expect(await exists('gc-a', 'bystander')).toBe(true);
  });

  it('Orphan strips only the reference to the deleted owner', async () => {
    const owner = await configMap('gc-b', 'owner');
    const other = await configMap('gc-b', 'other-owner');
    await configMap('gc-b', 'dependent', owner, other);
    const deleted = await call('DELETE', `${configMaps('gc-b')}/owner`, { propagationPolicy: 'Orphan' });
    expect(deleted.status).toBe(200);
    const dependent = await call('GET', `${configMaps('gc-b')}/dependent`);
    expect(dependent.body.metadata.ownerReferences?.map((ref) => ref.uid)).toEqual([other]);
    // The index followed the update: deleting the remaining owner still collects the dependent.
    await call('DELETE', `${configMaps('gc-b')}/other-owner`);
    expect(await exists('gc-b', 'dependent')).toBe(false);
  });

  it('deleting a Namespace deletes its objects', async () => {
    await call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'gc-c' },
    });
    await configMap('gc-c', 'inside');
    await configMap('gc-d', 'outside');
    expect((await call('DELETE', '/api/v1/namespaces/gc-c')).status).toBe(200);
    expect(await exists('gc-c', 'inside')).toBe(false);
    expect(await exists('gc-d', 'outside')).toBe(true);
  });
});
