import { render } from '../../unit/chart/support.js';

/**
 * The bad-input corpus of issue 20: manifests of built-in kinds with one mistake each, derived from
 * the chart's own objects (src/chart, the same objects `helm template` renders) so every field the
 * chart emits is exercised, plus NetworkPolicy and Job manifests a user of Argo CD would apply and
 * kinds neither server serves. Each is created on both servers; test/real/kube-builtin-wire.test.ts
 * compares the verdicts (docs/adr/0022-emulator-builtin-kinds.md).
 */

export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown> & { name: string };
};

export interface BadManifest {
  name: string;
  manifest: Manifest;
  /** `fieldValidation` query parameter (default: none, the server's default Warn). */
  fieldValidation?: 'Strict' | 'Ignore';
}

/** The chart's object of a kind, with the test namespace left for the runner to set. */
function chartObject(kind: string): Manifest {
  const found = render().find((object) => object.kind === kind);
  if (!found) throw new Error(`the chart renders no ${kind}`);
  const copy = structuredClone(found) as unknown as Manifest;
  delete copy.metadata.namespace;
  return copy;
}

type Json = Record<string, unknown>;
const at = (object: Json, path: string): Json => {
  let node: unknown = object;
  for (const key of path.split('.').filter(Boolean))
    node = Array.isArray(node) ? node[Number(key)] : (node as Json)[key];
  return node as Json;
};

/** The chart's `kind` with `change` applied to a copy. */
function mutated(kind: string, change: (object: Manifest) => void): Manifest {
  const object = chartObject(kind);
  change(object);
  return object;
}

const container = (deployment: Json): Json => at(deployment, 'spec.template.spec.containers.0');

const NETWORK_POLICY: Manifest = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'controller-ingress' },
  spec: {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'switchyard' } },
    policyTypes: ['Ingress'],
    ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }],
  },
};

const JOB: Manifest = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate' },
  spec: {
    backoffLimit: 2,
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'migrate', image: 'ghcr.io/switchyard/controller:0.1.0', args: ['--migrate'] }],
      },
    },
  },
};

function edited(base: Manifest, change: (object: Manifest) => void): Manifest {
  const object = structuredClone(base);
  change(object);
  return object;
}

