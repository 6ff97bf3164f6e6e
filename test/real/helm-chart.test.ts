/**
 * charts/switchyard through the real helm (v3.22, built by real:setup): lint passes, `helm
 * template` renders with the default values, a values file and probe-agent values, every document parses, the
 * objects are exactly what src/chart says they are for those values (the model the unit tests
 * check, test/unit/chart), the CRDs are charts/switchyard/crds and the full kube-apiserver
 * establishes them, every rendered object validates against Kubernetes' schemas (ADR 0016) and is
 * accepted by the kube-apiserver's own validation (server-side dry run), and values.schema.json
 * refuses bad values.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { formatProblem, validateYamlText } from '../../src/schema/validate.js';
import { describeResult } from '../support/command.js';
import { Kubectl } from '../support/kubectl.js';
import {
  controllerArgsOf,
  deploymentOf,
  type Manifest,
  PROBE_AGENT_VALUES,
  RELEASE,
  render,
  STANDBY_VALUES,
} from '../unit/chart/support.js';
import { type CrdDocument, installCrds, readCrds } from './support/crds.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { Helm, yamlDocuments } from './support/helm.js';
import { type KubeApiserver, startKubeApiserver } from './support/kube-apiserver.js';
import { startedForFile } from './support/lifecycle.js';
import { repoRoot } from './support/paths.js';

const chartDir = join(repoRoot, 'charts/switchyard');
const helm = new Helm();
const dir = mkdtempSync(join(tmpdir(), 'switchyard-helm-values-'));
afterAll(() => {
  helm.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const apiserver = startedForFile(startKubeApiserver, (server) => server.stop());
showLogsOnFailure(() => [apiserver.peek()?.process]);

function valuesFile(values: object): string {
  const file = join(dir, `values-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

async function ok(args: string[]): Promise<string> {
  const result = await helm.run(args);
  expect(result.code, describeResult(result)).toBe(0);
  return result.stdout;
}

async function template(...extra: string[]): Promise<Manifest[]> {
  const text = await ok(['template', RELEASE.name, chartDir, '--namespace', RELEASE.namespace, ...extra]);
  return yamlDocuments(text) as Manifest[];
}

const byKindAndName = (objects: Manifest[]) =>
  [...objects].sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));

describe('charts/switchyard with the real helm', () => {
  it('passes helm lint --strict, with the default values, a values file and probe-agent values', async () => {
    expect(await ok(['lint', '--strict', chartDir])).toContain('0 chart(s) failed');
    for (const values of [STANDBY_VALUES, PROBE_AGENT_VALUES]) {
      expect(await ok(['lint', '--strict', chartDir, '-f', valuesFile(values)])).toContain(
        '0 chart(s) failed',
      );
    }
  });

  it('renders the default values into exactly the objects src/chart defines, each a complete document', async () => {
    const rendered = await template();
    for (const object of rendered) {
      expect(object).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String) });
      expect(object.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
    expect(rendered.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'Deployment',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
    expect(byKindAndName(rendered)).toEqual(byKindAndName(render()));
  });

  it('renders a values file into the objects src/chart defines for it: the Deployment carries the values, the PDB is off', async () => {
    const rendered = await template('-f', valuesFile(STANDBY_VALUES));
    expect(byKindAndName(rendered)).toEqual(byKindAndName(render(STANDBY_VALUES)));
    const { deployment, container, pod } = deploymentOf(rendered);
    expect(deployment.spec.replicas).toBe(3);
    expect(container.image).toBe('registry.example.com/switchyard/controller:sha-4f2c1e0');
    expect(container.args).toEqual([
      '--region=us-east-2',
      '--http-port=9095',
      `--leader-election-namespace=${RELEASE.namespace}`,
      '--readiness-interval-ms=30000',
      '--log-level=debug',
      '--aws-endpoint=http://aws-simulator.switchyard-system.svc:4566',
      '--vantage=cluster-use2',
    ]);
    expect(container.ports).toEqual([{ name: 'http', containerPort: 9095, protocol: 'TCP' }]);
    expect(container.resources).toEqual(STANDBY_VALUES.resources);
    expect(pod.spec.tolerations).toEqual(STANDBY_VALUES.tolerations);
    expect(pod.spec.nodeSelector).toEqual(STANDBY_VALUES.nodeSelector);
    expect(pod.spec).not.toHaveProperty('affinity');
    expect(rendered.map((o) => o.kind)).not.toContain('PodDisruptionBudget');
    // --set takes the same path as a values file.
    const set = await template('--set', 'replicaCount=1', '--set', 'podDisruptionBudget.minAvailable=0');
    expect(deploymentOf(set).deployment.spec.replicas).toBe(1);
  });

  it('renders probe-agent values into the objects src/chart defines: the probe-only agent, no RBAC, no Lease', async () => {
    const rendered = await template('-f', valuesFile(PROBE_AGENT_VALUES));
    expect(byKindAndName(rendered)).toEqual(byKindAndName(render(PROBE_AGENT_VALUES)));
    expect(rendered.map((o) => o.kind).sort()).toEqual([
      'Deployment',
      'PodDisruptionBudget',
      'Service',
      'ServiceAccount',
    ]);
    const args = controllerArgsOf(rendered);
    expect(args).toMatchObject({ probeOnly: true, vantage: 'external-usw2', region: 'us-west-2' });
    expect(args).not.toHaveProperty('leaderElectionNamespace');
    const { pod } = deploymentOf(rendered);
    expect(pod.spec.volumes).toContainEqual(
      expect.objectContaining({ secret: expect.objectContaining({ secretName: 'standby-use2-kubeconfig' }) }),
    );
  });

  it('renders objects that all validate against Kubernetes’ schemas, CRDs included (helm template | switchyard validate -)', async () => {
    const catalog = SchemaCatalog.load();
    for (const values of [{}, STANDBY_VALUES, PROBE_AGENT_VALUES]) {
      const args = ['template', RELEASE.name, chartDir, '--namespace', RELEASE.namespace, '--include-crds'];
      const text = await ok([...args, '-f', valuesFile(values)]);
      const report = validateYamlText(catalog, text, '<helm template>');
      expect(report.problems.map(formatProblem)).toEqual([]);
      expect(report.documents).toBe(yamlDocuments(text).length);
    }
  });

  it('renders objects the kube-apiserver accepts as they are (kubectl apply --dry-run=server as the admin)', async () => {
    const server = apiserver.get();
    const created = await server.request('POST', '/api/v1/namespaces', {
      metadata: { name: RELEASE.namespace },
    });
    expect([201, 409]).toContain(created.status);
    const kubectl = new Kubectl(server.kubeconfig);
    try {
      for (const values of [{}, STANDBY_VALUES, PROBE_AGENT_VALUES]) {
        const text = await ok([
          'template',
          RELEASE.name,
          chartDir,
          '--namespace',
          RELEASE.namespace,
          '-f',
          valuesFile(values),
        ]);
        const applied = await kubectl.ok(['apply', '--dry-run=server', '-f', '-'], text);
        const accepted = applied.trim().split('\n');
        expect(accepted).toHaveLength(yamlDocuments(text).length);
        for (const line of accepted) expect(line).toMatch(/ created \(server dry run\)$/);
      }
    } finally {
      kubectl.dispose();
    }
  });

  it('refuses values the schema does not allow, naming the field', async () => {
    const agent = ['mode=probe-agent', 'vantage=external-usw2', 'probeAgent.kubeconfigSecret.name=k'];
    for (const [sets, field] of [
      [['replicaCount=two'], '/replicaCount'],
      [['region=useast1'], '/region'],
      [['logLevel=loud'], '/logLevel'],
      [['awsEndpoint=not a url'], '/awsEndpoint'],
      [['regoin=us-east-1'], 'regoin'],
      [['mode=agent'], '/mode'],
      // probe-agent mode needs a vantage and the kubeconfig Secret (values.schema.json's if/then).
      [agent.filter((set) => !set.startsWith('vantage=')), '/vantage'],
      [agent.filter((set) => !set.startsWith('probeAgent.')), '/probeAgent/kubeconfigSecret/name'],
    ] as const) {
      const result = await helm.run([
        'template',
        RELEASE.name,
        chartDir,
        ...sets.flatMap((set) => ['--set', set]),
      ]);
      expect(result.code, `${sets.join(' ')} was accepted`).not.toBe(0);
      expect(result.stderr).toContain(field);
    }
    // Complete probe-agent values pass.
    await ok(['template', RELEASE.name, chartDir, ...agent.flatMap((set) => ['--set', set])]);
  });

  it('renders crds/ unchanged with --include-crds, and the kube-apiserver establishes them', async () => {
    const server: KubeApiserver = apiserver.get();
    const rendered = (await template('--include-crds')).filter((o) => o.kind === 'CustomResourceDefinition');
    const committed = readCrds(join(chartDir, 'crds')).map(({ crd }) => crd);
    expect(byKindAndName(rendered)).toEqual(byKindAndName(committed as unknown as Manifest[]));
    // Throws with the conditions unless every CRD becomes Established and NamesAccepted.
    await installCrds(server, rendered as unknown as CrdDocument[]);
  });
});
