import { isPlainObject } from '../../src/schema/openapi.js';
import type { BuiltinKind } from './builtin-api.js';
import { type KubeObject, metadataOf, nameOf } from './object-meta.js';

/**
 * `kubectl get` columns of built-in kinds: the table printers of k8s.io/kubernetes v1.36.3
 * (pkg/printers/internalversion/printers.go) for the kinds the platform uses; every other kind gets
 * the default Name / Created At. Descriptions are the fields' OpenAPI descriptions where upstream
 * uses their SwaggerDoc, its literal text otherwise. The server always sends the wide columns.
 */

type Json = Record<string, unknown>;

export interface BuiltinColumn {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
  cell(object: KubeObject, age: (timestamp: unknown) => string): unknown;
}

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

interface ColumnSpec {
  name: string;
  type?: string;
  priority?: number;
  /** `[component, property]` whose OpenAPI description upstream uses, or the literal text. */
  description: [string, string] | string;
  cell(object: Json, age: (timestamp: unknown) => string): unknown;
}

const object = (value: unknown): Json => (isPlainObject(value) ? value : {});
const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const int = (value: unknown): number => (typeof value === 'number' ? value : 0);
const spec = (o: Json) => object(o.spec);
const status = (o: Json) => object(o.status);

const AGE: ColumnSpec = {
  name: 'Age',
  description: [OBJECT_META, 'creationTimestamp'],
  cell: (o, age) => age(metadataOf(o).creationTimestamp),
};
const CREATED_AT: ColumnSpec = {
  name: 'Created At',
  type: 'date',
  description: [OBJECT_META, 'creationTimestamp'],
  cell: (o) => metadataOf(o).creationTimestamp ?? null,
};

