/**
 * Real Argo CD v3.2.11 (tools/real/argocd, built by `npm run real:setup`): Redis, the repo server
 * and the application controller of one instance, inside that instance's network namespace
 * (netns.ts), against a full kube-apiserver running in the same namespace. ADR 0020-real-argocd.
 *
 * Installed the way a cluster gets Argo CD, minus its Deployments: the release's CRDs (server-side
 * apply: they exceed the client-side annotation), the `argocd` namespace, the install manifest's
 * settings objects (argocd-cm, argocd-rbac-cm, argocd-cmd-params-cm, argocd-secret), the `default`
 * AppProject, and one repository Secret per repository. Our own argocd-cm patch (src/gitops) is
 * then applied over the install's argocd-cm, as an operator's bring-up and the published folder do.
 *
 * The Application's destination is `https://kubernetes.default.svc`. Outside a pod Argo CD resolves
 * it with ARGOCD_FAKE_IN_CLUSTER=true and KUBECONFIG (its own switch for running out of cluster),
 * so the in-cluster destination is the kube-apiserver of this instance.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { sleep, waitFor } from '../../support/wait.js';
import type { KubeApiserver } from './kube-apiserver.js';
import type { NetworkNamespace } from './netns.js';
import { realBin, realCache, requireBuilt } from './paths.js';
import { type RunningProcess, startProcess } from './process.js';

/** A request to the instance's kube-apiserver (status, parsed body, text). */
export type KubeRequest = (
  method: string,
  path: string,
  body?: unknown,
  options?: { contentType?: string },
) => Promise<{ status: number; text: string; body: unknown }>;

/** The harness's admin request, in the shape the install takes. */
export const requestOf =
  (server: Pick<KubeApiserver, 'request'>): KubeRequest =>
  async (method, path, body, options) => {
    const response = await server.request(method, path, body, options?.contentType);
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    return { status: response.status, body: response.body, text };
  };

type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/** Where real:setup put Argo CD's CRDs and install settings (same release as the binary). */
export const argocdBuild = join(realCache, 'argocd-build');
export const ARGOCD_NAMESPACE = 'argocd';
const INSTALL_MANAGER = 'switchyard-test-install';
const APPLY = { contentType: 'application/apply-patch+yaml' };

export interface ArgocdOptions {
  /** Short name for logs, e.g. the region. */
  name: string;
  netns: NetworkNamespace;
  /** The instance's kube-apiserver: its admin kubeconfig and a request function. */
  kubeconfig: string;
  request: KubeRequest;
  /** Our argocd-cm (argocdCmPatch), applied server-side over the install's. */
  settings: KubeObject;
  /** Git URLs registered as repository Secrets. */
  repositories: string[];
  /** The controller's `timeout.reconciliation` (ARGOCD_RECONCILIATION_TIMEOUT), seconds. */
  reconciliationSeconds: number;
  /** A directory of the instance's own (TMPDIR of the repo server, its ask-pass socket). */
  dir: string;
}

export interface Argocd {
  redis: RunningProcess;
  repoServer: RunningProcess;
  controller: RunningProcess;
  /** Ports inside the namespace. */
  ports: { redis: number; repoServer: number; repoServerMetrics: number; controllerMetrics: number };
  /** Milliseconds from spawn to listening, per component. */
  startMs: { redis: number; repoServer: number; controller: number };
  processes(): RunningProcess[];
  stop(): Promise<void>;
}

/** `redis-server` on PATH: real:setup installs Debian's package when it is missing. */
export function redisServerPath(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const candidate = join(dir, 'redis-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(
    'redis-server not found on PATH: run `npm run real:setup` (it installs Debian’s redis-server)',
  );
}

/** Every YAML document file of a directory (one object each), sorted by name. */
export const readYamlDir = (dir: string): KubeObject[] =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => parse(readFileSync(join(dir, file), 'utf8')) as KubeObject);

async function ok(request: KubeRequest, method: string, path: string, body?: unknown, options = {}) {
  const response = await request(method, path, body, options);
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  return response.body as KubeObject;
}

/** Server-side apply of one object under the install's field manager. */
export function applyObject(request: KubeRequest, object: KubeObject, manager = INSTALL_MANAGER) {
  const name = String(object.metadata.name);
  const namespace = object.metadata.namespace as string | undefined;
  const [group, version] = String(object.apiVersion).includes('/')
    ? String(object.apiVersion).split('/')
    : ['', String(object.apiVersion)];
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const plural = PLURALS[String(object.kind)];
  if (!plural) throw new Error(`applyObject: no plural known for ${String(object.kind)}`);
  const path = `${base}${namespace ? `/namespaces/${namespace}` : ''}/${plural}/${name}`;
  return ok(request, 'PATCH', `${path}?fieldManager=${manager}&force=true`, object, APPLY);
}

