/**
 * Comparing the desired state of an accepted commit with the cluster (argo-cd controller/state.go
 * CompareAppState): the targets as the repo server hands them over (destination namespace,
 * tracking id), the live objects they name plus every object the application tracks, each
 * resource Synced or OutOfSync, and health per resource and for the application.
 *
 * The diff is the server's: a dry-run server-side apply of the target by `argocd-controller`
 * gives the object as it would become, compared with the live one without managedFields and the
 * ignored paths. Argo CD does the same with `ServerSideDiff=true`; with only `ServerSideApply=true`
 * it predicts that object in-process with structured-merge-diff, which the stand-in does not carry.
 */
import { isPlainObject } from '../../src/schema/openapi.js';
import { sameValue } from '../kube/field-set.js';
import { withMetadata } from '../kube/object-meta.js';
import type { ApplicationRules } from './application.js';
import { APPLICATION_KIND, ARGO_API_VERSION, COMPARE_OPTIONS_ANNOTATION } from './argocd-names.js';
import { type ApiResource, type Cluster, KubeApiError } from './cluster.js';
import {
  applicationHealth,
  type HealthChecks,
  type HealthStatus,
  type HealthStatusCode,
  resourceHealth,
} from './health.js';
import { ignoreSetFor, targetRespectingLive, withoutIgnored } from './ignore-differences.js';
import type { DesiredState } from './manifests.js';
import {
  annotationOptions,
  crdDefinedGroupKind,
  isCrd,
  type KubeObject,
  keyOf,
  keyString,
  type ResourceKey,
  versionOf,
  waveOf,
} from './resource-key.js';
import { isTrackedBy, withTrackingId } from './tracking.js';

export type SyncStatusCode = 'Synced' | 'OutOfSync' | 'Unknown';

export interface ResourceState {
  key: ResourceKey;
  apiVersion: string;
  target?: KubeObject;
  live?: KubeObject;
  status: SyncStatusCode;
  requiresPruning: boolean;
  health?: HealthStatus;
  /** Why the status could not be computed exactly (a dry run the server refused). */
  message?: string;
}

export interface Comparison {
  revision: string;
  resources: ResourceState[];
  sync: SyncStatusCode;
  health: HealthStatusCode;
}

export interface CompareContext {
  cluster: Cluster;
  desired: DesiredState;
  checks: HealthChecks;
}

export async function compare({ cluster, desired, checks }: CompareContext): Promise<Comparison> {
  const rules = desired.application;
  const targets = await prepareTargets(cluster, desired);
  const tracked = await trackedObjects(cluster, rules.name);
  const trackedByKey = new Map(tracked.map((live) => [keyString(keyOf(live)), live]));
  const resources: ResourceState[] = [];
  for (const target of targets) {
    const key = keyOf(target);
    const live = trackedByKey.get(keyString(key)) ?? (await cluster.get(String(target.apiVersion), key));
    trackedByKey.delete(keyString(key));
    resources.push(await compareResource(cluster, rules, key, target, live));
  }
  for (const live of trackedByKey.values()) resources.push(extraneous(live));
  for (const resource of resources) {
    const health = healthOf(resource, rules, checks);
    if (health) resource.health = health;
  }
  resources.sort((a, b) => keyString(a.key).localeCompare(keyString(b.key)));
  const counted = resources.filter(
    (resource) => !(resource.requiresPruning && ignoresExtraneous(resource.live)),
  );
  return {
    revision: desired.revision,
    resources,
    sync: counted.some((resource) => resource.status !== 'Synced') ? 'OutOfSync' : 'Synced',
    health: applicationHealth(
      resources.map(({ apiVersion, key, live, health }) => ({
        apiVersion,
        kind: key.kind,
        ...(live ? { live } : {}),
        ...(health ? { health } : {}),
      })),
      checks,
    ),
  };
}