export function goodManifests(): Manifest[] {
  return [
    ...['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].map(chartObject),
    ...['Service', 'Deployment', 'PodDisruptionBudget'].map(chartObject),
    NETWORK_POLICY,
    JOB,
  ];
}

export function badManifests(): BadManifest[] {
  const cases: BadManifest[] = [
    // Deployment
    {
      name: 'Deployment without a selector',
      manifest: mutated('Deployment', (d) => delete at(d, 'spec').selector),
    },
    {
      name: 'Deployment whose selector does not match the template labels',
      manifest: mutated('Deployment', (d) => {
        at(d, 'spec.selector.matchLabels')['app.kubernetes.io/name'] = 'other';
      }),
    },
    {
      name: 'Deployment with negative replicas',
      manifest: mutated('Deployment', (d) => (at(d, 'spec').replicas = -1)),
    },
    {
      name: 'Deployment with replicas as a string',
      manifest: mutated('Deployment', (d) => (at(d, 'spec').replicas = '2')),
    },
    {
      name: 'Deployment container without an image',
      manifest: mutated('Deployment', (d) => delete container(d).image),
    },
    {
      name: 'Deployment container name not a DNS label',
      manifest: mutated('Deployment', (d) => (container(d).name = 'Controller_1')),
    },
    {
      name: 'Deployment containerPort 0',
      manifest: mutated('Deployment', (d) => (at(container(d), 'ports.0').containerPort = 0)),
    },
    {
      name: 'Deployment containerPort 70000',
      manifest: mutated('Deployment', (d) => (at(container(d), 'ports.0').containerPort = 70000)),
    },
    {
      name: 'Deployment with two containers of one name',
      manifest: mutated('Deployment', (d) => {
        const containers = at(d, 'spec.template.spec').containers as Json[];
        containers.push(structuredClone(containers[0] as Json));
      }),
    },
    {
      name: 'Deployment template restartPolicy Never',
      manifest: mutated('Deployment', (d) => (at(d, 'spec.template.spec').restartPolicy = 'Never')),
    },
    {
      name: 'Deployment without containers',
      manifest: mutated('Deployment', (d) => (at(d, 'spec.template.spec').containers = [])),
    },
    {
      name: 'Deployment volumeMount of a volume that does not exist',
      manifest: mutated('Deployment', (d) => (at(container(d), 'volumeMounts.0').name = 'scratch')),
    },
    {
      name: 'Deployment memory request above its limit',
      manifest: mutated('Deployment', (d) => (at(container(d), 'resources.requests').memory = '1Gi')),
    },
    {
      name: 'Deployment with an unparseable quantity',
      manifest: mutated('Deployment', (d) => (at(container(d), 'resources.limits').memory = '1Gb')),
    },
    {
      name: 'Deployment probe on a port name that is not an IANA service name',
      manifest: mutated('Deployment', (d) => (at(container(d), 'livenessProbe.httpGet').port = 'HTTP_PORT')),
    },
    {
      name: 'Deployment rolling update with maxSurge and maxUnavailable 0',
      manifest: mutated('Deployment', (d) => {
        at(d, 'spec').strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } };
      }),
    },
    {
      name: 'Deployment name not a DNS subdomain',
      manifest: mutated('Deployment', (d) => (d.metadata.name = 'Sy_Controller')),
    },
    {
      name: 'Deployment label value with a space',
      manifest: mutated(
        'Deployment',
        (d) => ((d.metadata.labels as Json)['app.kubernetes.io/version'] = '0.1 beta'),
      ),
    },
    {
      name: 'Deployment imagePullPolicy not one of the values',
      manifest: mutated('Deployment', (d) => (container(d).imagePullPolicy = 'Sometimes')),
    },
    {
      name: 'Deployment serviceAccountName not a DNS subdomain',
      manifest: mutated(
        'Deployment',
        (d) => (at(d, 'spec.template.spec').serviceAccountName = 'Sy Controller'),
      ),
    },
    {
      name: 'Deployment with an unknown field under strict validation',
      manifest: mutated('Deployment', (d) => (at(d, 'spec').replica = 2)),
      fieldValidation: 'Strict',
    },
    {
      name: 'Deployment spec a list',
      manifest: mutated('Deployment', (d) => ((d as Json).spec = [])),
    },
    {
      name: 'Deployment container args a string',
      manifest: mutated('Deployment', (d) => (container(d).args = '--region=us-east-1')),
    },
    // Service
    { name: 'Service port 0', manifest: mutated('Service', (s) => (at(s, 'spec.ports.0').port = 0)) },
    { name: 'Service port 70000', manifest: mutated('Service', (s) => (at(s, 'spec.ports.0').port = 70000)) },
    {
      name: 'Service targetPort 70000',
      manifest: mutated('Service', (s) => (at(s, 'spec.ports.0').targetPort = 70000)),
    },
    {
      name: 'ClusterIP Service without ports',
      manifest: mutated('Service', (s) => delete at(s, 'spec').ports),
    },
    {
      name: 'Service with two unnamed ports',
      manifest: mutated('Service', (s) => {
        at(s, 'spec').ports = [
          { port: 8080, protocol: 'TCP' },
          { port: 8081, protocol: 'TCP' },
        ];
      }),
    },
    {
      name: 'Service port protocol HTTP',
      manifest: mutated('Service', (s) => (at(s, 'spec.ports.0').protocol = 'HTTP')),
    },
    { name: 'Service type Bogus', manifest: mutated('Service', (s) => (at(s, 'spec').type = 'Bogus')) },
    {
      name: 'Service selector key not a label key',
      manifest: mutated('Service', (s) => (at(s, 'spec').selector = { 'bad key!': 'x' })),
    },
    {
      name: 'Service clusterIP not an IP',
      manifest: mutated('Service', (s) => (at(s, 'spec').clusterIP = 'not-an-ip')),
    },
    {
      name: 'Service name with a dot',
      manifest: mutated('Service', (s) => (s.metadata.name = 'sy.metrics')),
    },
    // RBAC
    {
      name: 'Role whose verbs is not a list',
      manifest: mutated('Role', (r) => (at(r, 'rules.0').verbs = 'get')),
    },
    { name: 'Role with no verbs', manifest: mutated('Role', (r) => (at(r, 'rules.0').verbs = [])) },
    {
      name: 'Role rule without apiGroups',
      manifest: mutated('Role', (r) => delete at(r, 'rules.0').apiGroups),
    },
    {
      name: 'Role with nonResourceURLs',
      manifest: mutated('Role', (r) => {
        r.rules = [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }];
      }),
    },
    {
      name: 'ClusterRole rules not a list',
      manifest: mutated('ClusterRole', (r) => (r.rules = { verbs: ['get'] })),
    },
    {
      name: 'RoleBinding roleRef kind Bogus',
      manifest: mutated('RoleBinding', (b) => (at(b, 'roleRef').kind = 'Bogus')),
    },
    {
      name: 'RoleBinding roleRef apiGroup wrong',
      manifest: mutated('RoleBinding', (b) => (at(b, 'roleRef').apiGroup = 'rbac.example.com')),
    },
    {
      name: 'RoleBinding without roleRef name',
      manifest: mutated('RoleBinding', (b) => delete at(b, 'roleRef').name),
    },
    {
      name: 'RoleBinding subject kind Robot',
      manifest: mutated('RoleBinding', (b) => (at(b, 'subjects.0').kind = 'Robot')),
    },
    {
      name: 'RoleBinding ServiceAccount subject without a name',
      manifest: mutated('RoleBinding', (b) => delete at(b, 'subjects.0').name),
    },
    {
      name: 'ClusterRoleBinding ServiceAccount subject without a namespace',
      manifest: mutated('ClusterRoleBinding', (b) => delete at(b, 'subjects.0').namespace),
    },
    // PodDisruptionBudget
    {
      name: 'PodDisruptionBudget with minAvailable and maxUnavailable',
      manifest: mutated('PodDisruptionBudget', (p) => (at(p, 'spec').maxUnavailable = 1)),
    },
    {
      name: 'PodDisruptionBudget minAvailable 150%',
      manifest: mutated('PodDisruptionBudget', (p) => (at(p, 'spec').minAvailable = '150%')),
    },
    {
      name: 'PodDisruptionBudget minAvailable -1',
      manifest: mutated('PodDisruptionBudget', (p) => (at(p, 'spec').minAvailable = -1)),
    },
    {
      name: 'PodDisruptionBudget unhealthyPodEvictionPolicy not one of the values',
      manifest: mutated(
        'PodDisruptionBudget',
        (p) => (at(p, 'spec').unhealthyPodEvictionPolicy = 'Sometimes'),
      ),
    },
    // ServiceAccount
    {
      name: 'ServiceAccount name not a DNS subdomain',
      manifest: mutated('ServiceAccount', (s) => (s.metadata.name = 'Sy Controller')),
    },
    // NetworkPolicy and Job (what a user of Argo CD would apply)
    {
      name: 'NetworkPolicy port 70000',
      manifest: edited(NETWORK_POLICY, (n) => (at(n, 'spec.ingress.0.ports.0').port = 70000)),
    },
    {
      name: 'NetworkPolicy policyType Sideways',
      manifest: edited(NETWORK_POLICY, (n) => (at(n, 'spec').policyTypes = ['Sideways'])),
    },
    {
      name: 'NetworkPolicy ipBlock cidr not a CIDR',
      manifest: edited(
        NETWORK_POLICY,
        (n) => (at(n, 'spec.ingress.0').from = [{ ipBlock: { cidr: '10.0.0.0/33' } }]),
      ),
    },
    {
      name: 'Job restartPolicy Always',
      manifest: edited(JOB, (j) => (at(j, 'spec.template.spec').restartPolicy = 'Always')),
    },
    { name: 'Job backoffLimit -1', manifest: edited(JOB, (j) => (at(j, 'spec').backoffLimit = -1)) },
    {
      name: 'Job without containers',
      manifest: edited(JOB, (j) => (at(j, 'spec.template.spec').containers = [])),
    },
    // Kinds neither server serves (removed API versions an old chart may still carry, and a made-up group)
    {
      name: 'apps/v1beta1 Deployment (removed in 1.16)',
      manifest: mutated('Deployment', (d) => (d.apiVersion = 'apps/v1beta1')),
    },
    {
      name: 'policy/v1beta1 PodDisruptionBudget (removed in 1.25)',
      manifest: mutated('PodDisruptionBudget', (p) => (p.apiVersion = 'policy/v1beta1')),
    },
    {
      name: 'extensions/v1beta1 NetworkPolicy (removed in 1.16)',
      manifest: edited(NETWORK_POLICY, (n) => (n.apiVersion = 'extensions/v1beta1')),
    },
    {
      name: 'a kind of an unknown group',
      manifest: { apiVersion: 'gizmos.example.com/v1', kind: 'Gizmo', metadata: { name: 'g' }, spec: {} },
    },
    // Other built-ins the platform writes
    {
      name: 'ConfigMap data key with a space',
      manifest: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { 'a b': '1' } },
    },
    {
      name: 'Secret data not base64',
      manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: 'not base64!' } },
    },
    {
      name: 'Namespace name with capitals',
      manifest: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'Switchyard' } },
    },
  ];
  return cases;
}

/** The REST collection path of a manifest (namespaced kinds in `namespace`). */
export function collectionPath(manifest: Manifest, namespace: string, namespaced: boolean): string {
  const [group, version] = manifest.apiVersion.includes('/')
    ? manifest.apiVersion.split('/')
    : ['', manifest.apiVersion];
  const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
  const plural = pluralOf(manifest.kind);
  return namespaced ? `${prefix}/namespaces/${namespace}/${plural}` : `${prefix}/${plural}`;
}

/** Kubernetes' plurals for the kinds of the corpus (the unserved ones included). */
function pluralOf(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith('s')) return `${lower}es`;
  return `${lower}s`;
}

const CLUSTER_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Namespace']);

export function isNamespaced(manifest: Manifest): boolean {
  return !CLUSTER_KINDS.has(manifest.kind);
}
