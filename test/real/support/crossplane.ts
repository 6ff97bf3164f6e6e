/**
 * Real Crossplane core (v2.2.0, tools/real/crossplane) against a real kube-apiserver, with the real
 * composition functions, wired the way a cluster without a package manager can run it
 * (docs/adr/0021-real-crossplane.md, reference §7):
 *
 * - Crossplane's own CRDs (cluster/crds of the same module) are installed first;
 * - each function runs as a local process serving gRPC over mutual TLS (a test CA, a server
 *   certificate for 127.0.0.1), and Crossplane gets that CA and a client certificate in
 *   `--tls-client-certs-dir`;
 * - `--package-runtime=External`: Crossplane runs no package. Each Function is created as our
 *   packages.yaml declares it, plus a hand-made active FunctionRevision whose status names the
 *   process's endpoint and the `composition` capability, before any Composition or XR exists
 *   (Crossplane checks a Composition's functions' capabilities when it revisions it). Both carry
 *   `packagePullPolicy: Never`, so the package manager never pulls a package that would replace
 *   the hand-made revision;
 * - webhooks are off (they need a serving certificate and a Service); the metrics and health
 *   listeners get free ports;
 * - Crossplane and the functions run inside the network namespace of the kube-apiserver they talk
 *   to (netns.ts, reference §8): Crossplane's metrics and health listeners and the functions'
 *   metrics server bind every address (no flag for loopback only), so only there are they out of
 *   reach of anything but that namespace.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FunctionName, functionBinaries, type RunningFunction, startFunction } from './crank.js';
import { type ApiClient, installCrds, readCrds } from './crds.js';
import type { NetworkNamespace } from './netns.js';
import { crossplaneCrds, realBin, requireBuilt } from './paths.js';
import { type RunningProcess, startProcess } from './process.js';
import { createTestCa } from './test-ca.js';

/** A pkg.crossplane.io/v1 Function as the project's packages.yaml declares it. */
export interface FunctionPackage {
  apiVersion: string;
  kind: 'Function';
  metadata: { name: string; labels?: Record<string, string> };
  spec: { package: string; [field: string]: unknown };
}

export interface CrossplaneOptions {
  /** The apiserver Crossplane and the harness talk to (admin kubeconfig and requests). */
  apiserver: ApiClient & { kubeconfig: string };
  /** The apiserver's network namespace: Crossplane and the functions run in it too. */
  netns: NetworkNamespace;
  functions: FunctionPackage[];
  /** Watch events an XR may take at once before its circuit breaker opens (Crossplane's default: 100). */
  circuitBreakerBurst?: number;
}

export interface RunningCrossplane {
  process: RunningProcess;
  /** Crossplane's own listeners, inside the namespace (they bind every address there). */
  ports: CorePorts;
  functions: RunningFunction[];
  /** Every process started, for failure logs. */
  processes(): RunningProcess[];
  /** ms from spawning `crossplane core start` to its readiness probe answering. */
  startMs: number;
  stop(): Promise<void>;
}

const PKG = '/apis/pkg.crossplane.io/v1';
/** The label the function runner and the capability checker find a Function's revisions by. */
const PACKAGE_LABEL = 'pkg.crossplane.io/package';

/** `xpkg.crossplane.io/crossplane-contrib/function-auto-ready:v0.7.0` → `function-auto-ready`. */
export function functionBinaryName(pkg: string): FunctionName {
  const name = pkg.split('/').pop()?.split(/[:@]/)[0] ?? '';
  if (!(name in functionBinaries))
    throw new Error(
      `no real:setup binary for function package ${pkg} (have ${Object.keys(functionBinaries)})`,
    );
  return name as FunctionName;
}