/** labels.FormatLabels: `k=v` sorted by key, `<none>` when empty. */
function formatLabels(map: unknown): string {
  const entries = Object.entries(object(map)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '<none>' : entries.map(([key, value]) => `${key}=${String(value)}`).join(',');
}

/** metav1.FormatLabelSelector: requirements sorted by key, `<none>` for an empty selector. */
function formatLabelSelector(selector: unknown): string {
  const value = object(selector);
  const requirements: [string, string][] = Object.entries(object(value.matchLabels)).map(([key, label]) => [
    key,
    `${key}=${String(label)}`,
  ]);
  for (const expression of objects(value.matchExpressions)) {
    const key = String(expression.key ?? '');
    const values = strings(expression.values).sort().join(',');
    const text =
      expression.operator === 'In'
        ? `${key} in (${values})`
        : expression.operator === 'NotIn'
          ? `${key} notin (${values})`
          : expression.operator === 'Exists'
            ? key
            : `!${key}`;
    requirements.push([key, text]);
  }
  requirements.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = requirements.map(([, requirement]) => requirement).join(',');
  return text === '' ? '<none>' : text;
}

const templateContainers = (o: Json) => objects(object(object(spec(o).template).spec).containers);
const CONTAINERS: ColumnSpec = {
  name: 'Containers',
  priority: 1,
  description: 'Names of each container in the template.',
  cell: (o) =>
    templateContainers(o)
      .map((c) => String(c.name ?? ''))
      .join(','),
};
const IMAGES: ColumnSpec = {
  name: 'Images',
  priority: 1,
  description: 'Images referenced by each container in the template.',
  cell: (o) =>
    templateContainers(o)
      .map((c) => String(c.image ?? ''))
      .join(','),
};

function bindingColumns(kind: 'roleBinding' | 'clusterRoleBinding', component: string): ColumnSpec[] {
  const subjects = (o: Json, subjectKind: string) =>
    objects(o.subjects).filter((s) => s.kind === subjectKind);
  return [
    {
      name: 'Role',
      description: [component, 'roleRef'],
      cell: (o) => `${String(object(o.roleRef).kind ?? '')}/${String(object(o.roleRef).name ?? '')}`,
    },
    AGE,
    {
      name: 'Users',
      priority: 1,
      description: `Users in the ${kind}`,
      cell: (o) =>
        subjects(o, 'User')
          .map((s) => String(s.name))
          .join(', '),
    },
    {
      name: 'Groups',
      priority: 1,
      description: `Groups in the ${kind}`,
      cell: (o) =>
        subjects(o, 'Group')
          .map((s) => String(s.name))
          .join(', '),
    },
    {
      name: 'ServiceAccounts',
      priority: 1,
      description: `ServiceAccounts in the ${kind}`,
      cell: (o) =>
        subjects(o, 'ServiceAccount')
          .map((s) => `${String(s.namespace ?? '')}/${String(s.name)}`)
          .join(', '),
    },
  ];
}

function externalIP(o: Json): string {
  const s = spec(o);
  const externalIPs = strings(s.externalIPs);
  switch (s.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = objects(object(status(o).loadBalancer).ingress).map((i) =>
        String(i.ip ?? i.hostname ?? ''),
      );
      const all = [...ingress, ...externalIPs];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return String(s.externalName ?? '');
    default:
      return '<unknown>';
  }
}

function jobStatus(o: Json): string {
  const conditions = objects(status(o).conditions).filter((c) => c.status === 'True');
  const has = (type: string) => conditions.some((c) => c.type === type);
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (metadataOf(o).deletionTimestamp) return 'Terminating';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('Suspended')) return 'Suspended';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function jobCompletions(o: Json): string {
  const s = spec(o);
  const succeeded = int(status(o).succeeded);
  if (typeof s.completions === 'number') return `${succeeded}/${s.completions}`;
  const parallelism = int(s.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

const intOrString = (value: unknown) => (value === undefined ? 'N/A' : String(value));

const COLUMNS: Record<string, ColumnSpec[]> = {
  'apps/deployments': [
    {
      name: 'Ready',
      description: 'Number of the pod with ready state',
      cell: (o) => `${int(status(o).readyReplicas)}/${int(spec(o).replicas)}`,
    },
    {
      name: 'Up-to-date',
      description: ['io.k8s.api.apps.v1.DeploymentStatus', 'updatedReplicas'],
      cell: (o) => int(status(o).updatedReplicas),
    },
    {
      name: 'Available',
      description: ['io.k8s.api.apps.v1.DeploymentStatus', 'availableReplicas'],
      cell: (o) => int(status(o).availableReplicas),
    },
    AGE,
    CONTAINERS,
    IMAGES,
    {
      name: 'Selector',
      priority: 1,
      description: ['io.k8s.api.apps.v1.DeploymentSpec', 'selector'],
      cell: (o) => formatLabelSelector(spec(o).selector),
    },
  ],
  '/services': [
    {
      name: 'Type',
      description: ['io.k8s.api.core.v1.ServiceSpec', 'type'],
      cell: (o) => String(spec(o).type ?? ''),
    },
    {
      name: 'Cluster-IP',
      description: ['io.k8s.api.core.v1.ServiceSpec', 'clusterIP'],
      cell: (o) => strings(spec(o).clusterIPs)[0] ?? '<none>',
    },
    { name: 'External-IP', description: ['io.k8s.api.core.v1.ServiceSpec', 'externalIPs'], cell: externalIP },
    {
      name: 'Port(s)',
      description: ['io.k8s.api.core.v1.ServiceSpec', 'ports'],
      cell: (o) =>
        objects(spec(o).ports)
          .map((p) =>
            int(p.nodePort) > 0
              ? `${int(p.port)}:${int(p.nodePort)}/${String(p.protocol ?? '')}`
              : `${int(p.port)}/${String(p.protocol ?? '')}`,
          )
          .join(',') || '<none>',
    },
    AGE,
    {
      name: 'Selector',
      priority: 1,
      description: ['io.k8s.api.core.v1.ServiceSpec', 'selector'],
      cell: (o) => formatLabels(spec(o).selector),
    },
  ],
  'rbac.authorization.k8s.io/roles': [CREATED_AT],
  'rbac.authorization.k8s.io/clusterroles': [CREATED_AT],
  'rbac.authorization.k8s.io/rolebindings': bindingColumns('roleBinding', 'io.k8s.api.rbac.v1.RoleBinding'),
  'rbac.authorization.k8s.io/clusterrolebindings': bindingColumns(
    'clusterRoleBinding',
    'io.k8s.api.rbac.v1.ClusterRoleBinding',
  ),
  'policy/poddisruptionbudgets': [
    {
      name: 'Min Available',
      description: 'The minimum number of pods that must be available.',
      cell: (o) => intOrString(spec(o).minAvailable),
    },
    {
      name: 'Max Unavailable',
      description: 'The maximum number of pods that may be unavailable.',
      cell: (o) => intOrString(spec(o).maxUnavailable),
    },
    {
      name: 'Allowed Disruptions',
      type: 'integer',
      description: 'Calculated number of pods that may be disrupted at this time.',
      cell: (o) => int(status(o).disruptionsAllowed),
    },
    AGE,
  ],
  'networking.k8s.io/networkpolicies': [
    {
      name: 'Pod-Selector',
      description: ['io.k8s.api.networking.v1.NetworkPolicySpec', 'podSelector'],
      cell: (o) => {
        const selector = formatLabelSelector(spec(o).podSelector);
        return selector === '<none>' ? '<none>' : selector;
      },
    },
    AGE,
  ],
  'batch/jobs': [
    { name: 'Status', description: 'Status of the job.', cell: jobStatus },
    {
      name: 'Completions',
      description: ['io.k8s.api.batch.v1.JobStatus', 'succeeded'],
      cell: jobCompletions,
    },
    {
      name: 'Duration',
      description: 'Time required to complete the job.',
      cell: (o, age) => (status(o).startTime ? age(status(o).startTime) : ''),
    },
    AGE,
    CONTAINERS,
    IMAGES,
    {
      name: 'Selector',
      priority: 1,
      description: ['io.k8s.api.batch.v1.JobSpec', 'selector'],
      cell: (o) => formatLabelSelector(spec(o).selector),
    },
  ],
  '/configmaps': [
    {
      name: 'Data',
      description: ['io.k8s.api.core.v1.ConfigMap', 'data'],
      cell: (o) => Object.keys(object(o.data)).length + Object.keys(object(o.binaryData)).length,
    },
    AGE,
  ],
  '/secrets': [
    { name: 'Type', description: ['io.k8s.api.core.v1.Secret', 'type'], cell: (o) => String(o.type ?? '') },
    {
      name: 'Data',
      description: ['io.k8s.api.core.v1.Secret', 'data'],
      cell: (o) => Object.keys(object(o.data)).length,
    },
    AGE,
  ],
  '/serviceaccounts': [AGE],
  '/namespaces': [
    {
      name: 'Status',
      description: 'The status of the namespace',
      cell: (o) => String(status(o).phase ?? ''),
    },
    AGE,
  ],
  'coordination.k8s.io/leases': [
    {
      name: 'Holder',
      description: ['io.k8s.api.coordination.v1.LeaseSpec', 'holderIdentity'],
      cell: (o) => String(spec(o).holderIdentity ?? ''),
    },
    AGE,
  ],
};

/** The columns of a built-in kind, Name first. */
export function builtinColumns(builtin: BuiltinKind, group: string, plural: string): BuiltinColumn[] {
  const describe = (description: ColumnSpec['description']): string => {
    if (typeof description === 'string') return description;
    const [component, property] = description;
    const schemas = object(object(builtin.document.document.components).schemas);
    const text = object(object(object(schemas[component]).properties)[property]).description;
    return typeof text === 'string' ? text : '';
  };
  const specs = COLUMNS[`${group}/${plural}`] ?? [CREATED_AT];
  const name: ColumnSpec = { name: 'Name', description: [OBJECT_META, 'name'], cell: (o) => nameOf(o) };
  return [name, ...specs].map((column) => ({
    name: column.name,
    type: column.type ?? 'string',
    format: column.name === 'Name' ? 'name' : '',
    description: describe(column.description),
    priority: column.priority ?? 0,
    cell: column.cell,
  }));
}