/** The targets with the destination namespace where they need one, and their tracking ids. */
async function prepareTargets(cluster: Cluster, desired: DesiredState): Promise<KubeObject[]> {
  const rules = desired.application;
  const objects = desired.manifests.map((manifest) => manifest.object);
  const clusterScopedCrdKinds = new Set(
    objects.filter(isCrd).flatMap((crd) => {
      const scope = isPlainObject(crd.spec) ? crd.spec.scope : undefined;
      return scope === 'Cluster' ? (crdDefinedGroupKind(crd) ?? []) : [];
    }),
  );
  const prepared: KubeObject[] = [];
  for (const object of objects) {
    const key = keyOf(object);
    const served = await cluster.resourceFor(String(object.apiVersion), key.kind);
    // IsNamespacedOrUnknown: a kind the server does not serve yet is namespaced unless its CRD here says otherwise.
    const namespaced = served ? served.namespaced : !clusterScopedCrdKinds.has(`${key.group}/${key.kind}`);
    let target = object;
    if (namespaced && !key.namespace && rules.destinationNamespace)
      target = withMetadata(object, { namespace: rules.destinationNamespace });
    if (!namespaced && key.namespace) target = withMetadata(object, { namespace: undefined });
    prepared.push(withTrackingId(target, rules.name, rules.destinationNamespace));
  }
  return prepared;
}

/** Every live object whose tracking id names the application (Argo CD's cluster cache, by listing). */
async function trackedObjects(cluster: Cluster, application: string): Promise<KubeObject[]> {
  const resources = await cluster.listableResources();
  // A type the server lists in discovery but refuses to list (gone meanwhile, or not allowed) holds nothing to track.
  const listOrNone = (resource: ApiResource) =>
    cluster.list(resource).catch((error: unknown) => {
      if (error instanceof KubeApiError && [403, 404, 405].includes(error.status)) return [];
      throw error;
    });
  const lists = await Promise.all(resources.map(listOrNone));
  return lists.flat().filter((live) => isTrackedBy(live, application));
}

async function compareResource(
  cluster: Cluster,
  rules: ApplicationRules,
  key: ResourceKey,
  target: KubeObject,
  live: KubeObject | undefined,
): Promise<ResourceState> {
  const base = { key, apiVersion: String(target.apiVersion), target, requiresPruning: false };
  if (!live) return { ...base, status: 'OutOfSync' };
  const set = ignoreSetFor(rules.ignoreDifferences, key);
  try {
    const predicted = await cluster.apply(targetRespectingLive(target, live, set), { dryRun: true });
    const same = sameValue(comparable(withoutIgnored(predicted, set)), comparable(withoutIgnored(live, set)));
    return { ...base, live, status: same ? 'Synced' : 'OutOfSync' };
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    return { ...base, live, status: 'OutOfSync', message: `dry-run apply refused: ${error.message}` };
  }
}

/** What a write changes besides the content: managedFields, resourceVersion, generation. */
function comparable(object: KubeObject): KubeObject {
  return withMetadata(object, {
    managedFields: undefined,
    resourceVersion: undefined,
    generation: undefined,
  });
}

function extraneous(live: KubeObject): ResourceState {
  return {
    key: keyOf(live),
    apiVersion: String(live.apiVersion),
    live,
    status: 'OutOfSync',
    requiresPruning: true,
  };
}

const ignoresExtraneous = (live: KubeObject | undefined) =>
  live !== undefined && annotationOptions(live, COMPARE_OPTIONS_ANNOTATION).includes('IgnoreExtraneous');

/** A resource's health; none for the Application that syncs itself (it does not affect its own health). */
function healthOf(
  resource: ResourceState,
  rules: ApplicationRules,
  checks: HealthChecks,
): HealthStatus | undefined {
  const { key } = resource;
  const isSelf =
    key.kind === APPLICATION_KIND &&
    resource.apiVersion === ARGO_API_VERSION &&
    key.name === rules.name &&
    key.namespace === rules.namespace;
  if (isSelf) return undefined;
  if (!resource.live) return { status: 'Missing' };
  return resourceHealth(resource.live, checks);
}

/** The version a resource is served at, for status (Argo CD lists it per resource). */
export const resourceVersionName = (resource: ResourceState) => versionOf(resource.apiVersion);

/** The wave a resource syncs in, for status. */
export const resourceWave = (resource: ResourceState) =>
  resource.target ? waveOf(resource.target) : undefined;
