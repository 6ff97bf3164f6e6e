/**
 * The controller as the chart runs it: `controllers/main.ts` started with exactly the Deployment's
 * arguments (values: region us-east-2, the AWS simulator as awsEndpoint, vantage cluster-use2, a
 * free metrics port), talking to the embedded Kubernetes API through a proxy that enforces the
 * chart's RBAC for its ServiceAccount. It must become ready on the readiness probe, answer the
 * liveness probe and /metrics, take the Lease, probe its RegionHealth and run an unplanned
 * failover to Succeeded — with no request refused.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AwsSimulator } from '../../../local/aws/index.js';
import { writeKubeconfig } from '../../../local/kube/index.js';
import type { RegionHealth } from '../../../src/apis/index.js';
import {
  approvedAtApply,
  exampleIn,
  GROUP,
  type KubeSide,
  startKubeSide,
  startSeededSimulator,
  VERSION,
  waitForFailover,
} from '../../controller/platform.js';
import { freePort } from '../../real/support/ports.js';
import { waitFor } from '../../support/wait.js';
import { type RbacProxy, startRbacProxy } from './rbac-proxy.js';
import { deploymentOf, grantsOf, RELEASE, render, repoRoot } from './support.js';

const NS = 'trading';
const FAILOVER = 'trading-failover-use1-outage';

let side: KubeSide;
let sim: AwsSimulator;
let proxy: RbacProxy;
let controller: ChildProcess;
let output = '';
let dir: string;
let objects: ReturnType<typeof render>;

const httpGet = async (port: number, path: string) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
  } catch {
    return 0;
  }
};

beforeAll(async () => {
  side = await startKubeSide();
  sim = await startSeededSimulator();
  sim.faults.apply('region-down', ['us-east-1']);
  for (const name of [NS, RELEASE.namespace])
    await side.ok(
      ['apply', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }),
    );
  await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', NS));

  objects = render({
    region: 'us-east-2',
    awsEndpoint: sim.url,
    vantage: 'cluster-use2',
    metrics: { port: await freePort() },
  });
  const kubeconfigOfSide = parse(readFileSync(side.kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string } }[];
  };
  proxy = await startRbacProxy(kubeconfigOfSide.clusters[0]?.cluster.server ?? '', grantsOf(objects));
  dir = mkdtempSync(join(tmpdir(), 'switchyard-chart-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, proxy.url);
  controller = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'controllers/main.ts'), ...deploymentOf(objects).container.args],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // In a pod the client finds the in-cluster config; here $KUBECONFIG, which it reads the same way.
      env: {
        ...process.env,
        KUBECONFIG: kubeconfig,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
    },
  );
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  controller.stdout?.on('data', keep);
  controller.stderr?.on('data', keep);
}, 60_000);

afterAll(async () => {
  if (controller && controller.exitCode === null) {
    const exited = new Promise((resolve) => controller.once('exit', resolve));
    controller.kill('SIGTERM');
    await exited;
  }
  await proxy?.close();
  await sim?.close();
  await side?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the controller with the chart’s arguments and RBAC', () => {
  it('passes the readiness and liveness probes and serves /metrics on the container port', async () => {
    const { container } = deploymentOf(objects);
    const port = container.ports[0]?.containerPort ?? 0;
    await waitFor(
      async () => (await httpGet(port, container.readinessProbe.httpGet.path)) === 200,
      `readiness probe ${container.readinessProbe.httpGet.path} (controller output: ${output})`,
      45_000,
    );
    expect(await httpGet(port, container.livenessProbe.httpGet.path)).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
  }, 60_000);

  it('takes the Lease in the release namespace, probes its vantage and runs a failover to Succeeded, with no request refused', async () => {
    const leases = await side.ok(['get', 'leases', '-n', RELEASE.namespace, '-o', 'name']);
    // One Lease per region (controllers/main.ts), so two regions sharing a cluster do not block each other.
    expect(leases.trim()).toBe('lease.coordination.k8s.io/switchyard-controller-us-east-2');

    const [alb] = sim.albs.filter((a) => a.region === 'us-east-1');
    await side.ok(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'RegionHealth',
        metadata: { name: 'use1-from-use2', namespace: NS },
        spec: {
          region: 'us-east-1',
          vantage: 'cluster-use2',
          probes: [
            {
              name: 'alb',
              type: 'HTTP',
              http: { url: `http://${alb?.address}:${alb?.port}/healthz` },
              interval: '500ms',
              timeout: '400ms',
              failureThreshold: 1,
            },
          ],
        },
      }),
    );
    await waitFor(
      async () => {
        const health = (await side.api.getNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: NS,
          plural: 'regionhealths',
          name: 'use1-from-use2',
        })) as RegionHealth;
        return health.status?.healthy === false;
      },
      `the controller's probe result for us-east-1 (output: ${output})`,
      20_000,
    );

    await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', NS, approvedAtApply()));
    await waitForFailover(
      side,
      NS,
      FAILOVER,
      (f) => f.status?.phase === 'Succeeded',
      `Succeeded (output: ${output})`,
      45_000,
    );
    const events = await side.ok(['get', 'events', '-n', NS, '-o', 'name']);
    expect(events.trim().split('\n').length).toBeGreaterThan(1);

    expect(proxy.denied).toEqual([]);
    const used = new Set(proxy.requests.map((r) => `${r.verb} ${r.apiGroup}/${r.resource}`));
    for (const call of [
      'watch failover.switchyard.dev/failovers',
      'patch failover.switchyard.dev/failovers/status',
      'update failover.switchyard.dev/failoverplans/status',
      'patch failover.switchyard.dev/regionhealths/status',
      'create /events',
      'create coordination.k8s.io/leases',
    ]) {
      expect(used, call).toContain(call);
    }
  }, 90_000);
});
