/**
 * helm against the emulator and against the full kube-apiserver (issue 20): `helm install`,
 * `upgrade`, `rollback` and `uninstall` of charts/switchyard succeed on both, and after each step
 * the release's objects are the same on both (values each server picks itself masked: uids, times,
 * resourceVersions, the Service's cluster IP). helm validates against /openapi/v3 (and reads
 * /openapi/v2 in protobuf where v3 cannot answer), stores its releases in Secrets and upgrades with
 * three-way strategic merge patches, so this covers the emulator's OpenAPI, Secrets, discovery of
 * the built-in kinds and strategic merge patch at once. A Deployment's status is left out: no
 * controller runs on either server, and the emulator says so in it (local/kube/deployment-status.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../local/kube/index.js';
import { describeResult } from '../support/command.js';
import { normalize } from '../wire/kube/differential.js';
import { type KubeTarget, sendRequest } from '../wire/kube/target.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { startFullKubeTarget } from './support/full-kube-target.js';
import { Helm } from './support/helm.js';
import type { KubeApiserver } from './support/kube-apiserver.js';
import { startedForFile } from './support/lifecycle.js';
import { repoRoot } from './support/paths.js';

const chartDir = join(repoRoot, 'charts/switchyard');
const RELEASE = 'sy';
const NAMESPACE = 'switchyard-system';

interface Side {
  name: 'emulator' | 'kube-apiserver';
  target: KubeTarget;
  helm: Helm;
}

const real = startedForFile(startFullKubeTarget, (target) => target.close());
const emulator = startedForFile(
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-helm-emulator-'));
    const kube: KubeEmulator = await startKubeEmulator();
    const kubeconfig = join(dir, 'kubeconfig');
    writeKubeconfig(kubeconfig, kube.url);
    const target: KubeTarget = {
      name: 'emulator',
      url: kube.url,
      kubeconfig,
      serverManager: 'switchyard-kube',
      request: (method, path, body, options) => sendRequest(kube.url, method, path, body, options),
      close: async () => {
        await kube.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return target;
  },
  (target) => target.close(),
);
showLogsOnFailure(() => [(real.peek() as { apiserver?: KubeApiserver } | undefined)?.apiserver?.process]);

const helms: Helm[] = [];
afterAll(() => {
  for (const helm of helms) helm.dispose();
});

function sides(): Side[] {
  return [
    { name: 'emulator', target: emulator.get() },
    { name: 'kube-apiserver', target: real.get() },
  ].map((side) => {
    const helm = new Helm();
    helms.push(helm);
    return { ...side, helm } as Side;
  });
}

async function helm(side: Side, args: string[]): Promise<string> {
  const result = await side.helm.run([...args, '--kubeconfig', side.target.kubeconfig], {
    timeoutMs: 120_000,
  });
  expect(result.code, `${side.name}: helm ${args.join(' ')}\n${describeResult(result)}`).toBe(0);
  return result.stdout;
}

/** The chart's objects by their REST paths (the default values render these). */
const OBJECTS = [
  `/api/v1/namespaces/${NAMESPACE}/serviceaccounts/${RELEASE}-controller`,
  `/api/v1/namespaces/${NAMESPACE}/services/${RELEASE}-controller-metrics`,
  `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${RELEASE}-controller`,
  `/apis/policy/v1/namespaces/${NAMESPACE}/poddisruptionbudgets/${RELEASE}-controller`,
  `/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/roles/${RELEASE}-controller-leader-election`,
  `/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/rolebindings/${RELEASE}-controller-leader-election`,
  `/apis/rbac.authorization.k8s.io/v1/clusterroles/${RELEASE}-controller`,
  `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${RELEASE}-controller`,
];

