/**
 * `switchyard start` on the two-cluster platform (issue 17): what it refuses before anything runs
 * (a port in use, a state dir it cannot write, corrupt state files, the older layout, a state dir
 * in use), each with one line and exit 1 and nothing left running or changed; and on a running
 * platform a restart that keeps every cluster's objects and AWS's state, and a malformed manifest
 * pushed to the environments repository that the syncer refuses while it keeps serving the last
 * good commit. The newcomer's path end to end is test/e2e/npm-start.test.ts.
 *
 * The state-dir cases call launchPlatform (what `start` runs after its generated-file and manifest
 * checks, ≈5 s); a few go through `runCommand(['start', …])` to prove the CLI's line and exit code.
 */
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_STATE_FILE } from '../../../local/aws/index.js';
import { readStatus, statusFile } from '../../../local/gitops/index.js';
import { checkPortFree } from '../../../local/listen-error.js';
import { LOCK_FILE } from '../../../local/state-lock.js';
import { runCommand } from '../../../src/cli/commands.js';
import {
  type LaunchedPlatform,
  type LaunchOptions,
  launchPlatform,
} from '../../../src/cli/platform/launch.js';
import { ENVIRONMENTS_BRANCH } from '../../../src/cli/platform/platform.js';
import { projectRoot } from '../../../src/schema/paths.js';
import { memoryIo } from '../../support/memory-io.js';
import { sleep, waitFor } from '../../support/wait.js';

