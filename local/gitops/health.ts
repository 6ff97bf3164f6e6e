/**
 * Resource and application health as Argo CD computes them (gitops-engine pkg/health, argo-cd
 * controller/health.go). A resource's health comes from, in order: its deletion (Progressing,
 * "Pending deletion"), the health customizations of argocd-cm (the Lua scripts, injected: see
 * HealthChecksFactory), gitops-engine's built-in Go checks (Deployment and Service ported; the
 * other built-in kinds answer Unknown rather than pretending), else none. The application's
 * health is the worst of its resources'.
 */
import { isPlainObject } from '../../src/schema/openapi.js';
import { metadataOf } from '../kube/object-meta.js';
import { APPLICATION_KIND, ARGO_API_VERSION, IGNORE_HEALTH_CHECK_ANNOTATION } from './argocd-names.js';
import { annotationsOf, groupOf, type KubeObject } from './resource-key.js';

/** From most to least healthy (health.go healthOrder). */
export const HEALTH_ORDER = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
] as const;
export type HealthStatusCode = (typeof HEALTH_ORDER)[number];

export interface HealthStatus {
  status: HealthStatusCode;
  message?: string;
}

/** The health checks argocd-cm configures (Argo CD's resource customizations). */
export interface HealthChecks {
  /** The health a customization gives the object, or undefined when none applies. */
  assess(object: KubeObject): HealthStatus | undefined;
  /** Whether a customization exists for the kind: a Missing resource counts only then (or with a built-in). */
  covers(apiVersion: string, kind: string): boolean;
}

/**
 * Builds the checks from the data of the live argocd-cm (undefined when the cluster has none), as
 * Argo CD reads its settings from the cluster. The in-process Lua runner of src/gitops/health plugs
 * in here; without it only the built-in checks apply.
 */
export type HealthChecksFactory = (argocdCm: Readonly<Record<string, string>> | undefined) => HealthChecks;

export const builtInOnly: HealthChecksFactory = () => ({ assess: () => undefined, covers: () => false });

/** IsWorse. */
export function isWorse(current: HealthStatusCode, next: HealthStatusCode): boolean {
  return HEALTH_ORDER.indexOf(next) > HEALTH_ORDER.indexOf(current);
}

type Check = (object: KubeObject) => HealthStatus;

const num = (value: unknown) => (typeof value === 'number' ? value : 0);

/** getAppsv1DeploymentHealth. */
function deploymentHealth(object: KubeObject): HealthStatus {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  const status = isPlainObject(object.status) ? object.status : {};
  const name = String(metadataOf(object).name ?? '');
  if (spec.paused === true) return { status: 'Suspended', message: 'Deployment is paused' };
  if (num(metadataOf(object).generation) > num(status.observedGeneration))
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isPlainObject) : [];
  const progressing = conditions.find((condition) => condition.type === 'Progressing');
  const [updated, replicas, available] = [
    num(status.updatedReplicas),
    num(status.replicas),
    num(status.availableReplicas),
  ];
  const wanted = typeof spec.replicas === 'number' ? spec.replicas : undefined;
  if (progressing?.reason === 'ProgressDeadlineExceeded')
    return { status: 'Degraded', message: `Deployment "${name}" exceeded its progress deadline` };
  if (wanted !== undefined && updated < wanted)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${wanted} new replicas have been updated...`,
    };
  if (replicas > updated)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  if (available < updated)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  return { status: 'Healthy' };
}

/** getCorev1ServiceHealth: a LoadBalancer is Progressing until it has an ingress. */
function serviceHealth(object: KubeObject): HealthStatus {
  const spec = isPlainObject(object.spec) ? object.spec : {};
  if (spec.type !== 'LoadBalancer') return { status: 'Healthy' };
  const status = isPlainObject(object.status) ? object.status : {};
  const loadBalancer = isPlainObject(status.loadBalancer) ? status.loadBalancer : {};
  const ingress = Array.isArray(loadBalancer.ingress) ? loadBalancer.ingress : [];
  return { status: ingress.length > 0 ? 'Healthy' : 'Progressing' };
}

const notPorted =
  (kind: string): Check =>
  () => ({
    status: 'Unknown',
    message: `the stand-in has not ported Argo CD's built-in health check of ${kind}`,
  });

/** GetHealthCheckFunc: gitops-engine's built-in checks by group and kind. */
const BUILT_IN: Readonly<Record<string, Check>> = {
  'apps/Deployment': deploymentHealth,
  '/Service': serviceHealth,
  'apps/StatefulSet': notPorted('StatefulSet'),
  'apps/ReplicaSet': notPorted('ReplicaSet'),
  'apps/DaemonSet': notPorted('DaemonSet'),
  'extensions/Ingress': notPorted('Ingress'),
  'networking.k8s.io/Ingress': notPorted('Ingress'),
  'argoproj.io/Workflow': notPorted('Workflow'),
  'apiregistration.k8s.io/APIService': notPorted('APIService'),
  '/PersistentVolumeClaim': notPorted('PersistentVolumeClaim'),
  '/Pod': notPorted('Pod'),
  'batch/Job': notPorted('Job'),
  'autoscaling/HorizontalPodAutoscaler': notPorted('HorizontalPodAutoscaler'),
};

const builtInFor = (apiVersion: unknown, kind: unknown) => BUILT_IN[`${groupOf(apiVersion)}/${String(kind)}`];

/** GetResourceHealth: the health of a live object, or undefined when nothing assesses its kind. */
export function resourceHealth(live: KubeObject, checks: HealthChecks): HealthStatus | undefined {
  if (metadataOf(live).deletionTimestamp) return { status: 'Progressing', message: 'Pending deletion' };
  const custom = checks.assess(live);
  if (custom) return custom;
  return builtInFor(live.apiVersion, live.kind)?.(live);
}

/** Whether anything assesses the kind; Argo CD ignores a Missing resource of a kind nothing assesses. */
export function hasHealthCheck(apiVersion: string, kind: string, checks: HealthChecks): boolean {
  return builtInFor(apiVersion, kind) !== undefined || checks.covers(apiVersion, kind);
}

export interface HealthInput {
  apiVersion: string;
  kind: string;
  live?: KubeObject;
  /** The resource's own health, Missing when it has no live object. */
  health?: HealthStatus;
}

/** setApplicationHealth: the worst of the resources' health, leaving out what Argo CD leaves out. */
export function applicationHealth(resources: readonly HealthInput[], checks: HealthChecks): HealthStatusCode {
  let worst: HealthStatusCode = 'Healthy';
  for (const resource of resources) {
    if (!resource.health) continue;
    if (resource.live && annotationsOf(resource.live)[IGNORE_HEALTH_CHECK_ANNOTATION] === 'true') continue;
    if (resource.health.status === 'Missing' && !hasHealthCheck(resource.apiVersion, resource.kind, checks))
      continue;
    // A child Application that is Missing or Unknown does not affect its parent.
    if (isApplication(resource) && ['Missing', 'Unknown'].includes(resource.health.status)) continue;
    if (isWorse(worst, resource.health.status)) worst = resource.health.status;
  }
  return worst;
}

const isApplication = (resource: HealthInput) =>
  resource.kind === APPLICATION_KIND && groupOf(resource.apiVersion) === groupOf(ARGO_API_VERSION);
