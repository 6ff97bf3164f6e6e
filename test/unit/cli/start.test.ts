import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/cli/commands.js';
import { type EmbeddedPlatform, startEmbeddedPlatform } from '../../../src/cli/embedded-platform.js';
import { projectRoot } from '../../../src/schema/paths.js';
import { memoryIo } from '../../support/memory-io.js';

const group = 'failover.switchyard.dev';
const version = 'v1alpha1';

describe('switchyard start', () => {
  const stateDirs: string[] = [];
  const newStateDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-start-'));
    stateDirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('checks generated files and every emitted manifest, then starts and stops the platform', async () => {
    const io = memoryIo();
    const code = await runCommand(['start', '--once', '--state-dir', newStateDir()], io);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const out = io.out();
    expect(out).toContain('generated files: up to date');
    expect(out).toMatch(/manifests: [1-9]\d* documents in examples.* 0 invalid/);
    expect(out).toMatch(/Kubernetes API +http:\/\/127\.0\.0\.1:\d+ +\(kubeconfig .+kubeconfig\)/);
    expect(out).toMatch(/AWS simulator +http:\/\/127\.0\.0\.1:\d+/);
    expect(out).toContain('FailoverPlan trading/trading');
    expect(out).toContain('platform stopped');
  });

  it('serves the plan to client-node, runs an applied switchover to Succeeded, and keeps objects over a restart', async () => {
    const stateDir = newStateDir();
    const options = { root: projectRoot(), stateDir, kubePort: 0, awsPort: 0, timeScale: 0.0001 };
    let platform: EmbeddedPlatform = await startEmbeddedPlatform(options);
    try {
      const api = clientFor(platform.kubeconfig);
      const plans = await api.listNamespacedCustomObject({
        group,
        version,
        namespace: 'trading',
        plural: 'failoverplans',
      });
      expect(
        (plans as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name),
      ).toEqual(['trading']);
      const health = await api.listNamespacedCustomObject({
        group,
        version,
        namespace: 'trading',
        plural: 'regionhealths',
      });
      expect((health as { items: unknown[] }).items).toHaveLength(4);

      // The main job: a user applies a planned switchover and the regional controller runs it.
      await api.createNamespacedCustomObject({
        group,
        version,
        namespace: 'trading',
        plural: 'failovers',
        body: {
          apiVersion: `${group}/${version}`,
          kind: 'Failover',
          metadata: { name: 'kept-over-restart' },
          spec: { planRef: { name: 'trading' }, type: 'Switchover', targetRegion: 'us-east-2' },
        },
      });
      const finished = await waitForPhase(api, 'kept-over-restart', ['Succeeded', 'Failed']);
      expect(finished.status.phase, JSON.stringify(finished.status.conditions)).toBe('Succeeded');
      const switchovers = platform.aws.journal.list({ operation: 'SwitchoverGlobalCluster' });
      expect(switchovers.map((entry) => entry.region)).toEqual(['us-east-1']);

      await platform.close();
      platform = await startEmbeddedPlatform(options);

      const kept = await clientFor(platform.kubeconfig).getNamespacedCustomObject({
        group,
        version,
        namespace: 'trading',
        plural: 'failovers',
        name: 'kept-over-restart',
      });
      expect((kept as { spec: { targetRegion: string } }).spec.targetRegion).toBe('us-east-2');
    } finally {
      await platform.close();
    }
  });

  it('refuses a bad port with a one-line error and exit code 2', async () => {
    const io = memoryIo();
    expect(await runCommand(['start', '--aws-port', 'eighty'], io)).toBe(2);
    expect(io.err()).toBe('switchyard start: --aws-port must be a port number, got "eighty"\n');
  });
});

interface FailoverObject {
  status: { phase?: string; conditions?: unknown[] };
}

async function waitForPhase(api: CustomObjectsApi, name: string, phases: string[]): Promise<FailoverObject> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const failover = (await api.getNamespacedCustomObject({
      group,
      version,
      namespace: 'trading',
      plural: 'failovers',
      name,
    })) as FailoverObject;
    if (phases.includes(failover.status?.phase ?? '') || Date.now() > deadline) return failover;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function clientFor(kubeconfigPath: string): CustomObjectsApi {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath);
  return config.makeApiClient(CustomObjectsApi);
}