const GROUP = 'failover.switchyard.dev';
const VERSION = 'v1alpha1';
const NAMESPACE = 'trading';
const READY_TIMEOUT_S = 120;
const LOCK_HOLDER = join(import.meta.dirname, '../local/lock-holder.ts');
const CREDENTIALS = { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' };

const root = projectRoot();
const scratch = mkdtempSync(join(tmpdir(), 'switchyard-start-'));
let dirCount = 0;
const newStateDir = () => join(scratch, `state-${++dirCount}`);
/**
 * The state dir the port-in-use refusals try first and the running platform then starts on: that
 * start succeeding is what proves the refused ones released the lock and left nothing behind.
 */
const sharedStateDir = newStateDir();

const launchOptions = (
  stateDir: string,
  ports: { kubePort?: number; awsPort?: number } = {},
): LaunchOptions => ({
  root,
  stateDir,
  kubePort: ports.kubePort ?? 0,
  awsPort: ports.awsPort ?? 0,
  timeScale: 0.01,
  readyTimeoutMs: READY_TIMEOUT_S * 1_000,
});

/** The launch's error message; fails the test when it launched. */
async function launchRefusal(options: LaunchOptions): Promise<string> {
  const progress: string[] = [];
  try {
    const launched = await launchPlatform(options, (line) => progress.push(line));
    await launched.stop();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error(`the platform started on ${options.stateDir}: ${progress.join('\n')}`);
}

/** Servers, sockets and timers this process holds (what would keep a refused `start` from exiting). */
function liveHandles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo())
    if (['TCPServerWrap', 'TCPSocketWrap', 'Timeout'].includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * What is held now beyond `before`, once the event loop settled (closing servers and cleared
 * timers leave on the next turns): what a refused `start` left behind.
 */
async function handlesLeftSince(before: Record<string, number>): Promise<Record<string, number>> {
  await sleep(200);
  const left: Record<string, number> = {};
  for (const [kind, count] of Object.entries(liveHandles()))
    if (count > (before[kind] ?? 0)) left[kind] = count - (before[kind] ?? 0);
  return left;
}

async function listeningBlocker(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** A listening blocker on a port p whose p - 1 is free, so `--kube-port p-1` collides only in us-east-2. */
async function blockerAbovePortFree(): Promise<{ server: Server; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const blocker = await listeningBlocker();
    try {
      await checkPortFree('127.0.0.1', blocker.port - 1, 'the port below');
      return blocker;
    } catch (error) {
      await closeServer(blocker.server);
      if (attempt === 10) throw error;
    }
  }
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** Every file under `dir` with its bytes, to show a refusal changed nothing. */
function snapshotTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[path] = readFileSync(path, 'base64');
  }
  return files;
}

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('switchyard start refuses what it cannot run on, with one line and nothing left running', () => {
  it("a port already in use (the AWS simulator's, through the CLI; then either region's Kubernetes API's)", async () => {
    const { server, port } = await blockerAbovePortFree();
    try {
      const before = liveHandles();
      const io = memoryIo();
      const code = await runCommand(
        [
          'start',
          '--once',
          '--state-dir',
          sharedStateDir,
          '--aws-port',
          String(port),
          '--ready-timeout',
          '120',
        ],
        io,
      );
      expect(code).toBe(1);
      expect(io.err()).toBe(
        `switchyard start: AWS simulator: 127.0.0.1:${port} is already in use; choose another port (0 picks a free one)\n`,
      );
      expect(existsSync(join(sharedStateDir, LOCK_FILE))).toBe(false);
      expect(await handlesLeftSince(before)).toEqual({});

      // --kube-port is us-east-1's API server's, us-east-2's takes the next: either taken is refused
      // before anything starts (no AWS state, nothing published, no cluster laid out).
      for (const [kubePort, region] of [
        [port, 'us-east-1'],
        [port - 1, 'us-east-2'],
      ] as const) {
        const message = await launchRefusal(launchOptions(sharedStateDir, { kubePort }));
        expect(message, region).toBe(
          `Kubernetes API: 127.0.0.1:${port} is already in use; choose another port (0 picks a free one)`,
        );
        expect(existsSync(join(sharedStateDir, 'aws', AWS_STATE_FILE))).toBe(false);
        expect(existsSync(join(sharedStateDir, 'environments.git'))).toBe(false);
        for (const cluster of ['us-east-1', 'us-east-2'])
          expect(existsSync(join(sharedStateDir, 'clusters', cluster, 'objects.json'))).toBe(false);
        expect(existsSync(join(sharedStateDir, LOCK_FILE))).toBe(false);
        expect(await handlesLeftSince(before)).toEqual({});
      }
    } finally {
      await closeServer(server);
    }
  }, 30_000);

  it('a state dir that cannot be written: under /proc (through the CLI), and a file in its place', async () => {
    const io = memoryIo();
    expect(await runCommand(['start', '--once', '--state-dir', '/proc/x'], io)).toBe(1);
    expect(io.err()).toMatch(
      /^switchyard start: \/proc\/x: cannot be created as a state dir \(.+\); choose a --state-dir this process can write\n$/,
    );

    const file = newStateDir();
    writeFileSync(file, 'not a directory\n');
    expect(await launchRefusal(launchOptions(file))).toBe(
      `${file}: cannot be created as a state dir (a file is in the way, not a directory); choose a --state-dir this process can write`,
    );
    expect(readFileSync(file, 'utf8')).toBe('not a directory\n');
  }, 30_000);

  it("a corrupt objects.json of us-east-1's cluster: named, left as it is, and nothing started", async () => {
    const stateDir = newStateDir();
    const objects = join(stateDir, 'clusters', 'us-east-1', 'objects.json');
    mkdirSync(join(objects, '..'), { recursive: true });
    writeFileSync(objects, '{"version":2,"revision":7,"resources":[{"key":');
    const before = liveHandles();
    expect(await launchRefusal(launchOptions(stateDir))).toMatch(
      new RegExp(
        `^${escapeRegExp(objects)}: is not valid JSON, it may be truncated or corrupt \\(.+\\); move it away or start with an empty --state-dir$`,
      ),
    );
    expect(readFileSync(objects, 'utf8')).toBe('{"version":2,"revision":7,"resources":[{"key":');
    // Refused before anything ran: no AWS state saved, nothing published, no other cluster synced.
    expect(existsSync(join(stateDir, 'aws', AWS_STATE_FILE))).toBe(false);
    expect(existsSync(join(stateDir, 'environments.git'))).toBe(false);
    expect(existsSync(join(stateDir, 'clusters', 'us-east-2', 'objects.json'))).toBe(false);
    expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false);
    expect(await handlesLeftSince(before)).toEqual({});
  }, 30_000);

  it('a corrupt aws/aws.json: named, left as it is, and nothing started', async () => {
    const stateDir = newStateDir();
    const awsState = join(stateDir, 'aws', AWS_STATE_FILE);
    mkdirSync(join(awsState, '..'), { recursive: true });
    writeFileSync(awsState, '{"layout": "switchyard-aws-simulator", "version": 1, "sec');
    expect(await launchRefusal(launchOptions(stateDir))).toMatch(
      new RegExp(
        `^${escapeRegExp(awsState)}: is not valid JSON, it may be truncated or corrupt \\(.+\\); move it away or start with an empty --state-dir$`,
      ),
    );
    expect(readFileSync(awsState, 'utf8')).toBe('{"layout": "switchyard-aws-simulator", "version": 1, "sec');
    expect(existsSync(join(stateDir, 'environments.git'))).toBe(false);
    expect(existsSync(join(stateDir, 'clusters', 'us-east-1', 'objects.json'))).toBe(false);
    expect(existsSync(join(stateDir, LOCK_FILE))).toBe(false);
  }, 30_000);

  it('the state dir of the older one-API-server npm start: refused and untouched', async () => {
    const stateDir = newStateDir();
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'objects.json'), '{"version":2,"revision":1,"resources":[]}\n');
    writeFileSync(join(stateDir, 'aws.json'), '{}\n');
    const before = snapshotTree(stateDir);
    expect(await launchRefusal(launchOptions(stateDir))).toBe(
      `${stateDir}: holds the state of an older npm start (one Kubernetes API for both regions); move it away or start with an empty --state-dir`,
    );
    expect(snapshotTree(stateDir)).toEqual(before);
    expect(readdirSync(stateDir).sort()).toEqual(['aws.json', 'objects.json']);
  }, 30_000);

  it('a state dir another process is using: refused through the CLI, naming its pid', async () => {
    const stateDir = newStateDir();
    const holder = spawn(process.execPath, ['--import', 'tsx', LOCK_HOLDER, stateDir], { stdio: 'pipe' });
    try {
      expect(await firstLine(holder)).toBe(`locked ${holder.pid}`);
      const io = memoryIo();
      expect(await runCommand(['start', '--once', '--state-dir', stateDir], io)).toBe(1);
      const lines = io.err().split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(
          `^switchyard start: ${escapeRegExp(join(stateDir, LOCK_FILE))}: the state dir is in use by process ${holder.pid} on .+; stop that process or use another --state-dir$`,
        ),
      );
      // The holder's lock is still its own, and nothing of the platform was laid out.
      expect(JSON.parse(readFileSync(join(stateDir, LOCK_FILE), 'utf8')).pid).toBe(holder.pid);
      expect(existsSync(join(stateDir, 'layout.json'))).toBe(false);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 30_000);
});

