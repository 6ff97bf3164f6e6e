/**
 * What the Helm chart installs, in one of two modes (`mode`, ADR 0008):
 *
 * - `controller`: the failover controller — Deployment (leader election on, so only one replica
 *   acts), ServiceAccount, RBAC generated from controllers/kube/permissions.ts, a metrics Service
 *   and an optional PodDisruptionBudget;
 * - `probe-agent`: the probe-only agent of a vantage in a third place (ADR 0007, "Vantages") — the
 *   same image with `--probe-only --vantage`, writing into the standby's cluster through the
 *   kubeconfig in a Secret; no local RBAC, no Lease (its remote RBAC is remote.ts).
 *
 * Each mode's documents are rendered only in that mode (`{{- if eq .Values.mode … }}`). Written once
 * against a ChartContext (helm.ts): the same function produces the Helm templates and the objects
 * they render to.
 */
import { type ApiPermission, CONTROLLER_PERMISSIONS } from '../../controllers/kube/permissions.js';
import type { ChartContext, ChartDocument } from './helm.js';
import type { ChartMode } from './values.js';

/** The container's one HTTP port (named), serving /metrics, /healthz and /readyz. */
export const HTTP_PORT_NAME = 'http';
/** Paths controllers/kube/http-endpoints.ts serves. */
export const LIVENESS_PATH = '/healthz';
export const READINESS_PATH = '/readyz';
export const METRICS_PATH = '/metrics';
/** A non-root user the image does not need to declare (runAsNonRoot needs a numeric user). */
export const RUN_AS_USER = 65532;
/** Where the probe agent's pod mounts the kubeconfig Secret (read-only), and the file --kubeconfig names. */
export const REMOTE_KUBECONFIG_DIR = '/etc/switchyard/remote';
export const REMOTE_KUBECONFIG_PATH = `${REMOTE_KUBECONFIG_DIR}/kubeconfig`;

export interface TemplateFile {
  /** File name under charts/switchyard/templates/. */
  name: string;
  documents: ChartDocument[];
}

export function rules(permissions: readonly ApiPermission[]) {
  return permissions.map((p) => ({ apiGroups: [p.apiGroup], resources: [p.resource], verbs: [...p.verbs] }));
}

/** Both modes' template files, each document rendered only in its mode. */
export function chartTemplates(ctx: ChartContext): TemplateFile[] {
  const files = new Map<string, ChartDocument[]>();
  for (const mode of ['controller', 'probe-agent'] as const) {
    for (const file of modeTemplates(ctx, mode)) {
      const documents = file.documents.map(({ object, when = [] }) => ({
        object,
        when: [{ value: 'mode', equals: mode }, ...when],
      }));
      files.set(file.name, [...(files.get(file.name) ?? []), ...documents]);
    }
  }
  return [...files].map(([name, documents]) => ({ name, documents }));
}

