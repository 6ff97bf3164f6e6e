import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApplicationStatus,
  type HealthChecksFactory,
  Syncer,
  type SyncerOptions,
} from '../../../local/gitops/index.js';
import { GROUP } from '../../../src/apis/common.js';
import { sleep, waitFor } from '../../support/wait.js';
import { createNamespaces, installCrds } from '../kube/fixtures.js';
import type { KubeTarget } from '../kube/target.js';
import { EnvRepo } from './env-repo.js';
import {
  API_VERSION,
  type ApplicationOptions,
  ARGO_NAMESPACE,
  application,
  CONTROLLER_MANAGER,
  clusterCrds,
  FAILOVERS_CRD,
  failover,
  failoverPath,
  namespaceObject,
  regionHealth,
  regionHealthChecks,
  regionHealthPath,
  SYNC_OPTIONS,
} from './fixtures.js';

/**
 * The syncer against a cluster over the wire: a git repository in a temp dir, commits that add,
 * change and remove objects across waves. One suite, two targets: the emulator (npm test) and the
 * full kube-apiserver (npm run test:real). The target serves every CRD of
 * fixtures.clusterCrds except Failover's, so a Failover in Git is a kind the cluster does not serve.
 */

interface Harness {
  repo: EnvRepo;
  syncer: Syncer;
  namespace: string;
  app: string;
  path: string;
  stateDir: string;
  logs: string[];
  /** A new syncer over the same repository and state: a restarted process. */
  restart(): Syncer;
}

let counter = 0;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** The syncer polls health; a wave can take several polls to settle. */
const SYNCED = { timeoutMs: 15_000, intervalMs: 50 };

export interface TargetCapabilities {
  /** Whether deleting an owner deletes or orphans its dependents (the reference apiserver has no garbage collector). */
  garbageCollector: boolean;
}

/**
 * Starts the target before the suite (with fixtures.clusterCrds less Failover's installed), stops
 * it after, and defines the cases; returns the running target for a file's own cases.
 */
export function defineSyncerSuite(
  start: () => Promise<KubeTarget>,
  capabilities: TargetCapabilities,
): () => KubeTarget {
  let running: KubeTarget | undefined;
  beforeAll(async () => {
    running = await start();
    await installCrds(running, clusterCrds([FAILOVERS_CRD]));
    // Argo CD's namespace exists before the first sync (it holds the Applications).
    await createNamespaces(running, [ARGO_NAMESPACE]);
  });
  afterAll(async () => running?.close());
  const target = () => {
    if (!running) throw new Error('the target did not start (see the beforeAll error)');
    return running;
  };
  defineCases(target, capabilities);
  return target;
}