describe('a running platform', () => {
  let launched: LaunchedPlatform | undefined;
  let progress: string[] = [];

  const start = async () => {
    progress = [];
    launched = await launchPlatform(launchOptions(sharedStateDir), (line) => progress.push(line));
    return launched;
  };

  beforeAll(
    async () => {
      // On the state dir the refused starts above tried first: they left it usable.
      await start();
    },
    (READY_TIMEOUT_S + 30) * 1_000,
  );

  afterAll(async () => {
    await launched?.stop();
  }, 30_000);

  it("a restart keeps each cluster's objects and AWS's state (a switchover's writer), and does not re-publish", async () => {
    const platform = running(launched).platform;
    const kubeconfig = platform.paths.kubeconfig;
    // A planned Switchover, applied in us-east-2's cluster: us-east-2's controller runs it.
    await customObjects(kubeconfig, 'us-east-2').createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: 'failovers',
      body: {
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'Failover',
        metadata: { name: 'kept-over-restart' },
        spec: { planRef: { name: 'trading' }, type: 'Switchover', targetRegion: 'us-east-2' },
      },
    });
    const finished = await waitFor(
      async () => {
        const failover = await getFailover(kubeconfig, 'us-east-2', 'kept-over-restart');
        return ['Succeeded', 'Failed'].includes(failover.status?.phase ?? '') ? failover : undefined;
      },
      'the Switchover finished',
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    expect(finished.status?.phase, JSON.stringify(finished.status?.conditions)).toBe('Succeeded');
    expect(await writerRegion(platform.aws.url)).toBe('us-east-2');
    const objectsBefore = await clusterObjects(kubeconfig);
    const published = platform.published.commit;

    await running(launched).stop();
    launched = undefined;
    const restarted = await start();

    expect(progress[0]).toBe(
      `environments repo: already holds ${published.slice(0, 12)} (${join(sharedStateDir, 'environments.git')})`,
    );
    expect(restarted.platform.published).toEqual({ commit: published, changed: false });
    const kept = await getFailover(restarted.platform.paths.kubeconfig, 'us-east-2', 'kept-over-restart');
    expect(kept.metadata.uid).toBe(finished.metadata.uid);
    expect(kept.status?.phase).toBe('Succeeded');
    expect(await clusterObjects(restarted.platform.paths.kubeconfig)).toEqual(objectsBefore);
    // AWS kept its state: the writer is where the Switchover put it, and nothing was created again.
    expect(await writerRegion(restarted.platform.aws.url)).toBe('us-east-2');
    expect(restarted.platform.aws.journal.list().filter((entry) => /^Create/.test(entry.operation))).toEqual(
      [],
    );
  }, 240_000);

  it('a malformed manifest pushed to the environments repository is refused by file and field; the last good commit keeps being served', async () => {
    const platform = running(launched).platform;
    const lastGood = platform.published.commit;
    const kubeconfig = platform.paths.kubeconfig;
    const clone = join(scratch, 'clone');
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', clone, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    execFileSync('git', ['clone', '--quiet', '--branch', ENVIRONMENTS_BRANCH, platform.paths.repo, clone]);
    const planFile = 'clusters/us-east-2/platforms/trading/failover-plan.yaml';
    const healthFile = 'clusters/us-east-2/platforms/trading/region-health.yaml';
    const edit = (file: string, from: string, to: string) => {
      const text = readFileSync(join(clone, file), 'utf8');
      expect(text).toContain(from);
      writeFileSync(join(clone, file), text.replace(from, to));
    };
    // One broken document, and a valid change in another file of the same commit.
    edit(planFile, '      failing: 3\n', '      failing: three\n');
    edit(
      healthFile,
      '    platform.switchyard.dev/platform-id: trading\n',
      '    platform.switchyard.dev/platform-id: trading\n    test.switchyard.dev/from-refused-commit: "yes"\n',
    );
    git(
      '-c',
      'user.name=test',
      '-c',
      'user.email=test@example.com',
      'commit',
      '--quiet',
      '-am',
      'a malformed plan',
    );
    git('push', '--quiet', 'origin', ENVIRONMENTS_BRANCH);
    const refusedCommit = git('rev-parse', 'HEAD').trim();

    const status = await waitFor(
      async () => {
        const current = readStatus(statusFile(platform.paths.root, { region: 'us-east-2' }));
        return current?.rejected?.revision === refusedCommit ? current : undefined;
      },
      "us-east-2's syncer reported the commit rejected",
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(status.rejected?.problems).toContainEqual(
      expect.objectContaining({
        file: planFile,
        kind: 'FailoverPlan',
        name: 'trading',
        path: expect.stringContaining('spec.automatic.window.failing'),
      }),
    );
    expect(status.sync).toEqual({ status: 'Synced', revision: lastGood });
    expect(status.health.status).toBe('Healthy');
    // us-east-1's folder is not broken by that commit: its syncer moves on to it.
    await waitFor(
      async () =>
        readStatus(statusFile(platform.paths.root, { region: 'us-east-1' }))?.sync.revision ===
          refusedCommit || undefined,
      "us-east-1's syncer took the commit",
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    // Nothing of the refused commit reached us-east-2's cluster, sync passes later.
    await sleep(3_000);
    const api = customObjects(kubeconfig, 'us-east-2');
    const plan = (await api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: 'failoverplans',
      name: 'trading',
    })) as { spec: { automatic: { window: { failing: unknown } } } };
    expect(plan.spec.automatic.window.failing).toBe(3);
    const healths = (await api.listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: NAMESPACE,
      plural: 'regionhealths',
    })) as { items: { metadata: { labels?: Record<string, string> } }[] };
    expect(healths.items.length).toBeGreaterThan(0);
    for (const health of healths.items)
      expect(health.metadata.labels?.['test.switchyard.dev/from-refused-commit']).toBeUndefined();
    const after = readStatus(statusFile(platform.paths.root, { region: 'us-east-2' }));
    expect(after?.sync).toEqual({ status: 'Synced', revision: lastGood });
    expect(after?.health.status).toBe('Healthy');
  }, 90_000);
});

