/**
 * What the probe-only agent needs in the *standby's* cluster, the one its kubeconfig points at:
 * a ServiceAccount, a long-lived token for the kubeconfig, and PROBE_AGENT_PERMISSIONS (RegionHealth
 * get/list/watch, regionhealths/status patch) cluster-wide. Helm cannot install into another
 * cluster, so this is a plain manifest in the chart, charts/switchyard/remote/probe-agent-rbac.yaml,
 * that the operator applies there with kubectl (README "Install with Helm", ADR 0008).
 */
import { PROBE_AGENT_PERMISSIONS } from '../../controllers/kube/permissions.js';
import { rules } from './controller.js';
import { CHART_DIR } from './values.js';

export const REMOTE_RBAC_FILE = `${CHART_DIR}/remote/probe-agent-rbac.yaml`;
/** The controller's namespace in the standby's cluster (README's `helm install -n`). */
export const REMOTE_NAMESPACE = 'switchyard-system';
export const REMOTE_NAME = 'switchyard-probe-agent';
export const REMOTE_TOKEN_SECRET = `${REMOTE_NAME}-token`;

export function probeAgentRemoteRbac(): Record<string, unknown>[] {
  const labels = { 'app.kubernetes.io/name': 'switchyard', 'app.kubernetes.io/component': 'probe-agent' };
  const namespaced = (name: string) => ({ name, namespace: REMOTE_NAMESPACE, labels });
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: namespaced(REMOTE_NAME) },
    {
      // A token that does not expire, for the agent's kubeconfig (or use `kubectl create token --duration`).
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/service-account-token',
      metadata: {
        ...namespaced(REMOTE_TOKEN_SECRET),
        annotations: { 'kubernetes.io/service-account.name': REMOTE_NAME },
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: REMOTE_NAME, labels },
      rules: rules(PROBE_AGENT_PERMISSIONS),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: REMOTE_NAME, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: REMOTE_NAME },
      subjects: [{ kind: 'ServiceAccount', name: REMOTE_NAME, namespace: REMOTE_NAMESPACE }],
    },
  ];
}
