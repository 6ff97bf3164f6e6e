/**
 * Real Argo CD v3.2.11 (application controller + repo server, Redis) syncing the environments
 * repository that `switchyard publish` pushed to a local bare repository: one instance per region,
 * each in its own network namespace with its own full kube-apiserver, syncing its region's folder
 * (docs/environments-repo.md, ADR 0017). The embedded syncer (local/gitops, ADR 0018) is the
 * stand-in this checks: the same published folder, the same rules, read by the real thing.
 *
 * What runs here and what stands in, per cluster:
 * - installed before the first sync, as a management cluster has them: Crossplane core's CRDs (its
 *   module's cluster/crds, copied by real:setup), Argo CD's CRDs and settings objects (its module);
 *   our argocd-cm patch (src/gitops/argocd-cm.ts) over the install's, then the published AppProject
 *   and Application, applied with kubectl as the bring-up says.
 * - no Crossplane and no node run here: local/crossplane's package manager and XRD controller
 *   (`startCrossplaneCore`: packages install their CRDs and report Healthy, each XRD's composite
 *   CRD, derived as Crossplane does by src/schema/xrd.ts) and the workload status stand-in
 *   (local/cluster/workloads.ts: Deployments available, PodDisruptionBudgets healthy) run on the
 *   test's side against each kube-apiserver; the real Crossplane composing XRs is another suite.
 *   Nothing composes here: the XR is left alone, its health is what our Lua says of an XR no
 *   Crossplane has composed.
 * - the failover controller (controllers/) runs on the test's side against each instance's
 *   kube-apiserver, with the AWS simulator.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type RunningController, startController } from '../../controllers/controller.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { PollingController } from '../../local/cluster/polling.js';
import { startWorkloadStatus } from '../../local/cluster/workloads.js';
import { startCrossplaneCore } from '../../local/crossplane/runtime/index.js';
import { Cluster } from '../../local/gitops/cluster.js';
import { GROUP, VERSION } from '../../src/apis/common.js';
import { type PairRegion, REGION_PAIR } from '../../src/estate/common/parameters.js';
import { application } from '../../src/gitops/argocd.js';
import { argocdCmPatch } from '../../src/gitops/argocd-cm.js';
import {
  argocdCmHealthData,
  healthCoversFromArgocdCm,
  healthFromArgocdCm,
} from '../../src/gitops/health/index.js';
import { ARGOCD_CM, ARGOCD_NAMESPACE, applicationName, clusterDir } from '../../src/gitops/names.js';
import { publish } from '../../src/gitops/publish.js';
import { projectRoot } from '../../src/schema/paths.js';
import { examplePlan, mutatingCalls } from '../controller/estate.js';
import { HoldingProxy } from '../controller/holding-proxy.js';
import { exampleIn, startSeededSimulator, testControllerOptions } from '../controller/platform.js';
import { TEST_DEPLOYMENT_MESSAGE } from '../gitops/management-cluster.js';
import { awsState, controllerFields, fights, type OwnedField } from '../gitops/ownership.js';
import { Kubectl } from '../support/kubectl.js';
import { waitFor } from '../support/wait.js';
import {
  type ApplicationStatus,
  type Argocd,
  hardRefresh,
  installCrds,
  type KubeRequest,
  readApplication,
  readYamlDir,
  requestOf,
  startArgocd,
  waitForApplication,
} from './support/argocd.js';
import { expectEveryAddressListenerConfined, expectNoHostListener } from './support/confinement.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { type KubeApiserver, startKubeApiserver } from './support/kube-apiserver.js';
import { startedForFile, stopAll } from './support/lifecycle.js';
import { type NetworkNamespace, startNetworkNamespace } from './support/netns.js';
import { crossplaneCrds } from './support/paths.js';

type KubeObject = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata: Record<string, unknown>;
};

const BRANCH = 'main';
const PLATFORM_XR = join(projectRoot(), 'examples/estate/trading-platform.yaml');
const NAMESPACE = examplePlan.metadata.namespace ?? 'trading';
/** Argo CD's polling interval here (production default 120 s; no webhook reaches a local repository). */
const RECONCILIATION_SECONDS = 10;
/** Failovers are not in the published folder (ADR 0017); this test commits one outside clusters/. */
const FAILOVERS_DIR = 'failovers/us-east-2';