function defineCases(target: () => KubeTarget, capabilities: TargetCapabilities) {
  function harness(
    appOptions: Partial<ApplicationOptions> = {},
    syncer: Partial<SyncerOptions> = {},
  ): Harness {
    const id = `${process.pid}-${++counter}`;
    const namespace = `sync-${id}`;
    const app = `app-${id}`;
    const path = `clusters/${namespace}`;
    const repo = new EnvRepo();
    const stateDir = mkdtempSync(join(tmpdir(), 'switchyard-gitops-state-'));
    cleanups.push(
      () => repo.close(),
      () => rmSync(stateDir, { recursive: true, force: true }),
    );
    repo.write(`${path}/argocd/application.yaml`, [
      application({ name: app, path, namespace, ...appOptions }),
    ]);
    // As the publisher writes it (src/gitops/layout.ts namespaces.yaml): the destination namespace
    // first and never pruned; a real cluster refuses objects in a namespace that does not exist.
    repo.write(`${path}/namespaces.yaml`, [namespaceObject(namespace)]);
    const logs: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    });
    const make = () =>
      new Syncer({
        repo: repo.dir,
        branch: repo.branch,
        selector: { name: app },
        kubeconfig: target().kubeconfig,
        stateDir,
        log: pino({ level: 'info' }, sink),
        health: regionHealthChecks,
        waveDelayMs: 0,
        pollMs: 100,
        ...syncer,
      });
    return { repo, syncer: make(), namespace, app, path, stateDir, logs, restart: make };
  }

  async function get(path: string): Promise<Record<string, unknown> | undefined> {
    const response = await target().request('GET', path);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${response.text}`);
    return response.body as Record<string, unknown>;
  }

  const metadata = (object: Record<string, unknown> | undefined) =>
    (object?.metadata ?? {}) as {
      resourceVersion?: string;
      uid?: string;
      annotations?: Record<string, string>;
      ownerReferences?: unknown[];
      managedFields?: { manager: string; operation: string }[];
      labels?: Record<string, string>;
    };
  const specOf = (object: Record<string, unknown> | undefined) =>
    (object?.spec ?? {}) as { vantage?: string };

  /** What the controller does: a merge patch under its own field manager. */
  async function patch(path: string, body: unknown, manager = CONTROLLER_MANAGER) {
    const response = await target().request('PATCH', `${path}?fieldManager=${manager}`, body, {
      contentType: 'application/merge-patch+json',
    });
    if (response.status !== 200) throw new Error(`PATCH ${path}: ${response.status} ${response.text}`);
  }
  const setHealthy = (h: Harness, name: string, healthy: boolean) =>
    patch(`${regionHealthPath(h.namespace, name)}/status`, { status: { healthy } });
  const rvOf = async (h: Harness, name: string) =>
    metadata(await get(regionHealthPath(h.namespace, name))).resourceVersion;
  /** A RegionHealth `child` owned by `owner` (not in Git): what a pruned object's dependents look like. */
  async function createDependent(h: Harness, owner: string) {
    const { uid } = metadata(await get(regionHealthPath(h.namespace, owner)));
    const reference = { apiVersion: API_VERSION, kind: 'RegionHealth', name: owner, uid };
    const child = { ...regionHealth('child', 0), metadata: { name: 'child', ownerReferences: [reference] } };
    const created = await target().request('POST', regionHealthPath(h.namespace), child);
    if (created.status !== 201) throw new Error(`dependent refused: ${created.status} ${created.text}`);
  }
  const resource = (status: ApplicationStatus, name: string) => status.resources.find((r) => r.name === name);

  describe('gitops syncer', () => {
    it('applies wave by wave with server-side apply as argocd-controller, a Progressing wave holding the next', async () => {
      const h = harness();
      h.repo
        .write(`${h.path}/health/first.yaml`, [regionHealth('first', 0)])
        .write(`${h.path}/health/second.yaml`, [regionHealth('second', 1)])
        .write(`${h.path}/health/third.yaml`, [regionHealth('third', 2)]);
      const revision = h.repo.commit('three waves');
      const operation = h.syncer.reconcile('manual');

      await waitFor(() => get(regionHealthPath(h.namespace, 'first')), 'the first wave', SYNCED);
      await sleep(600); // several health polls: the wave stays Progressing
      expect(await get(regionHealthPath(h.namespace, 'second'))).toBeUndefined();
      await setHealthy(h, 'first', true);
      await waitFor(() => get(regionHealthPath(h.namespace, 'second')), 'the second wave', SYNCED);
      await sleep(600);
      expect(await get(regionHealthPath(h.namespace, 'third'))).toBeUndefined();
      await setHealthy(h, 'second', true);

      const status = await operation;
      expect(status.operationState).toMatchObject({
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        syncResult: { revision },
      });
      expect(status.sync).toEqual({ status: 'Synced', revision });
      // The last wave is not waited for; its object keeps the application Progressing.
      expect(resource(status, 'third')?.health?.status).toBe('Progressing');
      expect(status.health.status).toBe('Progressing');
      const first = metadata(await get(regionHealthPath(h.namespace, 'first')));
      expect(first.annotations?.['argocd.argoproj.io/tracking-id']).toBe(
        `${h.app}:${GROUP}/RegionHealth:${h.namespace}/first`,
      );
      expect(first.managedFields?.filter((m) => m.operation === 'Apply').map((m) => m.manager)).toEqual([
        'argocd-controller',
      ]);
      const order = await Promise.all(['first', 'second', 'third'].map((name) => rvOf(h, name)));
      expect(order.map(Number)).toEqual([...order.map(Number)].sort((a, b) => a - b));
      // Every log line says what wrote it: a stand-in, not Argo CD.
      const records = h.logs.map((line) => JSON.parse(line) as { standIn?: string; msg: string });
      expect(records.map((record) => record.msg)).toContain('sync wave');
      for (const record of records) expect(record.standIn).toMatch(/stand-in, not Argo CD/);
      expect(status.standIn).toMatch(/stand-in .* \(not Argo CD\)/);

      await setHealthy(h, 'third', true);
      expect((await h.syncer.reconcile('manual')).health.status).toBe('Healthy');
    });

    it('fails the operation when a wave turns Degraded and applies nothing after it', async () => {
      const h = harness();
      h.repo
        .write(`${h.path}/health.yaml`, [regionHealth('first', 0), regionHealth('second', 1)])
        .commit('two waves');
      const operation = h.syncer.reconcile('manual');
      await waitFor(() => get(regionHealthPath(h.namespace, 'first')), 'the first wave', SYNCED);
      await setHealthy(h, 'first', false);
      const status = await operation;
      expect(status.operationState).toMatchObject({
        phase: 'Failed',
        message: 'one or more synchronization tasks completed unsuccessfully, reason: a signal is unhealthy',
      });
      expect(await get(regionHealthPath(h.namespace, 'second'))).toBeUndefined();
      expect(status.health.status).toBe('Degraded');
    });

    it('terminates a waiting operation when told to stop (gitops sync --timeout), applying nothing more', async () => {
      const h = harness();
      h.repo
        .write(`${h.path}/health.yaml`, [regionHealth('first', 0), regionHealth('second', 1)])
        .commit('two waves');
      const stop = new AbortController();
      const operation = h.syncer.reconcile('manual', stop.signal);
      await waitFor(() => get(regionHealthPath(h.namespace, 'first')), 'the first wave', SYNCED);
      stop.abort();
      const status = await operation;
      expect(status.operationState).toMatchObject({ phase: 'Failed', message: 'Operation terminated' });
      expect(await get(regionHealthPath(h.namespace, 'second'))).toBeUndefined();
    });

    it('prunes what left Git, leaves Prune=false objects and reports them', async () => {
      const h = harness();
      h.repo
        .write(`${h.path}/kept.yaml`, [
          regionHealth('kept', 0, { annotations: { [SYNC_OPTIONS]: 'Prune=false' } }),
        ])
        .write(`${h.path}/gone.yaml`, [regionHealth('gone', 0)])
        .commit('two objects');
      await h.syncer.reconcile('manual');
      h.repo
        .remove(`${h.path}/kept.yaml`)
        .remove(`${h.path}/gone.yaml`)
        .write(`${h.path}/new.yaml`, [regionHealth('new', 0)]);
      h.repo.commit('both removed, one added');
      const status = await h.syncer.reconcile('manual');

      expect(await get(regionHealthPath(h.namespace, 'gone'))).toBeUndefined();
      expect(await get(regionHealthPath(h.namespace, 'kept'))).toBeDefined();
      expect(status.operationState?.syncResult.resources.filter((r) => r.name !== h.app)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'gone', status: 'Pruned', message: 'pruned' }),
          expect.objectContaining({ name: 'kept', status: 'PruneSkipped', message: 'ignored (no prune)' }),
        ]),
      );
      expect(resource(status, 'kept')).toMatchObject({ status: 'OutOfSync', requiresPruning: true });
      expect(status.sync.status).toBe('OutOfSync');
    });

    const propagations = [
      { policy: 'background', dependent: 'is deleted with it' },
      { policy: 'orphan', dependent: 'loses its owner and stays' },
    ] as const;
    for (const { policy, dependent } of propagations) {
      const name = `prunes with PrunePropagationPolicy=${policy}: a dependent of the pruned object ${dependent}`;
      const why = ' (skipped: the target has no garbage collector to act on the propagation policy)';
      it.skipIf(!capabilities.garbageCollector)(
        `${name}${capabilities.garbageCollector ? '' : why}`,
        async () => {
          const h = harness({ syncOptions: ['ServerSideApply=true', `PrunePropagationPolicy=${policy}`] });
          h.repo.write(`${h.path}/gone.yaml`, [regionHealth('gone', 0)]).commit('one object');
          await h.syncer.reconcile('manual');
          await createDependent(h, 'gone');
          h.repo
            .remove(`${h.path}/gone.yaml`)
            .write(`${h.path}/other.yaml`, [regionHealth('other', 0)])
            .commit('removed');
          await h.syncer.reconcile('manual');
          expect(await get(regionHealthPath(h.namespace, 'gone'))).toBeUndefined();
          await waitFor(
            async () => {
              const child = await get(regionHealthPath(h.namespace, 'child'));
              if (policy === 'background') return child === undefined ? true : undefined;
              return child && !metadata(child).ownerReferences?.length ? true : undefined;
            },
            `the dependent to follow the ${policy} policy`,
            SYNCED,
          );
        },
      );
    }

    it('keeps a field another manager changed when ignoreDifferences names that manager, reverts it otherwise', async () => {
      const h = harness({
        ignoreDifferences: [
          { group: GROUP, kind: 'RegionHealth', name: 'kept', managedFieldsManagers: [CONTROLLER_MANAGER] },
        ],
      });
      h.repo
        .write(`${h.path}/health.yaml`, [regionHealth('kept', 0), regionHealth('reverted', 0)])
        .commit('two objects');
      await h.syncer.reconcile('manual');
      for (const name of ['kept', 'reverted'])
        await patch(regionHealthPath(h.namespace, name), { spec: { vantage: 'cluster-use2' } });

      const drifted = await h.syncer.reconcile('manual');
      expect(resource(drifted, 'kept')?.status).toBe('Synced');
      expect(specOf(await get(regionHealthPath(h.namespace, 'kept'))).vantage).toBe('cluster-use2');
      expect(specOf(await get(regionHealthPath(h.namespace, 'reverted'))).vantage).toBe('cluster-use1');

      // A sync applies every object; RespectIgnoreDifferences keeps the controller's value.
      h.repo.write(`${h.path}/more.yaml`, [regionHealth('more', 0)]).commit('one more');
      const synced = await h.syncer.reconcile('manual');
      expect(synced.operationState?.syncResult.resources.map((r) => r.name)).toContain('kept');
      expect(specOf(await get(regionHealthPath(h.namespace, 'kept'))).vantage).toBe('cluster-use2');
      expect(synced.sync.status).toBe('Synced');
    });

    it('refuses a commit with one invalid document whole, names file and field, and keeps serving the last good commit', async () => {
      const h = harness();
      h.repo.write(`${h.path}/health.yaml`, [regionHealth('first', 0)]);
      const good = h.repo.commit('good');
      await h.syncer.reconcile('manual');
      const before = await rvOf(h, 'first');

      const broken = {
        ...regionHealth('broken', 0),
        spec: { ...regionHealth('broken', 0).spec, colour: 'red' },
      };
      h.repo
        .write(`${h.path}/health.yaml`, [regionHealth('first', 0, { vantage: 'cluster-use2' })])
        .write(`${h.path}/added.yaml`, [regionHealth('added', 0)])
        .write(`${h.path}/broken.yaml`, [regionHealth('fine', 0), broken]);
      const bad = h.repo.commit('one invalid document');
      const refused = await h.syncer.reconcile('manual');

      expect(refused.rejected?.revision).toBe(bad);
      expect(refused.rejected?.problems).toEqual([
        expect.objectContaining({
          file: `${h.path}/broken.yaml`,
          documentIndex: 1,
          kind: 'RegionHealth',
          name: 'broken',
          path: 'spec.colour',
        }),
      ]);
      expect(refused.sync).toEqual({ status: 'Synced', revision: good });
      expect(refused.headRevision).toBe(bad);
      expect(await rvOf(h, 'first')).toBe(before);
      expect(await get(regionHealthPath(h.namespace, 'added'))).toBeUndefined();
      expect(await get(regionHealthPath(h.namespace, 'fine'))).toBeUndefined();
      expect(h.logs.join('')).toContain('commit refused');

      // Restarted, the syncer still serves the last good commit: drift is healed to it.
      await patch(
        regionHealthPath(h.namespace, 'first'),
        { spec: { vantage: 'cluster-use2' } },
        'kubectl-edit',
      );
      const restarted = h.restart();
      const healed = await restarted.reconcile('manual');
      expect(healed.rejected?.revision).toBe(bad);
      expect(healed.operationState).toMatchObject({ phase: 'Succeeded', syncResult: { revision: good } });
      expect(specOf(await get(regionHealthPath(h.namespace, 'first'))).vantage).toBe('cluster-use1');

      h.repo.write(`${h.path}/broken.yaml`, [regionHealth('fine', 0)]);
      const fixed = h.repo.commit('fixed');
      const accepted = await restarted.reconcile('manual');
      expect(accepted.rejected).toBeUndefined();
      expect(accepted.sync).toEqual({ status: 'Synced', revision: fixed });
      expect(specOf(await get(regionHealthPath(h.namespace, 'first'))).vantage).toBe('cluster-use2');
      expect(await get(regionHealthPath(h.namespace, 'added'))).toBeDefined();
    });

    it('writes nothing when in sync, and a sync of one changed object leaves the others untouched', async () => {
      const h = harness();
      h.repo
        .write(`${h.path}/a.yaml`, [regionHealth('a', 0)])
        .write(`${h.path}/b.yaml`, [regionHealth('b', 1)])
        .commit('two');
      const operation = h.syncer.reconcile('manual');
      await waitFor(() => get(regionHealthPath(h.namespace, 'a')), 'a', SYNCED);
      await setHealthy(h, 'a', true);
      const first = await operation;
      const versions = async () => Promise.all(['a', 'b'].map((name) => rvOf(h, name)));
      const synced = await versions();

      const again = await h.syncer.reconcile('manual');
      expect(again.sync.status).toBe('Synced');
      expect(again.operationState?.startedAt).toBe(first.operationState?.startedAt);
      expect(await versions()).toEqual(synced);

      h.repo
        .write(`${h.path}/b.yaml`, [regionHealth('b', 1, { vantage: 'cluster-use2' })])
        .commit('b changed');
      const changed = await h.syncer.reconcile('manual');
      expect(changed.operationState?.phase).toBe('Succeeded');
      const [a, b] = await versions();
      expect(a).toBe(synced[0]);
      expect(b).not.toBe(synced[1]);
    });

    it('refuses to start when a kind is not served, unless SkipDryRunOnMissingResource says it arrives later', async () => {
      const h = harness();
      h.repo
        .write(`${h.path}/objects.yaml`, [regionHealth('first', 0), failover('planned', 1)])
        .commit('unserved kind');
      const refused = await h.syncer.reconcile('manual');
      expect(refused.operationState).toMatchObject({ phase: 'Failed' });
      expect(refused.operationState?.message).toMatch(
        /^one or more synchronization tasks are not valid, reason: The Kubernetes API could not find failover\.switchyard\.dev\/Failover/,
      );
      expect(await get(regionHealthPath(h.namespace, 'first'))).toBeUndefined();

      h.repo.write(`${h.path}/objects.yaml`, [
        regionHealth('first', 0),
        failover('planned', 1, { [SYNC_OPTIONS]: 'SkipDryRunOnMissingResource=true' }),
      ]);
      h.repo.commit('arrives later');
      const operation = h.syncer.reconcile('manual');
      await waitFor(() => get(regionHealthPath(h.namespace, 'first')), 'the first wave', SYNCED);
      await setHealthy(h, 'first', true);
      const status = await operation;
      expect(status.operationState).toMatchObject({ phase: 'Failed' });
      expect(status.operationState?.message).toMatch(/^one or more objects failed to apply/);
      expect(await get(failoverPath(h.namespace, 'planned'))).toBeUndefined();
    });

    it('serves: syncs new commits by itself and heals drift (automated, selfHeal)', async () => {
      const h = harness({}, { selfHealDelayMs: 0 });
      h.repo.write(`${h.path}/a.yaml`, [regionHealth('a', 0)]).commit('one');
      const stop = new AbortController();
      const serving = h.syncer.serve(200, stop.signal);
      try {
        await waitFor(() => get(regionHealthPath(h.namespace, 'a')), 'a', SYNCED);
        h.repo.write(`${h.path}/b.yaml`, [regionHealth('b', 0)]).commit('two');
        await waitFor(() => get(regionHealthPath(h.namespace, 'b')), 'b', SYNCED);
        await patch(
          regionHealthPath(h.namespace, 'a'),
          { spec: { vantage: 'cluster-use2' } },
          'kubectl-edit',
        );
        await waitFor(
          async () =>
            specOf(await get(regionHealthPath(h.namespace, 'a'))).vantage === 'cluster-use1'
              ? true
              : undefined,
          'a healed',
          SYNCED,
        );
      } finally {
        stop.abort();
        await serving;
      }
    });

    it('hands the live argocd-cm of the Application’s namespace to the health checks, as Argo CD reads its settings', async () => {
      const key = 'resource.customizations.health.failover.switchyard.dev_RegionHealth';
      const seen: (Readonly<Record<string, string>> | undefined)[] = [];
      // Stands for src/gitops/health's Lua runner: the script in argocd-cm decides.
      const fromArgocdCm: HealthChecksFactory = (data) => {
        seen.push(data);
        const script = data?.[key];
        return {
          assess: (object) =>
            object.kind === 'RegionHealth' && script?.includes('Degraded')
              ? { status: 'Degraded' }
              : undefined,
          covers: (_apiVersion, kind) => kind === 'RegionHealth' && script !== undefined,
        };
      };
      const argocdCm = `/api/v1/namespaces/${ARGO_NAMESPACE}/configmaps`;
      const created = await target().request('POST', argocdCm, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'argocd-cm' },
        data: { [key]: 'return {status = "Degraded"}' },
      });
      expect(created.status, created.text).toBe(201);
      try {
        const h = harness({}, { health: fromArgocdCm });
        h.repo.write(`${h.path}/health.yaml`, [regionHealth('r', 0)]).commit('one');
        const status = await h.syncer.reconcile('manual');
        expect(seen.at(-1)).toEqual({ [key]: 'return {status = "Degraded"}' });
        expect(status.health.status).toBe('Degraded');
      } finally {
        // The other cases' health checks read argocd-cm too.
        await target().request('DELETE', `${argocdCm}/argocd-cm`);
      }
    });
  });
}