/** The kinds the install applies (and the test's bring-up: Application, AppProject). */
const PLURALS: Readonly<Record<string, string>> = {
  CustomResourceDefinition: 'customresourcedefinitions',
  Namespace: 'namespaces',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  AppProject: 'appprojects',
  Application: 'applications',
};

async function waitEstablished(request: KubeRequest, name: string) {
  await waitFor(
    async () => {
      const crd = await ok(request, 'GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conditions = ((crd.status as { conditions?: { type: string; status: string }[] })?.conditions ??
        []) as { type: string; status: string }[];
      return conditions.some((c) => c.type === 'Established' && c.status === 'True');
    },
    `CRD ${name} Established`,
    { timeoutMs: 30_000, intervalMs: 100 },
  );
}

/** CRDs applied server-side (large ones exceed the client-side annotation), then Established. */
export async function installCrds(request: KubeRequest, crds: readonly KubeObject[]) {
  for (const crd of crds) await applyObject(request, crd);
  for (const crd of crds) await waitEstablished(request, String(crd.metadata.name));
}

/** Argo CD's CRDs, namespace, settings objects, default project and repository Secrets. */
export async function installArgocd(options: Pick<ArgocdOptions, 'request' | 'settings' | 'repositories'>) {
  const { request } = options;
  await installCrds(request, readYamlDir(join(argocdBuild, 'crds')));
  await applyObject(request, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGOCD_NAMESPACE } });
  for (const object of readYamlDir(join(argocdBuild, 'config'))) {
    await applyObject(request, { ...object, metadata: { ...object.metadata, namespace: ARGOCD_NAMESPACE } });
  }
  // Ours over the install's: another manager, so the install's other keys and labels stay.
  await applyObject(request, options.settings, 'switchyard-bring-up');
  await applyObject(request, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'default', namespace: ARGOCD_NAMESPACE },
    spec: {
      sourceRepos: ['*'],
      destinations: [{ server: '*', namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
    },
  });
  for (const [index, url] of options.repositories.entries()) {
    await applyObject(request, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: `repository-${index}`,
        namespace: ARGOCD_NAMESPACE,
        labels: { 'argocd.argoproj.io/secret-type': 'repository' },
      },
      stringData: { type: 'git', url },
    });
  }
}

/**
 * Starts Redis, the repo server and the application controller inside `netns`, each ready once its
 * port listens in the namespace (the controller opens its metrics port after its informers synced).
 */
export async function startArgocd(options: ArgocdOptions): Promise<Argocd> {
  const argocdBin = realBin.argocd;
  requireBuilt(argocdBin, join(argocdBuild, 'crds'), join(argocdBuild, 'config'));
  const redisServer = redisServerPath();
  await installArgocd(options);
  mkdirSync(join(options.dir, 'tmp'), { recursive: true });
  const { netns } = options;
  const ports = {
    redis: 6379,
    repoServer: 8081,
    // Free on the host too, so the test can show the host's loopback does not answer on them.
    repoServerMetrics: await netns.freePort(),
    controllerMetrics: await netns.freePort(),
  };
  const listening = (port: number) => () => netns.listening(port);
  const started: RunningProcess[] = [];
  const timed = async (start: () => Promise<RunningProcess>) => {
    const begin = Date.now();
    const child = await start();
    started.push(child);
    return { child, ms: Date.now() - begin };
  };
  const common = {
    // Argo CD keeps clones under os.TempDir() and its ask-pass socket at a fixed /tmp path: per instance.
    TMPDIR: join(options.dir, 'tmp'),
    ARGOCD_ASK_PASS_SOCK: join(options.dir, 'ask-pass.sock'),
    ARGOCD_GPG_ENABLED: 'false',
  };
  try {
    const redis = await timed(() =>
      startProcess({
        name: `redis-${options.name}`,
        ...netns.wrap(redisServer, [
          '--port',
          String(ports.redis),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          options.dir,
        ]),
        isReady: listening(ports.redis),
        readyTimeoutMs: 20_000,
      }),
    );
    const repoServer = await timed(() =>
      startProcess({
        name: `argocd-repo-server-${options.name}`,
        ...netns.wrap(argocdBin, [
          'repo-server',
          '--disable-tls',
          '--port',
          String(ports.repoServer),
          '--metrics-port',
          String(ports.repoServerMetrics),
          '--redis',
          `127.0.0.1:${ports.redis}`,
          '--logformat',
          'text',
        ]),
        env: common,
        isReady: listening(ports.repoServer),
        readyTimeoutMs: 60_000,
      }),
    );
    const controller = await timed(() =>
      startProcess({
        name: `argocd-application-controller-${options.name}`,
        ...netns.wrap(argocdBin, [
          'application-controller',
          '--kubeconfig',
          options.kubeconfig,
          '--namespace',
          ARGOCD_NAMESPACE,
          '--repo-server',
          `127.0.0.1:${ports.repoServer}`,
          '--repo-server-plaintext',
          '--redis',
          `127.0.0.1:${ports.redis}`,
          '--metrics-port',
          String(ports.controllerMetrics),
          // Argo CD v3 keeps resource health in Redis only; persisted, Application.status.resources[].health shows it.
          '--persist-resource-health',
          '--logformat',
          'text',
        ]),
        env: {
          ...common,
          ARGOCD_FAKE_IN_CLUSTER: 'true',
          KUBECONFIG: options.kubeconfig,
          ARGOCD_RECONCILIATION_TIMEOUT: `${options.reconciliationSeconds}s`,
          ARGOCD_RECONCILIATION_JITTER: '0s',
        },
        isReady: listening(ports.controllerMetrics),
        readyTimeoutMs: 90_000,
      }),
    );
    return {
      redis: redis.child,
      repoServer: repoServer.child,
      controller: controller.child,
      ports,
      startMs: { redis: redis.ms, repoServer: repoServer.ms, controller: controller.ms },
      processes: () => [...started],
      async stop() {
        for (const child of started.splice(0).reverse()) await child.stop();
      },
    };
  } catch (error) {
    for (const child of started.splice(0).reverse()) await child.stop();
    throw error;
  }
}