function running(launched: LaunchedPlatform | undefined): LaunchedPlatform {
  if (!launched) throw new Error('the platform is not running (see the beforeAll or the restart test)');
  return launched;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`lock holder exited (${code}): ${buffered}`)));
  });
}

function customObjects(kubeconfig: string, context: string): CustomObjectsApi {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  config.setCurrentContext(context);
  return config.makeApiClient(CustomObjectsApi);
}

interface FailoverObject {
  metadata: { uid?: string };
  status?: { phase?: string; conditions?: unknown[] };
}

async function getFailover(kubeconfig: string, context: string, name: string): Promise<FailoverObject> {
  return (await customObjects(kubeconfig, context).getNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: NAMESPACE,
    plural: 'failovers',
    name,
  })) as FailoverObject;
}

/** Per region, the identity of the platform's objects: kind, name and uid. */
async function clusterObjects(kubeconfig: string): Promise<Record<string, string[]>> {
  const identities: Record<string, string[]> = {};
  for (const context of ['us-east-1', 'us-east-2']) {
    const api = customObjects(kubeconfig, context);
    identities[context] = [];
    for (const plural of ['failoverplans', 'failovers', 'regionhealths']) {
      const list = (await api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NAMESPACE,
        plural,
      })) as {
        items: { metadata: { name: string; uid: string } }[];
      };
      identities[context].push(
        ...list.items.map((item) => `${plural}/${item.metadata.name} ${item.metadata.uid}`),
      );
    }
    const platforms = (await api.listNamespacedCustomObject({
      group: 'platform.switchyard.dev',
      version: 'v1alpha1',
      namespace: NAMESPACE,
      plural: 'tradingplatforms',
    })) as { items: { metadata: { name: string; uid: string } }[] };
    identities[context].push(
      ...platforms.items.map((item) => `tradingplatforms/${item.metadata.name} ${item.metadata.uid}`),
    );
    identities[context].sort();
  }
  return identities;
}

/** The region of Aurora's writer, asked of us-east-2's RDS endpoint of the simulator. */
async function writerRegion(awsUrl: string): Promise<string | undefined> {
  const rds = new RDSClient({ endpoint: awsUrl, region: 'us-east-2', credentials: CREDENTIALS });
  try {
    const out = await rds.send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'trading-global' }),
    );
    const writer = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((member) => member.IsWriter);
    return writer?.DBClusterArn?.split(':')[3];
  } finally {
    rds.destroy();
  }
}
