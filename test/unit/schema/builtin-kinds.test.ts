import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { CRD_DIR } from '../../../src/generate/generated-files.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { formatProblem, validateYamlText } from '../../../src/schema/validate.js';

/**
 * Built-in kinds against Kubernetes' own OpenAPI v3 documents (../shared/schemas/kubernetes,
 * k8s.io/kubernetes v1.36.3): for each kind Switchyard emits, a valid object and typical mistakes,
 * reported as `switchyard validate` prints them (file, document, kind/name, field, message).
 */

let catalog: SchemaCatalog;
beforeAll(() => {
  catalog = SchemaCatalog.load();
});

const FILE = 'deploy/controller.yaml';
/** The lines `switchyard validate` prints for these documents, as one file. */
const lines = (...objects: object[]) =>
  validateYamlText(catalog, objects.map((object) => stringify(object)).join('---\n'), FILE).problems.map(
    formatProblem,
  );

const metadata = { name: 'switchyard', namespace: 'switchyard-system', labels: { app: 'switchyard' } };
const selector = { matchLabels: { app: 'switchyard' } };

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { ...metadata, creationTimestamp: null },
  spec: {
    replicas: 2,
    selector,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels: selector.matchLabels, creationTimestamp: null },
      spec: {
        serviceAccountName: 'switchyard',
        containers: [
          {
            name: 'controller',
            image: 'ghcr.io/switchyard/controller:0.1.0',
            args: ['--region=us-east-1'],
            ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
            readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
            livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 20 },
            resources: { requests: { cpu: 0.1, memory: '256Mi' }, limits: { memory: '512Mi' } },
            env: [{ name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
      },
    },
  },
};
const container = (changes: Record<string, unknown>) => ({
  ...deployment,
  spec: {
    ...deployment.spec,
    template: {
      ...deployment.spec.template,
      spec: {
        ...deployment.spec.template.spec,
        containers: [{ ...deployment.spec.template.spec.containers[0], ...changes }],
      },
    },
  },
});

const serviceAccount = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: {
    ...metadata,
    annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/x' },
  },
  automountServiceAccountToken: false,
};
const rules = [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create'] }];
const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules };
const clusterRole = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  // RBAC names are path segments, so the `system:` convention passes.
  metadata: { name: 'system:switchyard:controller' },
  rules: [{ apiGroups: ['failover.switchyard.dev'], resources: ['failovers/status'], verbs: ['patch'] }],
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'switchyard.dev/aggregate': 'true' } }] },
};
const roleBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata,
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'switchyard' },
  subjects: [{ kind: 'ServiceAccount', name: 'switchyard', namespace: 'switchyard-system' }],
};
const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata,
  data: { 'plan.yaml': 'regions: [us-east-1, us-east-2]\n' },
  binaryData: { seed: 'aGVsbG8=' },
  immutable: true,
};
const lease = {
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { ...metadata, name: 'switchyard-controller-us-east-1' },
  spec: {
    holderIdentity: 'switchyard-controller-7d9f',
    leaseDurationSeconds: 15,
    acquireTime: '2026-12-01T10:00:00.000000Z',
    renewTime: '2026-12-01T10:00:10.123456Z',
    leaseTransitions: 3,
  },
};
const podDisruptionBudget = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata,
  spec: { minAvailable: '50%', selector },
};

