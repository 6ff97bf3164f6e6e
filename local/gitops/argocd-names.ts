/**
 * Argo CD v3.2.11's own names that the stand-in imitates, each as upstream spells it
 * (argo-cd `common/common.go`, gitops-engine `pkg/sync/common/types.go`). The stand-in is not
 * Argo CD: it only reads and writes what Argo CD would, so a cluster synced by one can be taken
 * over by the other (docs/adr/0018-embedded-gitops-syncer.md).
 */

/** What every log line, status file and message says the syncer is. */
export const STAND_IN =
  'switchyard local/gitops, an embedded stand-in imitating Argo CD v3.2.11 sync (not Argo CD)';

/** What every log line carries, shorter. */
export const STAND_IN_LOG_LABEL = 'local/gitops stand-in, not Argo CD';

/** The version whose rules are imitated; CI checks the stand-in against it. */
export const IMITATED_ARGO_CD_VERSION = 'v3.2.11';

/** Server-side apply field manager of every sync (cdcommon.ArgoCDSSAManager). */
export const FIELD_MANAGER = 'argocd-controller';

/** Annotation-based resource tracking, the default since v3.0 (common.AnnotationKeyAppInstance). */
export const TRACKING_ID_ANNOTATION = 'argocd.argoproj.io/tracking-id';
/** Tracking ids with an installation id only count for that installation; the stand-in sets none. */
export const INSTALLATION_ID_ANNOTATION = 'argocd.argoproj.io/installation-id';

// Written once where the publisher writes them; the stand-in reads what the publisher writes.
export { ARGOCD_CM, SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../../src/gitops/names.js';
export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';
/** `"true"` keeps a resource out of the application's health (common.AnnotationIgnoreHealthCheck). */
export const IGNORE_HEALTH_CHECK_ANNOTATION = 'argocd.argoproj.io/ignore-healthcheck';
/** Resource hooks: not implemented by the stand-in, so refused (`hook.IsHook`). */
export const HOOK_ANNOTATIONS = ['argocd.argoproj.io/hook', 'helm.sh/hook'] as const;

export const ARGO_API_VERSION = 'argoproj.io/v1alpha1';
export const APPLICATION_KIND = 'Application';

/**
 * gitops-engine's kind order inside one wave (pkg/sync/sync_tasks.go, from Helm's kind sorter):
 * kinds not listed (custom resources) come after all of these.
 */
export const KIND_ORDER: readonly string[] = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];

/** ARGOCD_SYNC_WAVE_DELAY's default: seconds between waves, so other controllers can react (controller/sync.go). */
export const DEFAULT_WAVE_DELAY_MS = 2_000;
