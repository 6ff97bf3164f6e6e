/**
 * The failover controller as the Helm chart installs it: Deployment (leader election on, so only
 * one replica acts), ServiceAccount, RBAC generated from controllers/kube/permissions.ts, a
 * metrics Service and an optional PodDisruptionBudget. Written once against a ChartContext
 * (helm.ts): the same function produces the Helm templates and the objects they render to.
 */
import { type ApiPermission, CONTROLLER_PERMISSIONS } from '../../controllers/kube/permissions.js';
import type { ChartContext, ChartDocument } from './helm.js';

/** The container's one HTTP port (named), serving /metrics, /healthz and /readyz. */
export const HTTP_PORT_NAME = 'http';
/** Paths controllers/kube/http-endpoints.ts serves. */
export const LIVENESS_PATH = '/healthz';
export const READINESS_PATH = '/readyz';
export const METRICS_PATH = '/metrics';
/** A non-root user the image does not need to declare (runAsNonRoot needs a numeric user). */
export const RUN_AS_USER = 65532;

export interface TemplateFile {
  /** File name under charts/switchyard/templates/. */
  name: string;
  documents: ChartDocument[];
}

function rules(permissions: readonly ApiPermission[]) {
  return permissions.map((p) => ({ apiGroups: [p.apiGroup], resources: [p.resource], verbs: [...p.verbs] }));
}

export function controllerTemplates(ctx: ChartContext): TemplateFile[] {
  const { release, chart } = ctx;
  const name = `${release.name}-controller`;
  const namespace = release.namespace;
  const selector = {
    'app.kubernetes.io/name': chart.name,
    'app.kubernetes.io/instance': release.name,
    'app.kubernetes.io/component': 'controller',
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

  const args = [
    `--region=${ctx.str('region')}`,
    `--http-port=${ctx.intStr('metrics.port')}`,
    // The Role above grants the Lease in the release's namespace, and only there.
    `--leader-election-namespace=${namespace}`,
    `--readiness-interval-ms=${ctx.intStr('readinessIntervalMs')}`,
    `--log-level=${ctx.str('logLevel')}`,
    ...ctx.optionalFlag('--aws-endpoint', 'awsEndpoint'),
    ...ctx.optionalFlag('--vantage', 'vantage'),
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
          ...ctx.optional('imagePullSecrets', 'imagePullSecrets'),
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'controller',
              image: `${ctx.str('image.repository')}:${ctx.strOrAppVersion('image.tag')}`,
              imagePullPolicy: ctx.str('image.pullPolicy'),
              args,
              ports: [
                { name: HTTP_PORT_NAME, containerPort: ctx.scalar<number>('metrics.port'), protocol: 'TCP' },
              ],
              // The endpoints start once the informers have listed everything; allow for a large estate.
              livenessProbe: { ...probe(LIVENESS_PATH), initialDelaySeconds: 15, periodSeconds: 20 },
              // Ready = informers synced and leadership not lost; a standby replica is ready too.
              readinessProbe: { ...probe(READINESS_PATH), periodSeconds: 10 },
              resources: ctx.yaml('resources'),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              // The only writable path: Node and tsx keep temporary files there.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
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
    {
      name: 'rbac.yaml',
      documents: [clusterRole, clusterRoleBinding, role, roleBinding].map((object) => ({ object })),
    },
    { name: 'deployment.yaml', documents: [{ object: deployment }] },
    { name: 'service.yaml', documents: [{ object: service }] },
    {
      name: 'poddisruptionbudget.yaml',
      documents: [{ object: podDisruptionBudget, enabledBy: 'podDisruptionBudget.enabled' }],
    },
  ];
}
