import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type HealthChecksFactory, Syncer } from '../../../local/gitops/index.js';
import { startEmulatorTarget } from '../kube/target.js';
import { EnvRepo } from './env-repo.js';
import { ARGO_NAMESPACE, application, regionHealth } from './fixtures.js';
import { defineSyncerSuite } from './syncer.suite.js';

/** The syncer suite against the emulator (local/kube); test/real/gitops-syncer.test.ts runs it against the real apiserver. */
const target = defineSyncerSuite(() => startEmulatorTarget(), { garbageCollector: true });

describe('health customizations (emulator only: the reference apiserver serves no ConfigMaps)', () => {
  it('hands the live argocd-cm of the Application’s namespace to the health checks, as Argo CD reads its settings', async () => {
    const kube = target;
    const key = 'resource.customizations.health.failover.switchyard.dev_RegionHealth';
    const argocdCm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm' },
      data: { [key]: 'return {status = "Degraded"}' },
    };
    expect(
      (await kube().request('POST', `/api/v1/namespaces/${ARGO_NAMESPACE}/configmaps`, argocdCm)).status,
    ).toBe(201);
    const seen: (Readonly<Record<string, string>> | undefined)[] = [];
    // Stands for src/gitops/health's Lua runner: the script in argocd-cm decides.
    const fromArgocdCm: HealthChecksFactory = (data) => {
      seen.push(data);
      const script = data?.[key];
      return {
        assess: (object) =>
          object.kind === 'RegionHealth' && script?.includes('Degraded') ? { status: 'Degraded' } : undefined,
        covers: (_apiVersion, kind) => kind === 'RegionHealth' && script !== undefined,
      };
    };
    const repo = new EnvRepo();
    const stateDir = mkdtempSync(join(tmpdir(), 'switchyard-gitops-state-'));
    try {
      repo.write('clusters/cm/app.yaml', [application({ name: 'cm', path: 'clusters/cm', namespace: 'cm' })]);
      repo.write('clusters/cm/health.yaml', [regionHealth('r', 0)]).commit('one');
      const syncer = new Syncer({
        repo: repo.dir,
        branch: repo.branch,
        selector: { name: 'cm' },
        kubeconfig: kube().kubeconfig,
        stateDir,
        log: pino({ level: 'silent' }),
        health: fromArgocdCm,
        waveDelayMs: 0,
      });
      const status = await syncer.reconcile('manual');
      expect(seen.at(-1)).toEqual({ [key]: 'return {status = "Degraded"}' });
      expect(status.health.status).toBe('Degraded');
    } finally {
      repo.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
