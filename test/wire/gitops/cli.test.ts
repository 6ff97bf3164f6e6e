import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationStatus } from '../../../local/gitops/index.js';
import { runCommand } from '../../../src/cli/commands.js';
import { memoryIo } from '../../support/memory-io.js';
import { installCrds } from '../kube/fixtures.js';
import { type KubeTarget, startEmulatorTarget } from '../kube/target.js';
import { EnvRepo } from './env-repo.js';
import { application, clusterCrds, regionHealth, regionHealthPath } from './fixtures.js';

/** `switchyard gitops sync|status` as a user runs them, against the emulator. */

let target: KubeTarget;
let repo: EnvRepo;
let stateDir: string;
const PATH = 'clusters/us-east-1';
const NAMESPACE = 'cli';
/** The commit the first test syncs: the last good one from then on. */
let good = '';

beforeAll(async () => {
  target = await startEmulatorTarget();
  await installCrds(target, clusterCrds());
  repo = new EnvRepo();
  stateDir = mkdtempSync(join(tmpdir(), 'switchyard-gitops-cli-'));
  repo.write(`${PATH}/argocd/application.yaml`, [
    application({ name: 'cli-us-east-1', path: PATH, namespace: NAMESPACE }),
  ]);
});
afterAll(async () => {
  await target?.close();
  repo?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

async function gitops(...args: string[]) {
  const io = memoryIo();
  const code = await runCommand(['gitops', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const syncArgs = () => [
  'sync',
  '--repo',
  repo.dir,
  '--branch',
  repo.branch,
  '--region',
  'us-east-1',
  '--kubeconfig',
  target.kubeconfig,
  '--state-dir',
  stateDir,
  '--wave-delay',
  '0',
];

describe('switchyard gitops', () => {
  it('syncs the region’s Application and prints what it did, then refuses a bad commit naming file and field', async () => {
    repo.write(`${PATH}/health.yaml`, [regionHealth('a', 0)]);
    good = repo.commit('good');
    const synced = await gitops(...syncArgs());
    expect(synced.code).toBe(0);
    expect(synced.out).toMatch(/^Application: +cli-us-east-1 \(namespace argocd, project default\)$/m);
    expect(synced.out).toMatch(/^Sync Status: +Synced to [0-9a-f]{12}$/m);
    expect(synced.out).toMatch(/^failover\.switchyard\.dev +RegionHealth +cli +a +0 +Synced/m);
    expect(synced.err).toContain('"msg":"commit accepted"');
    expect((await target.request('GET', regionHealthPath(NAMESPACE, 'a'))).status).toBe(200);

    const broken = { ...regionHealth('b', 0), spec: { ...regionHealth('b', 0).spec, colour: 'red' } };
    repo.write(`${PATH}/health.yaml`, [regionHealth('a', 0), broken]);
    const bad = repo.commit('bad');
    const refused = await gitops(...syncArgs());
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(`${PATH}/health.yaml:1 RegionHealth/b spec.colour: unknown field "colour"`);
    expect(refused.out).toContain(`${bad.slice(0, 12)} refused; serving ${good.slice(0, 12)}`);
    expect((await target.request('GET', regionHealthPath(NAMESPACE, 'b'))).status).toBe(404);

    const json = await gitops(
      'status',
      '--state-dir',
      stateDir,
      '--application',
      'cli-us-east-1',
      '-o',
      'json',
    );
    expect(json.code).toBe(0);
    const status = JSON.parse(json.out) as ApplicationStatus;
    expect(status.sync).toEqual({ status: 'Synced', revision: good });
    expect(status.rejected).toEqual({
      revision: bad,
      problems: [
        {
          file: `${PATH}/health.yaml`,
          documentIndex: 1,
          kind: 'RegionHealth',
          name: 'b',
          path: 'spec.colour',
          message: 'unknown field "colour"',
        },
      ],
    });
    const text = await gitops('status', '--state-dir', stateDir);
    expect(text.out).toMatch(/^Health Status: +Healthy$/m);
  });

  it('answers bad usage with exit 2 and a missing status with exit 1, changing nothing', async () => {
    expect((await gitops('sync', '--branch', 'main')).code).toBe(2);
    expect(
      (await gitops('sync', '--repo', repo.dir, '--branch', 'main', '--kubeconfig', target.kubeconfig)).err,
    ).toMatch(/--application <name> or --region <region> is required/);
    expect((await gitops('launch')).code).toBe(2);
    expect((await gitops('status', '-o', 'yaml', '--state-dir', stateDir)).code).toBe(2);
    const empty = await gitops('status', '--state-dir', join(stateDir, 'nothing-here'));
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/no status in .*nothing-here \(run switchyard gitops sync or serve first\)/);
    const missingRepo = await gitops(
      ...syncArgs().map((arg) => (arg === repo.dir ? join(stateDir, 'no-repo') : arg)),
    );
    expect(missingRepo.code).toBe(1);
    expect(missingRepo.out).toMatch(
      /^Conditions:\n {2}ComparisonError: repository .*no-repo does not exist$/m,
    );
    // The status still names the last good commit, for when the repository is back.
    const kept = await gitops('status', '--state-dir', stateDir, '--region', 'us-east-1', '-o', 'json');
    expect((JSON.parse(kept.out) as ApplicationStatus).sync.revision).toBe(good);
  });
});