interface Instance {
  region: PairRegion;
  netns: NetworkNamespace;
  kube: KubeApiserver;
  request: KubeRequest;
  cluster: Cluster;
  argocd: Argocd;
  standIns: PollingController[];
  startMs: Record<string, number>;
}

interface Platform {
  dir: string;
  remote: string;
  firstCommit: string;
  instances: Map<PairRegion, Instance>;
  stop(): Promise<void>;
}

/** Logged figures (start times, sync times) for the README and the reply. */
const figures: Record<string, number> = {};
const figure = (name: string, ms: number) => {
  figures[name] = ms;
  process.stdout.write(`argocd-sync figure: ${name} = ${ms} ms\n`);
};

/** Crossplane core's CRDs, as its Helm chart installs them before anything is synced. */
// The CRDs of the Crossplane core test:real runs (real:setup's crossplane-crds component).
const crossplaneCoreCrds = () => readYamlDir(crossplaneCrds);

async function startInstance(region: PairRegion, remote: string, dir: string): Promise<Instance> {
  const started: { stop(): Promise<void> }[] = [];
  try {
    const t0 = Date.now();
    const netns = await startNetworkNamespace(region);
    started.push(netns);
    const t1 = Date.now();
    // Its port is bridged to the host's loopback: the test, kubectl and the failover controller
    // reach the server; it and Argo CD never listen outside the namespace.
    const kube = await startKubeApiserver({ netns });
    started.push(kube);
    const kubeMs = Date.now() - t1;
    const request = requestOf(kube);
    await installCrds(request, crossplaneCoreCrds());
    const argocd = await startArgocd({
      name: region,
      netns,
      kubeconfig: kube.kubeconfig,
      request,
      settings: argocdCmPatch(argocdCmHealthData()),
      repositories: [remote],
      reconciliationSeconds: RECONCILIATION_SECONDS,
      dir: join(dir, `argocd-${region}`),
    });
    started.push(argocd);
    const log = pino({ level: 'silent' });
    const standIns = [
      startCrossplaneCore({ kubeconfig: kube.kubeconfig, log, intervalMs: 200 }),
      startWorkloadStatus({ kubeconfig: kube.kubeconfig, log, availableMessage: TEST_DEPLOYMENT_MESSAGE }),
    ];
    const startMs = {
      netns: t1 - t0,
      kubeApiserver: kubeMs,
      redis: argocd.startMs.redis,
      repoServer: argocd.startMs.repoServer,
      applicationController: argocd.startMs.controller,
    };
    for (const [name, ms] of Object.entries(startMs)) figure(`${region} start ${name}`, ms);
    return {
      region,
      netns,
      kube,
      request,
      cluster: Cluster.fromKubeconfig(kube.kubeconfig),
      argocd,
      standIns,
      startMs,
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopInstance(instance: Instance) {
  await Promise.all(instance.standIns.map((standIn) => standIn.stop()));
  await instance.argocd.stop();
  await instance.kube.stop();
  await instance.netns.stop();
}

/** `kubectl apply -f -` of YAML documents, as the person bringing a cluster up runs it. */
async function kubectlApply(instance: Instance, texts: readonly string[]) {
  const kubectl = new Kubectl(instance.kube.kubeconfig);
  try {
    await kubectl.ok(['apply', '-f', '-'], texts.join('\n---\n'));
  } finally {
    kubectl.dispose();
  }
}

/** The published files of a region's folder that bring a cluster up (docs/environments-repo.md). */
async function bringUp(instance: Instance, files: readonly { path: string; text: string }[]) {
  const folder = clusterDir(instance.region);
  const texts = ['argocd/project.yaml', 'argocd/application.yaml'].map((name) => {
    const file = files.find((candidate) => candidate.path === `${folder}/${name}`);
    if (!file) throw new Error(`publish wrote no ${folder}/${name}`);
    return file.text;
  });
  await kubectlApply(instance, texts);
}

const platform = startedForFile<Platform>(
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-argocd-'));
    const bare = join(dir, 'environments.git');
    execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch', BRANCH, bare]);
    // A URL, not a path: the published Application's repoURL is what publish was given.
    const remote = `file://${bare}`;
    const outcome = await publish({ root: projectRoot(), inputs: [PLATFORM_XR], remote, branch: BRANCH });
    const instances = new Map<PairRegion, Instance>();
    const stop = async () => {
      for (const instance of instances.values()) await stopInstance(instance);
      rmSync(dir, { recursive: true, force: true });
    };
    try {
      for (const region of REGION_PAIR) instances.set(region, await startInstance(region, remote, dir));
      for (const instance of instances.values()) await bringUp(instance, outcome.files);
    } catch (error) {
      await stop();
      throw error;
    }
    return { dir, remote, firstCommit: outcome.commit, instances, stop };
  },
  (started) => started.stop(),
);

showLogsOnFailure(() =>
  [...(platform.peek()?.instances.values() ?? [])].flatMap((instance) => [
    instance.kube.process,
    ...instance.argocd.processes(),
  ]),
);

const instanceIn = (region: PairRegion) => {
  const found = platform.get().instances.get(region);
  if (!found) throw new Error(`no Argo CD instance for ${region}`);
  return found;
};

const synced = (revision: string) => (app: ApplicationStatus) =>
  app.sync?.status === 'Synced' &&
  app.sync.revision === revision &&
  app.operationState?.phase === 'Succeeded' &&
  app.operationState.syncResult?.revision === revision;

/** The live object a resource entry of Application.status names. */
async function liveObject(instance: Instance, resource: ResourceEntry): Promise<KubeObject> {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  const scope = resource.namespace ? `/namespaces/${resource.namespace}` : '';
  const discovered = await instance.cluster.resourceFor(
    resource.group ? `${resource.group}/${resource.version}` : resource.version,
    resource.kind,
  );
  if (!discovered) throw new Error(`${resource.kind} is not served`);
  const response = await instance.request('GET', `${base}${scope}/${discovered.name}/${resource.name}`);
  if (response.status !== 200) throw new Error(`GET ${resource.kind}/${resource.name}: ${response.status}`);
  return response.body as KubeObject;
}

type ResourceEntry = NonNullable<ApplicationStatus['resources']>[number];

/** The live argocd-cm data: what Argo CD reads its health customizations from. */
async function liveArgocdCm(instance: Instance): Promise<Record<string, string>> {
  const response = await instance.request(
    'GET',
    `/api/v1/namespaces/${ARGOCD_NAMESPACE}/configmaps/${ARGOCD_CM}`,
  );
  return ((response.body as { data?: Record<string, string> }).data ?? {}) as Record<string, string>;
}

describe('real Argo CD v3.2.11 syncs the published environments repository', () => {
  it('each region’s Argo CD syncs its folder to the published commit: Synced, the operation Succeeded', async () => {
    const { firstCommit, instances } = platform.get();
    const begin = Date.now();
    await Promise.all(
      [...instances.values()].map(async (instance) => {
        const app = await waitForApplication(
          instance.request,
          applicationName('trading', instance.region),
          synced(firstCommit),
          `${instance.region} Synced at ${firstCommit.slice(0, 12)}`,
          300_000,
        );
        figure(`${instance.region} bring-up → Synced`, Date.now() - begin);
        expect(instance.standIns.map((standIn) => String(standIn.failure() ?? ''))).toEqual(['', '']);
        expect(app.operationState?.message).toMatch(/successfully synced/);
      }),
    );
    // The plan Git delivered is the one the simulator is seeded for (the failover tests rely on it).
    const plan = await instanceIn('us-east-2').request(
      'GET',
      `/apis/${GROUP}/${VERSION}/namespaces/${NAMESPACE}/failoverplans/${String(examplePlan.metadata.name)}`,
    );
    expect((plan.body as KubeObject).spec).toEqual(examplePlan.spec);
  }, 320_000);

  it('every resource is Healthy, or exactly what our health Lua says of it (the XR no Crossplane composed)', async () => {
    for (const region of REGION_PAIR) {
      const instance = instanceIn(region);
      const app = await readApplication(instance.request, applicationName('trading', region));
      const data = await liveArgocdCm(instance);
      const ours = healthFromArgocdCm(data);
      const covers = healthCoversFromArgocdCm(data);
      const resources = app.resources ?? [];
      expect(resources.length, region).toBeGreaterThan(20);
      const report = await Promise.all(
        resources.map(async (resource) => {
          const id = `${resource.group || 'core'}/${resource.kind} ${resource.namespace ?? ''}/${resource.name}`;
          const apiVersion = resource.group ? `${resource.group}/${resource.version}` : resource.version;
          const expected = covers(apiVersion, resource.kind)
            ? ours(await liveObject(instance, resource))
            : undefined;
          return { id, kind: resource.kind, sync: resource.status, argo: resource.health, expected };
        }),
      );
      expect(
        report.filter((entry) => entry.sync !== 'Synced').map((entry) => entry.id),
        region,
      ).toEqual([]);
      // Where our Lua assesses the kind, Argo CD's dashboard shows exactly its answer.
      const assessed = report.filter((entry) => entry.expected !== undefined);
      expect(assessed.length, region).toBeGreaterThan(10);
      for (const entry of assessed) {
        const shown = { status: entry.argo?.status, message: entry.argo?.message };
        expect({ id: entry.id, ...shown }, region).toEqual({ id: entry.id, ...entry.expected });
      }
      // Everything else Argo CD assesses with its own checks is Healthy; only XRs are not.
      const notHealthy = report.filter((entry) => entry.argo && entry.argo.status !== 'Healthy');
      expect(
        notHealthy
          .filter((entry) => !entry.id.startsWith('platform.switchyard.dev/'))
          .map((entry) => entry.id),
        region,
      ).toEqual([]);
      const xrs = report.filter((entry) => entry.id.startsWith('platform.switchyard.dev/'));
      expect(xrs.length, region).toBe(region === 'us-east-2' ? 1 : 0);
      expect(app.health?.status, region).toBe(xrs[0]?.expected?.status ?? 'Healthy');
    }
  });

  it('Argo CD’s listeners bind every address inside the namespace only: the host cannot reach its metrics', async () => {
    for (const region of REGION_PAIR) {
      const { netns, argocd } = instanceIn(region);
      for (const [component, child, port] of [
        ['application controller', argocd.controller, argocd.ports.controllerMetrics],
        ['repo server', argocd.repoServer, argocd.ports.repoServerMetrics],
      ] as const)
        await expectEveryAddressListenerConfined(
          netns,
          { label: `${region} ${component}`, pid: child.pid },
          port,
        );
      expectNoHostListener({ label: `${region} redis`, pid: argocd.redis.pid });
    }
  });
});

describe('a failover under real Argo CD', () => {
  const controllers: RunningController[] = [];
  let sim: AwsSimulator | undefined;
  let proxy: HoldingProxy | undefined;
  const failoverName = () =>
    String((parse(exampleIn('failover-switchover.yaml', NAMESPACE)) as KubeObject).metadata.name);
  const failoversApp = 'trading-failovers-us-east-2';

  /** Argo CD's view of the Failover in the failovers Application, and our Lua's of the live object. */
  async function failoverHealth() {
    const instance = instanceIn('us-east-2');
    const app = await readApplication(instance.request, failoversApp);
    const entry = (app.resources ?? []).find((resource) => resource.kind === 'Failover');
    const live = await instance.request(
      'GET',
      `/apis/${GROUP}/${VERSION}/namespaces/${NAMESPACE}/failovers/${failoverName()}`,
    );
    const object = live.body as KubeObject & { status?: { phase?: string; currentStep?: string } };
    const lua = live.status === 200 ? healthFromArgocdCm(await liveArgocdCm(instance))(object) : undefined;
    return { argo: entry?.health, lua, phase: object.status?.phase, step: object.status?.currentStep };
  }

  it('a Failover committed to Git shows its phase as health in its Application: Progressing with the step, then Healthy', async () => {
    const { dir, remote } = platform.get();
    sim = await startSeededSimulator();
    proxy = await HoldingProxy.start(sim.url);
    for (const region of REGION_PAIR) {
      const options = testControllerOptions(
        { kubeconfig: instanceIn(region).kube.kubeconfig },
        sim,
        proxy.url,
      );
      controllers.push(await startController({ ...options, region }));
    }
    // The scale-up of the standby: while AWS does not answer it, the Failover stays Running at that
    // step (each attempt ends at its deadline and is retried, about a minute before the step fails).
    proxy.pause('SetDesiredCapacity');
    commitFile(
      dir,
      remote,
      `${FAILOVERS_DIR}/switchover.yaml`,
      exampleIn('failover-switchover.yaml', NAMESPACE),
    );
    await kubectlApply(instanceIn('us-east-2'), [JSON.stringify(failoversApplication(remote))]);

    // Argo CD shows what our Lua said of the Failover at some moment: its message names the attempt,
    // which moves on while Argo CD's status catches up, so it is compared with every answer seen.
    const luaSaid = new Set<string>();
    const progressing = await pollUntil(
      async () => {
        const health = await failoverHealth();
        if (health.lua?.message) luaSaid.add(health.lua.message);
        return health;
      },
      (h) =>
        h.argo?.status === 'Progressing' &&
        luaSaid.has(h.argo.message ?? '') &&
        (h.argo.message ?? '').includes(`step ${h.step} (`),
      'Argo CD to report the held step',
      50_000,
    );
    expect({ phase: progressing.phase, step: progressing.step }).toEqual({
      phase: 'Running',
      step: 'scale-up',
    });
    expect(progressing.argo?.message).toMatch(/^Running step scale-up \(\d+ of \d+\): /);

    await proxy.resume();
    const healthy = await pollUntil(
      failoverHealth,
      (h) => h.argo?.status === 'Healthy',
      'Argo CD to report the Failover Healthy',
      120_000,
    );
    expect(healthy.phase).toBe('Succeeded');
    expect({ status: healthy.argo?.status, message: healthy.argo?.message }).toEqual(healthy.lua);
  }, 300_000);

  it('no fight: after the failover, a hard refresh with self-heal reverts nothing the controller set', async () => {
    if (!sim) throw new Error('the failover test did not run');
    const simulator = sim;
    await Promise.all(controllers.splice(0).map((controller) => controller.stop()));
    const { instances, remote } = platform.get();
    const aws = await awsState(simulator);
    const calls = mutatingCalls(simulator).length;
    const owned = new Map<PairRegion, OwnedField[]>();
    for (const region of REGION_PAIR) owned.set(region, await controllerFields(instanceIn(region).cluster));
    expect(new Set([...owned.values()].flat().map((field) => field.object.split(' ')[0]))).toEqual(
      new Set(['FailoverPlan', 'Failover']),
    );
    // The plan is derived, not runtime state: publishing again after the failover commits nothing.
    const head = gitHead(remote);
    const again = await publish({ root: projectRoot(), inputs: [PLATFORM_XR], remote, branch: BRANCH });
    expect({ changed: again.changed, commit: again.commit }).toEqual({ changed: false, commit: head });

    const apps = [
      ...[...instances.values()].map((instance) => ({
        instance,
        name: applicationName('trading', instance.region),
      })),
      { instance: instanceIn('us-east-2'), name: failoversApp },
    ];
    for (const { instance, name } of apps) {
      const before = await readApplication(instance.request, name);
      await hardRefresh(instance.request, name);
      const after = await waitForApplication(
        instance.request,
        name,
        (app) =>
          app.reconciledAt !== undefined && app.reconciledAt !== before.reconciledAt && !app.refreshRequested,
        `${name} hard refresh`,
        60_000,
      );
      // Self-heal would have started an operation for any drift; none ran, nothing is OutOfSync.
      expect({ sync: after.sync?.status, operation: after.operationState?.startedAt }, name).toEqual({
        sync: 'Synced',
        operation: before.operationState?.startedAt,
      });
      expect(
        (after.resources ?? []).filter((r) => r.status !== 'Synced').map((r) => `${r.kind}/${r.name}`),
      ).toEqual([]);
    }
    for (const region of REGION_PAIR) {
      expect(await fights(instanceIn(region).cluster, region, owned.get(region) ?? []), region).toEqual([]);
    }
    expect(await awsState(simulator)).toEqual(aws);
    expect(mutatingCalls(simulator).length).toBe(calls);
  }, 180_000);

  it('a push that changes one XR is applied by Argo CD (push → Synced timed)', async () => {
    const { dir, remote } = platform.get();
    const east2 = instanceIn('us-east-2');
    const xr = parse(readFileSync(PLATFORM_XR, 'utf8')) as KubeObject & { spec: { imageId: string } };
    const imageId = xr.spec.imageId.replace(/.$/, (last) => (last === '1' ? '2' : '1'));
    const edited = join(dir, 'edited');
    mkdirSync(edited, { recursive: true });
    writeFileSync(
      join(edited, 'trading-platform.yaml'),
      JSON.stringify({ ...xr, spec: { ...xr.spec, imageId } }),
    );
    const pushed = await publish({ root: projectRoot(), inputs: [edited], remote, branch: BRANCH });
    const pushedAt = Date.now();
    // What the repository's webhook would trigger; polling alone waits for the repo server's cache
    // of the branch's revision (--revision-cache-expiration, 3 min) as well as timeout.reconciliation.
    await hardRefresh(east2.request, applicationName('trading', 'us-east-2'));
    expect(pushed.changes.map((change) => `${change.status} ${change.path}`)).toEqual([
      `M ${clusterDir('us-east-2')}/platforms/trading/trading-platform.yaml`,
    ]);
    await waitForApplication(
      east2.request,
      applicationName('trading', 'us-east-2'),
      synced(pushed.commit),
      `us-east-2 Synced at ${pushed.commit.slice(0, 12)}`,
      120_000,
    );
    figure('push → Synced (us-east-2, hard refresh after the push)', Date.now() - pushedAt);
    const live = await east2.request(
      'GET',
      `/apis/platform.switchyard.dev/v1alpha1/namespaces/${NAMESPACE}/tradingplatforms/trading`,
    );
    expect((live.body as { spec: { imageId: string } }).spec.imageId).toBe(imageId);
  }, 150_000);

  afterAll(async () => {
    await Promise.all(controllers.splice(0).map((controller) => controller.stop()));
    await proxy?.close();
    await sim?.close();
  });
});

/** The branch's commit in the bare repository. */
const gitHead = (remote: string) =>
  execFileSync('git', ['--git-dir', remote.replace(/^file:\/\//, ''), 'rev-parse', BRANCH], {
    encoding: 'utf8',
  }).trim();

/** A person's commit of one file to the branch (a temporary clone, a commit, a push). */
function commitFile(dir: string, remote: string, path: string, text: string) {
  const work = mkdtempSync(join(dir, 'commit-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', work, ...args], { encoding: 'utf8' });
  execFileSync('git', ['clone', '--quiet', '--branch', BRANCH, remote, work]);
  mkdirSync(join(work, path, '..'), { recursive: true });
  writeFileSync(join(work, path), text);
  git('add', path);
  git(
    '-c',
    'user.name=oncall',
    '-c',
    'user.email=oncall@example.com',
    'commit',
    '--quiet',
    '-m',
    `Failover: ${path}`,
  );
  git('push', '--quiet', 'origin', BRANCH);
  rmSync(work, { recursive: true, force: true });
}

/**
 * An Application for the Failovers folder, with the platform Application's sync rules (automated,
 * self-heal, server-side apply, the controller's fields ignored), in the default project: the
 * platform's AppProject allows exactly what publish writes, and Failovers are not among it.
 */
function failoversApplication(remote: string): KubeObject {
  const platformApp = application({
    platformId: 'trading',
    region: 'us-east-2',
    repoURL: remote,
    branch: BRANCH,
    path: FAILOVERS_DIR,
    namespace: NAMESPACE,
  }) as unknown as KubeObject & { spec: Record<string, unknown> };
  return {
    ...platformApp,
    metadata: { ...platformApp.metadata, name: 'trading-failovers-us-east-2' },
    spec: { ...platformApp.spec, project: 'default' },
  };
}

/** Polls `probe` every 250 ms until `done` holds for its value; the timeout error shows the last value. */
async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs: number,
): Promise<T> {
  let last: T | undefined;
  return waitFor(
    async () => {
      last = await probe();
      return done(last) ? last : undefined;
    },
    () => `${what}; last: ${JSON.stringify(last)}`,
    { timeoutMs, intervalMs: 250 },
  );
}
