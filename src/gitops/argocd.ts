/**
 * The Argo CD objects of one region's folder (ADR 0017): the platform's AppProject (only this
 * repository, only the in-cluster API, only the kinds and cluster-scoped objects the folder holds)
 * and the Application that syncs the folder. The Application is the one place the sync rules live:
 * Argo CD and the embedded syncer (local/gitops) read them from it and from the annotations each
 * object carries (syncAnnotations).
 */

import { CONTROLLER_PERMISSIONS } from '../../controllers/kube/permissions.js';
import { FIELD_MANAGER } from '../../controllers/kube/resources.js';
import { GROUP } from '../apis/common.js';
import { customResources } from '../apis/index.js';
import type { PairRegion } from '../estate/common/parameters.js';
import {
  ARGOCD_NAMESPACE,
  applicationName,
  IN_CLUSTER_SERVER,
  projectName,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
} from './names.js';
import { groupKindOf, groupOf, type KubeObject } from './objects.js';

const ARGO_API_VERSION = 'argoproj.io/v1alpha1';

/**
 * The Application's sync options: server-side apply (our CRDs are larger than the client-side
 * last-applied annotation allows, and argocd-cm is a partial object), background deletion of
 * pruned objects, and a sync that leaves the fields ignoreDifferences names alone.
 */
export const APPLICATION_SYNC_OPTIONS = [
  'ServerSideApply=true',
  'PrunePropagationPolicy=background',
  'RespectIgnoreDifferences=true',
] as const;

/**
 * Kubernetes' own groups, Crossplane core's (`*.crossplane.io`, installed with its Helm chart) and
 * Argo CD's: what a management cluster serves before its first sync. Every other kind's CRD arrives
 * in the same sync (our CRDs, the XRDs' composite kinds, the providers' kinds).
 */
export function servedBeforeFirstSync(group: string): boolean {
  return (
    group === '' ||
    !group.includes('.') ||
    group.endsWith('.k8s.io') ||
    group.endsWith('.crossplane.io') ||
    group === 'argoproj.io'
  );
}

export interface SyncRules {
  wave: number;
  /** Removing it from Git must not delete it: Argo CD reports it as to be pruned and waits for a person. */
  keep?: boolean;
}

/**
 * The annotations that carry an object's sync rules: its wave; `SkipDryRunOnMissingResource` when
 * its kind's CRD arrives in the same sync (the dry run would fail before the CRD exists);
 * `Prune=false` for objects whose deletion would take state with it.
 */
export function syncAnnotations(object: KubeObject, { wave, keep }: SyncRules): Record<string, string> {
  const options = [
    ...(servedBeforeFirstSync(groupOf(object)) ? [] : ['SkipDryRunOnMissingResource=true']),
    ...(keep ? ['Prune=false'] : []),
  ];
  return {
    [SYNC_WAVE_ANNOTATION]: String(wave),
    ...(options.length ? { [SYNC_OPTIONS_ANNOTATION]: options.join(',') } : {}),
  };
}

/** Switchyard kinds whose objects the controller writes at run time (status, finalizers), from its RBAC list. */
export function controllerWrittenKinds(): string[] {
  const plurals = new Set(
    CONTROLLER_PERMISSIONS.filter(
      (p) => p.apiGroup === GROUP && p.verbs.some((verb) => verb === 'patch' || verb === 'update'),
    ).map((p) => p.resource.split('/')[0]),
  );
  return customResources.filter((resource) => plurals.has(resource.plural)).map((resource) => resource.kind);
}

/** Fields the controller's field manager owns are its own: Argo CD neither shows nor reverts them. */
export function controllerIgnoreDifferences() {
  return controllerWrittenKinds().map((kind) => ({
    group: GROUP,
    kind,
    managedFieldsManagers: [FIELD_MANAGER],
  }));
}

export interface ApplicationInput {
  platformId: string;
  region: PairRegion;
  repoURL: string;
  branch: string;
  /** The region's folder in the repository. */
  path: string;
  /** Where namespaced objects without a namespace would go (ours all name theirs). */
  namespace: string;
}

export function application(input: ApplicationInput): KubeObject {
  return {
    apiVersion: ARGO_API_VERSION,
    kind: 'Application',
    metadata: { name: applicationName(input.platformId, input.region), namespace: ARGOCD_NAMESPACE },
    spec: {
      project: projectName(input.platformId),
      source: {
        repoURL: input.repoURL,
        targetRevision: input.branch,
        path: input.path,
        directory: { recurse: true },
      },
      destination: { server: IN_CLUSTER_SERVER, namespace: input.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        syncOptions: [...APPLICATION_SYNC_OPTIONS],
        // A wave waits for the previous one to be healthy; this covers a provider still installing.
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      },
      ignoreDifferences: controllerIgnoreDifferences(),
    },
  };
}

export interface ProjectInput {
  platformId: string;
  repoURL: string;
  /** Every other object of the folder: the allow-lists are exactly theirs. */
  objects: readonly KubeObject[];
}

const uniqueBy = <T>(items: T[], key: (item: T) => string) => [
  ...new Map(items.map((item) => [key(item), item])).values(),
];

/**
 * The platform's AppProject: sources only this repository, destinations only the in-cluster API and
 * the namespaces the folder uses, the cluster-scoped and the namespaced objects allowed by group and
 * kind. The project itself is one of those objects. Not by name: Argo CD v3.2.11, the release the
 * repository targets (ADR 0018), has no `name` in `clusterResourceWhitelist` (added in v3.3.0) and
 * its CRD refuses the field, so the project, and with it the whole folder, would not sync.
 */
export function appProject(input: ProjectInput): KubeObject {
  const self: KubeObject = {
    apiVersion: ARGO_API_VERSION,
    kind: 'AppProject',
    metadata: { name: projectName(input.platformId), namespace: ARGOCD_NAMESPACE },
  };
  const objects = [...input.objects, self];
  const namespaced = objects.filter((object) => object.metadata.namespace !== undefined);
  const clusterScoped = objects.filter((object) => object.metadata.namespace === undefined);
  const byGroupKind = (a: { group: string; kind: string }, b: { group: string; kind: string }) =>
    `${a.group}/${a.kind}`.localeCompare(`${b.group}/${b.kind}`);
  return {
    ...self,
    spec: {
      description: `Switchyard platform ${input.platformId}: only what switchyard publish writes to ${input.repoURL}`,
      sourceRepos: [input.repoURL],
      destinations: [...new Set(namespaced.map((object) => object.metadata.namespace as string))]
        .sort()
        .map((namespace) => ({ server: IN_CLUSTER_SERVER, namespace })),
      clusterResourceWhitelist: uniqueBy(clusterScoped, groupKindOf)
        .map((object) => ({ group: groupOf(object), kind: object.kind }))
        .sort(byGroupKind),
      namespaceResourceWhitelist: uniqueBy(namespaced, groupKindOf)
        .map((object) => ({ group: groupOf(object), kind: object.kind }))
        .sort(byGroupKind),
    },
  };
}