async function send(api: ApiClient, method: string, path: string, body: unknown, accepted: number[]) {
  const response = await api.request(method, path, body);
  if (!accepted.includes(response.status))
    throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * The Function, and its one revision marked active with the running process as its endpoint: what
 * the package manager and the Deployment runtime would otherwise produce.
 */
async function registerFunction(api: ApiClient, declared: FunctionPackage, running: RunningFunction) {
  const name = declared.metadata.name;
  const fn = (await send(
    api,
    'POST',
    `${PKG}/functions`,
    { ...declared, spec: { ...declared.spec, packagePullPolicy: 'Never' } },
    [201],
  )) as { metadata: { uid: string } };
  const revisionName = `${name}-local`;
  await send(
    api,
    'POST',
    `${PKG}/functionrevisions`,
    {
      apiVersion: 'pkg.crossplane.io/v1',
      kind: 'FunctionRevision',
      metadata: {
        name: revisionName,
        labels: { [PACKAGE_LABEL]: name },
        ownerReferences: [
          {
            apiVersion: 'pkg.crossplane.io/v1',
            kind: 'Function',
            name,
            uid: fn.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: {
        desiredState: 'Active',
        image: declared.spec.package,
        revision: 1,
        packagePullPolicy: 'Never',
        ignoreCrossplaneConstraints: true,
        skipDependencyResolution: true,
      },
    },
    [201],
  );
  const current = (await send(
    api,
    'GET',
    `${PKG}/functionrevisions/${revisionName}`,
    undefined,
    [200],
  )) as Record<string, unknown>;
  await send(
    api,
    'PUT',
    `${PKG}/functionrevisions/${revisionName}/status`,
    { ...current, status: { endpoint: running.target, capabilities: ['composition'] } },
    [200],
  );
}

/** GET /readyz on 127.0.0.1:port inside the namespace (through its bridge; nothing opens on the host). */
function healthy(netns: NetworkNamespace, port: number): Promise<boolean> {
  return new Promise((resolveHealthy) => {
    const createConnection = () => netns.connect(port);
    const req = request({ createConnection, path: '/readyz', timeout: 2_000 }, (res) => {
      res.resume();
      resolveHealthy(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolveHealthy(false));
    req.end();
  });
}

export interface CoreOptions {
  /** Where Crossplane runs: the namespace of the apiserver its kubeconfig names. */
  netns: NetworkNamespace;
  kubeconfig: string;
  /** ca.crt, tls.crt and tls.key: the CA functions' certificates chain to, and Crossplane's client certificate. */
  tlsClientCertsDir: string;
  /** Package cache (unused with the External runtime, but Crossplane wants a writable one). */
  cacheDir: string;
  circuitBreakerBurst?: number;
}

export interface CorePorts {
  metrics: number;
  health: number;
}

/** `crossplane core start` with the External package runtime; ready when its /readyz answers. */
export async function startCrossplaneCore(
  options: CoreOptions,
): Promise<{ process: RunningProcess; ports: CorePorts; startMs: number }> {
  requireBuilt(realBin.crossplane);
  const { netns } = options;
  // Free on the host too, so a test can show the host's loopback does not answer on them.
  const ports = { metrics: await netns.freePort(), health: await netns.freePort() };
  const begin = Date.now();
  const core = await startProcess({
    name: 'crossplane',
    ...netns.wrap(realBin.crossplane, [
      'core',
      'start',
      '--package-runtime=External',
      `--tls-client-certs-dir=${options.tlsClientCertsDir}`,
      '--enable-webhooks=false',
      `--cache-dir=${options.cacheDir}`,
      `--metrics-port=${ports.metrics}`,
      `--health-probe-port=${ports.health}`,
      ...(options.circuitBreakerBurst ? [`--circuit-breaker-burst=${options.circuitBreakerBurst}`] : []),
      ...(process.env.SWITCHYARD_CROSSPLANE_DEBUG ? ['--debug'] : []),
    ]),
    env: { KUBECONFIG: options.kubeconfig, POD_NAMESPACE: 'crossplane-system' },
    isReady: () => healthy(netns, ports.health),
    readyTimeoutMs: 60_000,
  });
  return { process: core, ports, startMs: Date.now() - begin };
}

/**
 * Installs Crossplane's CRDs, starts and registers the functions (mTLS), then the core. Everything
 * started is stopped again if a later step fails.
 */
export async function startCrossplane({
  apiserver,
  netns,
  functions,
  circuitBreakerBurst,
}: CrossplaneOptions): Promise<RunningCrossplane> {
  requireBuilt(realBin.crossplane, crossplaneCrds);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-crossplane-'));
  const started: RunningProcess[] = [];
  const running: RunningFunction[] = [];
  const stop = async () => {
    for (const child of started.splice(0).reverse()) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await installCrds(
      apiserver,
      readCrds(crossplaneCrds).map(({ crd }) => crd),
    );
    const ca = await createTestCa(join(dir, 'pki'));
    for (const declared of functions) {
      const certs = await ca.issueServer(declared.metadata.name);
      const fn = await startFunction(functionBinaryName(declared.spec.package), {
        tlsCertsDir: certs.dir,
        netns,
      });
      started.push(fn.process);
      running.push({ ...fn, name: declared.metadata.name });
      await registerFunction(apiserver, declared, fn);
    }
    const client = await ca.issueClient('crossplane');
    const core = await startCrossplaneCore({
      netns,
      kubeconfig: apiserver.kubeconfig,
      tlsClientCertsDir: client.dir,
      cacheDir: join(dir, 'xpkg'),
      circuitBreakerBurst,
    });
    started.push(core.process);
    return {
      process: core.process,
      ports: core.ports,
      functions: running,
      processes: () => [...started],
      startMs: core.startMs,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