/** The release's objects and its release Secrets' labels, comparable across servers. */
async function releaseState(side: Side): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const path of OBJECTS) {
    const response = await side.target.request('GET', path);
    let object =
      response.status === 200 ? (response.body as Record<string, unknown>) : `HTTP ${response.status}`;
    if (typeof object === 'object' && object.kind === 'Deployment') {
      const { status: _status, ...rest } = object;
      const metadata = rest.metadata as { managedFields?: { subresource?: string }[] };
      // The emulator's no-pods status write is its own manager's entry on /status.
      object = {
        ...rest,
        metadata: {
          ...metadata,
          managedFields: metadata.managedFields?.filter((entry) => entry.subresource !== 'status'),
        },
      };
    }
    state[path] = JSON.parse(
      JSON.stringify(normalize(object, side.target)).replace(/"10\.96\.\d+\.\d+"/g, '"<cluster-ip>"'),
    );
  }
  const secrets = await side.target.request(
    'GET',
    `/api/v1/namespaces/${NAMESPACE}/secrets?labelSelector=${encodeURIComponent(`owner=helm,name=${RELEASE}`)}`,
  );
  state.releases = (
    (secrets.body as { items?: { metadata: { name: string; labels: Record<string, string> } }[] }).items ?? []
  )
    .map(({ metadata }) => ({
      name: metadata.name,
      status: metadata.labels.status,
      version: metadata.labels.version,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return state;
}

async function sameOnBoth(both: Side[]): Promise<Record<string, unknown>> {
  const [fromEmulator, fromReal] = await Promise.all(both.map(releaseState));
  expect(fromEmulator).toEqual(fromReal);
  return fromReal as Record<string, unknown>;
}

describe('helm install, upgrade, rollback and uninstall of charts/switchyard', () => {
  it('succeed on the emulator and on kube-apiserver with the same resulting objects', async () => {
    const both = sides();
    for (const side of both) {
      const out = await helm(side, ['install', RELEASE, chartDir, '-n', NAMESPACE, '--create-namespace']);
      expect(out).toContain('STATUS: deployed');
    }
    const installed = await sameOnBoth(both);
    const deployment = installed[OBJECTS[2] as string] as { spec: { replicas: number } };
    expect(deployment.spec.replicas).toBe(2);
    expect(installed.releases).toEqual([
      { name: `sh.helm.release.v1.${RELEASE}.v1`, status: 'deployed', version: '1' },
    ]);

    for (const side of both) {
      await helm(side, [
        'upgrade',
        RELEASE,
        chartDir,
        '-n',
        NAMESPACE,
        '--set',
        'replicaCount=3',
        '--set',
        'logLevel=debug',
        '--set',
        'podDisruptionBudget.minAvailable=2',
      ]);
    }
    const upgraded = await sameOnBoth(both);
    const upgradedDeployment = upgraded[OBJECTS[2] as string] as {
      spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
      metadata: { generation: number };
    };
    expect(upgradedDeployment.spec.replicas).toBe(3);
    expect(upgradedDeployment.spec.template.spec.containers[0]?.args).toContain('--log-level=debug');
    expect(upgradedDeployment.metadata.generation).toBe(2);

    for (const side of both) {
      expect(await helm(side, ['rollback', RELEASE, '1', '-n', NAMESPACE])).toContain(
        'Rollback was a success',
      );
    }
    const rolledBack = await sameOnBoth(both);
    const rolledBackDeployment = rolledBack[OBJECTS[2] as string] as {
      spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
    };
    expect(rolledBackDeployment.spec.replicas).toBe(2);
    expect(rolledBackDeployment.spec.template.spec.containers[0]?.args).toContain('--log-level=info');
    expect(rolledBack.releases).toEqual(
      [1, 2, 3].map((version) => ({
        name: `sh.helm.release.v1.${RELEASE}.v${version}`,
        status: version === 3 ? 'deployed' : 'superseded',
        version: String(version),
      })),
    );

    for (const side of both) {
      const history = await helm(side, ['history', RELEASE, '-n', NAMESPACE, '-o', 'json']);
      expect((JSON.parse(history) as { status: string }[]).map((entry) => entry.status)).toEqual([
        'superseded',
        'superseded',
        'deployed',
      ]);
      expect(await helm(side, ['uninstall', RELEASE, '-n', NAMESPACE])).toContain(
        `release "${RELEASE}" uninstalled`,
      );
    }
    const uninstalled = await sameOnBoth(both);
    for (const path of OBJECTS) expect(uninstalled[path]).toBe('HTTP 404');
    expect(uninstalled.releases).toEqual([]);
  });
});