describe('built-in kinds Switchyard emits, valid', () => {
  it.each([
    deployment,
    serviceAccount,
    role,
    clusterRole,
    roleBinding,
    configMap,
    lease,
    podDisruptionBudget,
    {
      ...podDisruptionBudget,
      spec: { maxUnavailable: 1, selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    },
  ])('$kind $metadata.name', (object) => {
    expect(lines(object)).toEqual([]);
  });
});

describe('built-in kinds Switchyard emits, with mistakes: one line per problem naming file and field', () => {
  it('Deployment: wrong types, a missing required field, an unknown field, a bad quantity', () => {
    expect(
      lines(
        { ...deployment, spec: { ...deployment.spec, replicas: 'two' } },
        container({ name: undefined, imagePullPolicyy: 'Always' }),
        container({ resources: { limits: { memory: '512MB' } } }),
        {
          ...deployment,
          spec: {
            ...deployment.spec,
            strategy: { rollingUpdate: { maxUnavailable: 0.5 } },
            selector: undefined,
          },
        },
      ),
    ).toEqual([
      `${FILE}:0 Deployment/switchyard spec.replicas: Invalid value: "two": must be of type integer`,
      `${FILE}:1 Deployment/switchyard spec.template.spec.containers[0].name: Required value`,
      `${FILE}:1 Deployment/switchyard spec.template.spec.containers[0].imagePullPolicyy: unknown field "imagePullPolicyy"`,
      `${FILE}:2 Deployment/switchyard spec.template.spec.containers[0].resources.limits[memory]: Invalid value: "512MB": must be a quantity: a number with an optional suffix, e.g. 500m, 1.5, 128Mi, 2G or 1e3`,
      `${FILE}:3 Deployment/switchyard spec.selector: Required value`,
      `${FILE}:3 Deployment/switchyard spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0.5: must be of type integer or string`,
    ]);
  });

  it('Lease: a MicroTime with three fractional digits (a JavaScript Date) is refused, six pass', () => {
    const renewedAt = (renewTime: string) => ({ ...lease, spec: { ...lease.spec, renewTime } });
    expect(lines(renewedAt('2026-12-03T10:00:00.123Z'), renewedAt('2026-12-03T10:00:00.123456Z'))).toEqual([
      `${FILE}:0 Lease/switchyard-controller-us-east-1 spec.renewTime: Invalid value: "2026-12-03T10:00:00.123Z": parsing time "2026-12-03T10:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"`,
    ]);
  });

  it('ServiceAccount: a misspelt field, a wrong type, a name that is not a DNS subdomain', () => {
    expect(
      lines({
        ...serviceAccount,
        metadata: { ...serviceAccount.metadata, name: 'Switchyard' },
        automountServiceAccountToken: 'no',
        imagePullSecret: [{ name: 'registry' }],
      }),
    ).toEqual([
      `${FILE}:0 ServiceAccount/Switchyard imagePullSecret: unknown field "imagePullSecret"`,
      `${FILE}:0 ServiceAccount/Switchyard automountServiceAccountToken: Invalid value: "no": must be of type boolean`,
      `${FILE}:0 ServiceAccount/Switchyard metadata.name: Invalid value: "Switchyard": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    ]);
  });

  it('Role and ClusterRole: a rule without verbs, a field in the wrong place, a namespace on a cluster-scoped kind', () => {
    expect(
      lines(
        { ...role, rules: [{ apiGroups: [''], resource: ['configmaps'] }] },
        { ...clusterRole, metadata: { name: 'switchyard/controller', namespace: 'switchyard-system' } },
      ),
    ).toEqual([
      `${FILE}:0 Role/switchyard rules[0].verbs: Required value`,
      `${FILE}:0 Role/switchyard rules[0].resource: unknown field "resource"`,
      `${FILE}:1 ClusterRole/switchyard/controller metadata.namespace: Forbidden: ClusterRole is cluster-scoped and cannot have a namespace`,
      `${FILE}:1 ClusterRole/switchyard/controller metadata.name: Invalid value: "switchyard/controller": may not contain '/'`,
    ]);
  });

  it('RoleBinding: no roleRef, a subject without a name', () => {
    expect(
      lines({ ...roleBinding, roleRef: undefined, subjects: [{ kind: 'ServiceAccount', namespace: 'x' }] }),
    ).toEqual([
      `${FILE}:0 RoleBinding/switchyard roleRef: Required value`,
      `${FILE}:0 RoleBinding/switchyard subjects[0].name: Required value`,
    ]);
  });

  it('ConfigMap: a number as a value, binary data that is not base64', () => {
    expect(lines({ ...configMap, data: { replicas: 2 }, binaryData: { seed: 'not base64!' } })).toEqual([
      `${FILE}:0 ConfigMap/switchyard data[replicas]: Invalid value: 2: must be of type string`,
      `${FILE}:0 ConfigMap/switchyard binaryData[seed]: Invalid value: "not base64!": must be of format byte`,
    ]);
  });

  it('Lease: a time that is not a MicroTime, a duration out of int32, an unknown field', () => {
    expect(
      lines({
        ...lease,
        spec: { ...lease.spec, renewTime: 'yesterday', leaseDurationSeconds: 2 ** 31, holder: 'x' },
      }),
    ).toEqual([
      `${FILE}:0 Lease/switchyard-controller-us-east-1 spec.holder: unknown field "holder"`,
      `${FILE}:0 Lease/switchyard-controller-us-east-1 spec.leaseDurationSeconds: Invalid value: 2147483648: must be of format int32`,
      `${FILE}:0 Lease/switchyard-controller-us-east-1 spec.renewTime: Invalid value: "yesterday": parsing time "yesterday" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "yesterday" as "2006"`,
    ]);
  });

  it('PodDisruptionBudget: a fraction for minAvailable, a selector expression without operator, a typo', () => {
    expect(
      lines({
        ...podDisruptionBudget,
        spec: {
          minAvailable: 0.5,
          selector: { matchExpressions: [{ key: 'app', values: ['switchyard'] }] },
          maxUnavailble: 1,
        },
      }),
    ).toEqual([
      `${FILE}:0 PodDisruptionBudget/switchyard spec.maxUnavailble: unknown field "maxUnavailble"`,
      `${FILE}:0 PodDisruptionBudget/switchyard spec.minAvailable: Invalid value: 0.5: must be of type integer or string`,
      `${FILE}:0 PodDisruptionBudget/switchyard spec.selector.matchExpressions[0].operator: Required value`,
    ]);
  });

  it('an apiVersion Kubernetes no longer serves, and a kind it does not have', () => {
    expect(
      lines({ ...deployment, apiVersion: 'apps/v1beta2' }, { ...configMap, kind: 'Configmap' }).map((line) =>
        line.replace(/\(known: .*\)/, '(known: …)'),
      ),
    ).toEqual([
      `${FILE}:0 Deployment/switchyard: unknown apiVersion "apps/v1beta2" for kind Deployment (served: v1)`,
      `${FILE}:1 Configmap/switchyard: no schema for kind "Configmap" in group "" (known: …)`,
    ]);
  });
});

describe('name rules that differ by kind, as in Kubernetes’ Go validation', () => {
  it('a Service name is a DNS label; a ConfigMap name may hold dots; a PodDisruptionBudget name only avoids "/"', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { ...metadata, name: 'switchyard.metrics' },
      spec: { selector: selector.matchLabels, ports: [{ port: 8080, targetPort: 'http' }] },
    };
    expect(lines(service)).toEqual([
      `${FILE}:0 Service/switchyard.metrics metadata.name: Invalid value: "switchyard.metrics": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
    ]);
    expect(lines({ ...configMap, metadata: { ...metadata, name: 'switchyard.plan' } })).toEqual([]);
    expect(lines({ ...podDisruptionBudget, metadata: { ...metadata, name: 'Switchyard:PDB' } })).toEqual([]);
  });
});

describe("Kubernetes' own API types", () => {
  it('the project’s CRDs: defaults of any JSON type pass, nothing is unknown in the empty status subresource', () => {
    const file = join(import.meta.dirname, '../../..', CRD_DIR, 'failover.switchyard.dev_failovers.yaml');
    const crd = parse(readFileSync(file, 'utf8')) as { spec: { versions: Record<string, unknown>[] } };
    expect(lines(crd)).toEqual([]);
    for (const version of crd.spec.versions) version.subresources = { status: { enabled: true } };
    expect(lines(crd)).toEqual([
      `${FILE}:0 CustomResourceDefinition/failovers.failover.switchyard.dev spec.versions[0].subresources.status.enabled: unknown field "enabled"`,
    ]);
  });
});
