/**
 * Names in the environments repository and in the Argo CD objects, written once here
 * (docs/environments-repo.md, ADR 0017). Argo CD's own names (its namespace, argocd-cm, the
 * in-cluster server) are the upstream defaults.
 */
import type { PairRegion } from '../estate/common/parameters.js';

/** The namespace Argo CD is installed in; its Applications, AppProjects and argocd-cm live there. */
export const ARGOCD_NAMESPACE = 'argocd';
/** Argo CD's settings ConfigMap. */
export const ARGOCD_CM = 'argocd-cm';
/** The cluster Argo CD runs in, as Argo CD names it: each region's Argo CD deploys only there. */
export const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/** `argocd.argoproj.io/…` annotations that carry the sync rules on each object. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Who writes the environments repository (commit identity fallback, `app.kubernetes.io/managed-by`). */
export const PUBLISHER = 'switchyard-publish';

/** Every published file lives under this folder; the publisher owns it wholesale. */
export const CLUSTERS_DIR = 'clusters';
/** One folder per region's management cluster: `clusters/us-east-1`. */
export const clusterDir = (region: PairRegion) => `${CLUSTERS_DIR}/${region}`;

/** The AppProject of a platform. */
export const projectName = (platformId: string) => platformId;
/** The Application that syncs one region's folder into that region's cluster. */
export const applicationName = (platformId: string, region: PairRegion) => `${platformId}-${region}`;
