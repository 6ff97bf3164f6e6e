/**
 * The newcomer's path end to end (issue 17): `npm start` as a child process on a fresh state dir,
 * the real kubectl with the kubeconfig it wrote against both region contexts, `npm run demo` as a
 * second process playing the automatic failover and the switch back on that platform, Ctrl-C, and
 * a second `npm start` on the same state dir resuming with the same objects and AWS state.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterVantage } from '../../src/plan/region-health.js';
import { projectRoot } from '../../src/schema/paths.js';
import { interruptNpmStart, type NpmStart, spawnNpmStart } from '../support/npm-start.js';

const root = projectRoot();
const stateDir = mkdtempSync(join(tmpdir(), 'switchyard-e2e-'));
const kubeconfig = join(stateDir, 'kubeconfig');

const startPlatform = () => spawnNpmStart(stateDir);

async function untilOutput(started: NpmStart, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(started.output())) {
    if (Date.now() > deadline || started.child.exitCode !== null)
      throw new Error(`npm start did not print ${pattern}; it printed:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return started.output();
}

const kubectl = (...args: string[]) =>
  execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', timeout: 30_000 });

describe('npm start, kubectl and npm run demo as a newcomer runs them', () => {
  let platform: NpmStart | undefined;
  afterAll(async () => {
    if (platform) await interruptNpmStart(platform);
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('npm start prints ready with both contexts and its endpoints', async () => {
    platform = startPlatform();
    const output = await untilOutput(platform, /platform ready in [\d.]+ s/, 150_000);
    expect(output).toMatch(/us-east-1 +context us-east-1 +Kubernetes API http:\/\/127\.0\.0\.1:\d+/);
    expect(output).toMatch(/us-east-2 +context us-east-2 +Kubernetes API http:\/\/127\.0\.0\.1:\d+/);
    const endpoints = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8')) as {
      regions: { region: string; up: boolean }[];
      control: string;
    };
    expect(endpoints.regions.map((r) => [r.region, r.up])).toEqual([
      ['us-east-1', true],
      ['us-east-2', true],
    ]);
  }, 180_000);

  it('kubectl sees the estate composed and every RegionHealth probed, in each region context', () => {
    expect(kubectl('config', 'get-contexts', '-o', 'name').split('\n').filter(Boolean).sort()).toEqual([
      'us-east-1',
      'us-east-2',
    ]);
    for (const context of ['us-east-1', 'us-east-2'] as const) {
      const healths = JSON.parse(
        kubectl('--context', context, 'get', 'regionhealth', '-n', 'trading', '-o', 'json'),
      ) as {
        items: {
          metadata: { name: string };
          spec: { vantage: string };
          status?: { healthy?: boolean; signals?: unknown[] };
        }[];
      };
      // Two regions × three vantages, all from Git; this cluster's controller and the external
      // agent write theirs, the other cluster's controller only into its own cluster (ADR 0007).
      expect(healths.items).toHaveLength(6);
      const reporting = [clusterVantage(context), 'external'];
      for (const health of healths.items) {
        const probes = health.status?.signals?.length ?? 0;
        const name = `${context} ${health.metadata.name}`;
        if (reporting.includes(health.spec.vantage)) expect(probes, name).toBeGreaterThan(0);
        else expect(probes, name).toBe(0);
      }
    }
    const xr = JSON.parse(
      kubectl('--context', 'us-east-2', 'get', 'tradingplatform', 'trading', '-n', 'trading', '-o', 'json'),
    ) as { status?: { conditions?: { type: string; status: string }[] } };
    expect(xr.status?.conditions).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Ready', status: 'True' })]),
    );
  });

  it('npm run demo: automatic failover to us-east-2, DNS follows, and a Switchover home', () => {
    const output = execFileSync('npm', ['run', 'demo', '--', '--state-dir', stateDir], {
      cwd: root,
      encoding: 'utf8',
      timeout: 600_000,
    });
    expect(output).toContain(`using the platform running at ${stateDir}`);
    expect(output).toMatch(/✓ healthy: Aurora writer us-east-1/);
    expect(output).toMatch(/✓ automatic Failover \S+ created in us-east-2's cluster \(detection [\d.]+ s\)/);
    expect(output).toMatch(/✓ Failover \S+ Succeeded/);
    expect(output).toMatch(/STEP +REGION +STATE +START +DURATION/);
    expect(output).toMatch(/✓ \S+ answers us-east-2; Aurora writer us-east-2/);
    expect(output).toMatch(/✓ region-up us-east-1: back as a secondary/);
    expect(output).toMatch(/✓ Switchover \S+ Succeeded: writer and DNS back in us-east-1/);
    expect(output).toMatch(/detection [\d.]+ s · recovery [\d.]+ s · DNS moved [\d.]+ s/);
  }, 660_000);

  it('Ctrl-C stops everything; a second npm start resumes with the same objects', async () => {
    if (!platform) throw new Error('no platform');
    const failoversBefore = kubectl(
      '--context',
      'us-east-2',
      'get',
      'failover',
      '-n',
      'trading',
      '-o',
      'name',
    );
    // npm itself is interrupted with its process group, as in a terminal; what counts is that the
    // platform under it stopped cleanly.
    const exit = await interruptNpmStart(platform);
    expect(exit.code === 0 || exit.signal === 'SIGINT', JSON.stringify(exit)).toBe(true);
    expect(platform.output()).toContain('platform stopped');
    platform = startPlatform();
    await untilOutput(platform, /platform ready in [\d.]+ s/, 150_000);
    expect(platform.output()).toMatch(/environments repo: already holds/);
    expect(kubectl('--context', 'us-east-2', 'get', 'failover', '-n', 'trading', '-o', 'name')).toBe(
      failoversBefore,
    );
  }, 240_000);
});
