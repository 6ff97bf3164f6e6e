/** The chart's objects for given values, as `helm template` renders them (src/chart, ADR 0008). */
import { join } from 'node:path';
import { parseControllerArgs } from '../../../controllers/main.js';
import type { ReleaseInfo } from '../../../src/chart/helm.js';
import { loadChartInfo, renderChartObjects } from '../../../src/chart/index.js';
import { type ChartValues, chartValuesSchema, loadChartValues } from '../../../src/chart/values.js';
import type { KubeObject } from '../../../src/gitops/objects.js';
import type { RbacGrant, RbacRule } from './rbac-proxy.js';

export const repoRoot = join(import.meta.dirname, '../../..');
export const RELEASE: ReleaseInfo = { name: 'switchyard', namespace: 'switchyard-system', service: 'Helm' };

/** A rendered object: the same shape the environments repository publishes (src/gitops). */
export type Manifest = KubeObject;

/** Overrides as `helm --set`/`-f` gives them: maps merge, null drops a default. */
type DeepPartial<T> = {
  [K in keyof T]?: (T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K]) | null;
};

function merge(base: unknown, override: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return override;
  if (typeof override !== 'object' || override === null || Array.isArray(override)) return override;
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete result[key];
    else result[key] = merge(result[key], value);
  }
  return result;
}

/** values.yaml with `overrides` merged in the way `helm --set`/`-f` merges maps, checked by the schema. */
export function chartValues(overrides: DeepPartial<ChartValues> = {}): ChartValues {
  return chartValuesSchema.parse(merge(loadChartValues(repoRoot), overrides));
}

export function render(overrides: DeepPartial<ChartValues> = {}, release = RELEASE): Manifest[] {
  return renderChartObjects(chartValues(overrides), release, loadChartInfo(repoRoot)) as Manifest[];
}

/** What an operator of the standby region's cluster would put in their values file. */
export const STANDBY_VALUES = {
  image: { repository: 'registry.example.com/switchyard/controller', tag: 'sha-4f2c1e0' },
  region: 'us-east-2',
  awsEndpoint: 'http://aws-simulator.switchyard-system.svc:4566',
  vantage: 'cluster-use2',
  logLevel: 'debug',
  replicaCount: 3,
  metrics: { port: 9095 },
  serviceAccount: {
    annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/switchyard' },
  },
  podAnnotations: { 'prometheus.io/port': '9095' },
  resources: { requests: { cpu: '250m', memory: '300Mi' }, limits: { memory: '1Gi' } },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'platform', effect: 'NoSchedule' }],
  affinity: null,
  podDisruptionBudget: { enabled: false },
};

/** What an operator of the third place (us-west-2) sets to run the probe agent there. */
export const PROBE_AGENT_VALUES = {
  mode: 'probe-agent',
  region: 'us-west-2',
  vantage: 'external-usw2',
  probeAgent: { kubeconfigSecret: { name: 'standby-use2-kubeconfig', key: 'config' } },
} as const;

/** The Deployment's args as controllers/main.ts parses them; throws if it refuses them. */
export function controllerArgsOf(objects: Manifest[]) {
  const parsed = parseControllerArgs(deploymentOf(objects).container.args);
  if ('error' in parsed) throw new Error(`the controller refuses the chart's args: ${parsed.error}`);
  return parsed.args;
}

export function only(objects: Manifest[], kind: string): Manifest {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as Manifest;
}

export interface Container {
  name: string;
  image: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string | number } };
  readinessProbe: { httpGet: { path: string; port: string | number } };
  resources: unknown;
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown> & {
    serviceAccountName: string;
    containers: Container[];
    securityContext: Record<string, unknown>;
    volumes: {
      name: string;
      emptyDir?: object;
      secret?: { secretName: string; items?: { key: string; path: string }[] };
    }[];
  };
}

export function deploymentOf(objects: Manifest[]) {
  const deployment = only(objects, 'Deployment') as Manifest & {
    spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate };
  };
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0] as Container;
  return { deployment, pod, container };
}

/** What the controller's ServiceAccount may do: the Roles bound to it, with where they apply. */
export function grantsOf(objects: Manifest[]): RbacGrant[] {
  const { deployment, pod } = deploymentOf(objects);
  const account = { name: pod.spec.serviceAccountName, namespace: deployment.metadata.namespace };
  const grants: RbacGrant[] = [];
  for (const binding of objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')) {
    const { roleRef, subjects } = binding as unknown as {
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    const boundToUs = subjects.some(
      (s) => s.kind === 'ServiceAccount' && s.name === account.name && s.namespace === account.namespace,
    );
    const role = objects.find((o) => o.kind === roleRef.kind && o.metadata.name === roleRef.name) as
      | (Manifest & { rules: RbacRule[] })
      | undefined;
    if (!boundToUs || !role) continue;
    // A RoleBinding grants in its own namespace only, whatever the role's kind.
    grants.push({
      rules: role.rules,
      ...(binding.kind === 'RoleBinding' ? { namespace: String(binding.metadata.namespace) } : {}),
    });
  }
  return grants;
}