function modeTemplates(ctx: ChartContext, mode: ChartMode): TemplateFile[] {
  const { release, chart } = ctx;
  const agent = mode === 'probe-agent';
  const name = `${release.name}-${mode}`;
  const namespace = release.namespace;
  const selector = {
    'app.kubernetes.io/name': chart.name,
    'app.kubernetes.io/instance': release.name,
    'app.kubernetes.io/component': mode,
  };
  const labels = {
    ...selector,
    'app.kubernetes.io/version': chart.appVersion,
    'app.kubernetes.io/managed-by': release.service,
    'helm.sh/chart': `${chart.name}-${chart.version}`,
  };
  const metadata = (objectName: string, namespaced = true) => ({
    name: objectName,
    ...(namespaced ? { namespace } : {}),
    labels,
  });
  const subjects = [{ kind: 'ServiceAccount', name, namespace }];

  const serviceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { ...metadata(name), ...ctx.optional('annotations', 'serviceAccount.annotations') },
  };

  const clusterRole = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: metadata(name, false),
    rules: rules(CONTROLLER_PERMISSIONS.filter((p) => p.scope === 'cluster')),
  };
  const clusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: metadata(name, false),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects,
  };
  const leaderElectionName = `${name}-leader-election`;
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: metadata(leaderElectionName),
    rules: rules(CONTROLLER_PERMISSIONS.filter((p) => p.scope === 'leader-election')),
  };
  const roleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: metadata(leaderElectionName),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaderElectionName },
    subjects,
  };

  const args = agent
    ? [
        `--region=${ctx.str('region')}`,
        `--http-port=${ctx.intStr('metrics.port')}`,
        // No Lease: probing twice from one vantage writes the same status.
        '--probe-only',
        // The values schema refuses probe-agent mode without a vantage.
        `--vantage=${ctx.str('vantage')}`,
        `--kubeconfig=${REMOTE_KUBECONFIG_PATH}`,
        `--log-level=${ctx.str('logLevel')}`,
        ...ctx.optionalFlag('--aws-endpoint', 'awsEndpoint'),
      ]
    : [
        `--region=${ctx.str('region')}`,
        `--http-port=${ctx.intStr('metrics.port')}`,
        // The Role above grants the Lease in the release's namespace, and only there.
        `--leader-election-namespace=${namespace}`,
        `--readiness-interval-ms=${ctx.intStr('readinessIntervalMs')}`,
        `--log-level=${ctx.str('logLevel')}`,
        ...ctx.optionalFlag('--aws-endpoint', 'awsEndpoint'),
        ...ctx.optionalFlag('--vantage', 'vantage'),
      ];
  // The agent reads the standby cluster's kubeconfig from a Secret, as one file whatever its key.
  const remoteKubeconfig = 'remote-kubeconfig';
  const volumeMounts = [
    { name: 'tmp', mountPath: '/tmp' },
    ...(agent ? [{ name: remoteKubeconfig, mountPath: REMOTE_KUBECONFIG_DIR, readOnly: true }] : []),
  ];
  const volumes = [
    { name: 'tmp', emptyDir: {} },
    ...(agent
      ? [
          {
            name: remoteKubeconfig,
            secret: {
              secretName: ctx.str('probeAgent.kubeconfigSecret.name'),
              items: [
                {
                  key: ctx.str('probeAgent.kubeconfigSecret.key'),
                  path: REMOTE_KUBECONFIG_PATH.slice(REMOTE_KUBECONFIG_DIR.length + 1),
                },
              ],
            },
          },
        ]
      : []),
  ];
  const probe = (path: string) => ({ httpGet: { path, port: HTTP_PORT_NAME } });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(name),
    spec: {
      replicas: ctx.scalar<number>('replicaCount'),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, ...ctx.optional('annotations', 'podAnnotations') },
        spec: {
          serviceAccountName: name,
          // The agent never calls the API of the cluster it runs in (IRSA's token is mounted apart).
          ...(agent ? { automountServiceAccountToken: false } : {}),
          ...ctx.optional('imagePullSecrets', 'imagePullSecrets'),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: mode,
              image: `${ctx.str('image.repository')}:${ctx.strOrAppVersion('image.tag')}`,
              imagePullPolicy: ctx.str('image.pullPolicy'),
              args,
              ports: [
                { name: HTTP_PORT_NAME, containerPort: ctx.scalar<number>('metrics.port'), protocol: 'TCP' },
              ],
              // The endpoints start once the informers have listed everything; allow for a large estate.
              livenessProbe: { ...probe(LIVENESS_PATH), initialDelaySeconds: 15, periodSeconds: 20 },
              // Ready = informers synced (and, for the controller, leadership not lost; a standby replica is ready too).
              readinessProbe: { ...probe(READINESS_PATH), periodSeconds: 10 },
              resources: ctx.yaml('resources'),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              // The only writable path (/tmp): Node and tsx keep temporary files there.
              volumeMounts,
            },
          ],
          volumes,
          ...ctx.optional('nodeSelector', 'nodeSelector'),
          ...ctx.optional('tolerations', 'tolerations'),
          ...ctx.optional('affinity', 'affinity'),
        },
      },
    },
  };

  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(`${name}-metrics`),
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [
        {
          name: 'http-metrics',
          port: ctx.scalar<number>('metrics.port'),
          targetPort: HTTP_PORT_NAME,
          protocol: 'TCP',
        },
      ],
    },
  };

  const podDisruptionBudget = {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(name),
    spec: {
      minAvailable: ctx.scalar<number | string>('podDisruptionBudget.minAvailable'),
      selector: { matchLabels: selector },
    },
  };

  return [
    { name: 'serviceaccount.yaml', documents: [{ object: serviceAccount }] },
    // The agent needs nothing in the cluster it runs in; its RBAC in the standby's cluster is remote.ts.
    {
      name: 'rbac.yaml',
      documents: agent
        ? []
        : [clusterRole, clusterRoleBinding, role, roleBinding].map((object) => ({ object })),
    },
    { name: 'deployment.yaml', documents: [{ object: deployment }] },
    { name: 'service.yaml', documents: [{ object: service }] },
    {
      name: 'poddisruptionbudget.yaml',
      documents: [{ object: podDisruptionBudget, when: [{ value: 'podDisruptionBudget.enabled' }] }],
    },
  ];
}
