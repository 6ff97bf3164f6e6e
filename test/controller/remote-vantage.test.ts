/**
 * The second vantage of a real regional outage (ADR 0007, "Vantages"). When us-east-1 fails, the
 * us-east-1 cluster fails with it: its controller can no longer report, and its old reports go
 * stale. The standby's controller alone is one vantage, so the trigger must not fire — until a
 * probe-only agent in a third place (`controllers/main.ts --probe-only`, here "us-west-2") writes
 * its RegionHealth status into the standby's cluster through the API server, behind RBAC that
 * grants it RegionHealth and nothing else.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RunningController, startController } from '../../controllers/controller.js';
import { PROBE_AGENT_PERMISSIONS } from '../../controllers/kube/permissions.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { writeKubeconfig } from '../../local/kube/index.js';
import { waitFor } from '../support/wait.js';
import { type RbacProxy, startRbacProxy } from '../unit/chart/rbac-proxy.js';
import { clusterIdIn, writerOf } from './estate.js';
import {
  healthName,
  healthRounds,
  QUIET_ROUNDS,
  regionHealthManifest,
  roundsTimeout,
  WINDOW,
} from './health-rounds.js';
import {
  exampleIn,
  type KubeSide,
  repoRoot,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
  waitForFailover,
} from './platform.js';
import { VantagePaths } from './vantage-proxy.js';

const NS = 'remote';
const STANDBY = 'cluster-use2';
const EXTERNAL = 'external-usw2';
/** cluster-use1's RegionHealth objects exist (synced from Git) but nobody probes them: its cluster is gone. */
const VANTAGES = ['cluster-use1', STANDBY, EXTERNAL];
const FROM_STANDBY = [healthName('us-east-1', STANDBY), healthName('us-east-2', STANDBY)];
const FROM_EXTERNAL = [healthName('us-east-1', EXTERNAL), healthName('us-east-2', EXTERNAL)];

let side: KubeSide;
let sim: AwsSimulator;
let standby: RunningController;
let rbac: RbacProxy | undefined;
let agent: ChildProcess | undefined;
let dir: string;
let rounds: ReturnType<typeof healthRounds>;

const paths = new VantagePaths();
const proxy = (vantage: string, target: string) => paths.to(vantage, target);

beforeAll(async () => {
  side = await startKubeSide();
  sim = await startSeededSimulator();
  dir = mkdtempSync(join(tmpdir(), 'switchyard-remote-vantage-'));
  await side.createNamespace(NS);
  await side.ok(
    ['apply', '-f', '-'],
    exampleIn('failover-plan.yaml', NS, (t) =>
      t.replace('approval: WhenLagExceedsBudget', 'approval: Never'),
    ),
  );
  const manifests: object[] = [];
  for (const vantage of VANTAGES) {
    for (const alb of sim.albs) {
      const albUrl = await proxy(vantage, `http://${alb.address}:${alb.port}`);
      manifests.push(regionHealthManifest(NS, alb.region, vantage, albUrl));
    }
  }
  await side.ok(['apply', '-f', '-'], manifests.map((m) => stringify(m)).join('---\n'));
  standby = await startController({
    ...testControllerOptions(side, sim, await proxy(STANDBY, sim.url)),
    region: 'us-east-2',
    vantage: STANDBY,
    identity: `controller-${STANDBY}`,
  });
  rounds = healthRounds(side, NS);
  await rounds.waitForHealth(FROM_STANDBY, () => true, 'both regions healthy from the standby');
});

afterAll(async () => {
  await killAgent();
  await standby?.stop();
  await rbac?.close();
  await paths.closeAll();
  await sim?.close();
  await side?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function killAgent(): Promise<void> {
  return new Promise((resolve) => {
    if (!agent || agent.exitCode !== null || agent.signalCode !== null) return resolve();
    agent.once('exit', () => resolve());
    agent.kill('SIGTERM');
  });
}

describe('a vantage outside the failed region', () => {
  it('us-east-1 down with its cluster: the standby alone is one vantage, so no Failover', async () => {
    sim.faults.apply('region-down', ['us-east-1']);
    await rounds.waitForHealth(
      FROM_STANDBY,
      (name) => name.startsWith('use2-'),
      'us-east-1 failing from the standby',
    );
    const seen = await rounds.watchRounds(FROM_STANDBY, QUIET_ROUNDS);
    expect(seen.get(healthName('us-east-1', STANDBY))?.filter((h) => !h).length).toBeGreaterThanOrEqual(
      QUIET_ROUNDS - 1,
    );
    // The dead cluster's RegionHealth objects were never reported: they cannot vote.
    expect(
      (await rounds.readHealth(healthName('us-east-1', 'cluster-use1'))).status?.signals,
    ).toBeUndefined();
    expect(await rounds.failovers()).toEqual([]);
  }, 60_000);

  it('a probe-only agent in a third place, allowed RegionHealth only, adds the second vantage: the standby fails over', async () => {
    rbac = await startRbacProxy(side.serverUrl, [
      {
        rules: PROBE_AGENT_PERMISSIONS.map((p) => ({
          apiGroups: [p.apiGroup],
          resources: [p.resource],
          verbs: [...p.verbs],
        })),
      },
    ]);
    const kubeconfig = join(dir, 'agent-kubeconfig');
    writeKubeconfig(kubeconfig, rbac.url);
    const awsPath = await proxy(EXTERNAL, sim.url);
    agent = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'controllers/main.ts'),
        '--probe-only',
        '--vantage',
        EXTERNAL,
        '--region',
        'us-west-2',
        '--kubeconfig',
        kubeconfig,
        '--aws-endpoint',
        awsPath,
        '--log-level',
        'warn',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
    );

    const created = await waitFor(
      async () => (await rounds.failovers())[0],
      'an automatic Failover',
      roundsTimeout(WINDOW.outOf * 4) + 10_000,
    );
    expect(created.metadata?.labels).toMatchObject({ 'failover.switchyard.dev/trigger': 'automatic' });
    const BOTH = '\\(alb, aurora-writer\\)';
    expect(created.spec.reason).toMatch(
      // Both vantages vote, each with every signal of the plan's All policy failing.
      new RegExp(
        `^automatic, signalPolicy All: .* on (${STANDBY} ${BOTH}, ${EXTERNAL}|${EXTERNAL} ${BOTH}, ${STANDBY}) ${BOTH}; us-east-2 healthy$`,
      ),
    );
    const done = await waitForFailover(
      side,
      NS,
      created.metadata?.name ?? '',
      (f) => f.status?.phase === 'Succeeded' || f.status?.phase === 'Failed',
      'the automatic Failover to finish',
      30_000,
    );
    expect(done.status?.phase).toBe('Succeeded');
    expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));

    // The agent wrote its vantage's status, and asked for nothing but RegionHealth.
    const fromExternal = await rounds.readHealth(healthName('us-east-1', EXTERNAL));
    expect(fromExternal.status?.healthy).toBe(false);
    expect((await rounds.readHealth(FROM_EXTERNAL[1] ?? '')).status?.healthy).toBe(true);
    expect(rbac.denied).toEqual([]);
    expect(new Set(rbac.requests.map((r) => r.resource))).toEqual(
      new Set(['regionhealths', 'regionhealths/status']),
    );
    expect(rbac.requests.some((r) => r.verb === 'patch' && r.resource === 'regionhealths/status')).toBe(true);
  }, 90_000);
});