/** The parts of an Application the tests read (status, plus whether a refresh is still pending). */
export interface ApplicationStatus {
  sync?: { status?: string; revision?: string };
  health?: { status?: string; message?: string };
  operationState?: {
    phase?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
    syncResult?: { revision?: string };
  };
  reconciledAt?: string;
  resources?: {
    group?: string;
    version: string;
    kind: string;
    namespace?: string;
    name: string;
    status?: string;
    health?: { status: string; message?: string };
  }[];
  /** The `argocd.argoproj.io/refresh` annotation is still set: Argo CD removes it once it refreshed. */
  refreshRequested: boolean;
}

const REFRESH_ANNOTATION = 'argocd.argoproj.io/refresh';
const applicationPath = (name: string) =>
  `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications/${name}`;

export async function readApplication(request: KubeRequest, name: string): Promise<ApplicationStatus> {
  const app = await ok(request, 'GET', applicationPath(name));
  const annotations = (app.metadata.annotations ?? {}) as Record<string, string>;
  return {
    ...((app.status ?? {}) as Omit<ApplicationStatus, 'refreshRequested'>),
    refreshRequested: annotations[REFRESH_ANNOTATION] !== undefined,
  };
}

/** Polls the Application every 250 ms until `done`; the error shows its last status. */
export async function waitForApplication(
  request: KubeRequest,
  name: string,
  done: (app: ApplicationStatus) => boolean,
  what: string,
  timeoutMs: number,
): Promise<ApplicationStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: ApplicationStatus | undefined;
  while (Date.now() < deadline) {
    last = await readApplication(request, name).catch(() => undefined);
    if (last && done(last)) return last;
    await sleep(250);
  }
  const summary = {
    sync: { status: last?.sync?.status, revision: last?.sync?.revision },
    health: last?.health?.status,
    operation: {
      phase: last?.operationState?.phase,
      message: last?.operationState?.message,
      revision: last?.operationState?.syncResult?.revision,
      startedAt: last?.operationState?.startedAt,
    },
    reconciledAt: last?.reconciledAt,
    refreshRequested: last?.refreshRequested,
  };
  const unsettled = (last?.resources ?? []).filter(
    (r) => r.status !== 'Synced' || (r.health && r.health.status !== 'Healthy'),
  );
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last status: ${JSON.stringify(summary)}; ` +
      `resources not Synced or not Healthy: ${JSON.stringify(unsettled.map((r) => ({ kind: r.kind, name: r.name, status: r.status, health: r.health })))}`,
  );
}

/** What `argocd app get --hard-refresh` does: the annotation, which the controller acts on and removes. */
export async function hardRefresh(request: KubeRequest, name: string): Promise<void> {
  await ok(
    request,
    'PATCH',
    applicationPath(name),
    { metadata: { annotations: { [REFRESH_ANNOTATION]: 'hard' } } },
    { contentType: 'application/merge-patch+json' },
  );
}
