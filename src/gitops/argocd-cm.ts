/**
 * The published change to Argo CD's settings (argocd-cm): a partial ConfigMap that Argo CD applies
 * server-side, so it owns only the keys below and leaves the rest of its installation's settings
 * alone. docs/environments-repo.md lists the same keys ("argocd-cm keys"); a test holds them equal.
 */
import { stringify } from 'yaml';
import { ARGOCD_CM, ARGOCD_NAMESPACE } from './names.js';
import type { KubeObject } from './objects.js';

interface FilteredResource {
  apiGroups: string[];
  kinds: string[];
  clusters: string[];
}

const everyCluster = ['*'];

/**
 * `resource.exclusions`: kinds Argo CD neither watches nor shows. Setting the key replaces the list
 * Argo CD's install manifest ships, so its Kubernetes entries are kept (the third-party ones, for
 * CNIs and policy engines these clusters do not run, are not).
 */
export const RESOURCE_EXCLUSIONS: readonly FilteredResource[] = [
  // Crossplane writes one per managed resource and ProviderConfig; never in Git (Crossplane's Argo CD guide).
  { apiGroups: ['*'], kinds: ['ProviderConfigUsage'], clusters: everyCluster },
  // Leader election renews the controller's Lease every few seconds (Argo CD also excludes it in code).
  { apiGroups: ['coordination.k8s.io'], kinds: ['Lease'], clusters: everyCluster },
  // The controller records each step as an Event (Argo CD also excludes them in code).
  { apiGroups: ['', 'events.k8s.io'], kinds: ['Event'], clusters: everyCluster },
  // Kept from Argo CD's default argocd-cm: made by the control plane, high churn.
  { apiGroups: ['', 'discovery.k8s.io'], kinds: ['Endpoints', 'EndpointSlice'], clusters: everyCluster },
  {
    apiGroups: ['authentication.k8s.io', 'authorization.k8s.io'],
    kinds: [
      'SelfSubjectReview',
      'TokenReview',
      'LocalSubjectAccessReview',
      'SelfSubjectAccessReview',
      'SelfSubjectRulesReview',
      'SubjectAccessReview',
    ],
    clusters: everyCluster,
  },
  { apiGroups: ['certificates.k8s.io'], kinds: ['CertificateSigningRequest'], clusters: everyCluster },
];

export const RESOURCE_EXCLUSIONS_KEY = 'resource.exclusions';
/** Health entries: `resource.customizations.health.<group>_<kind>`, or the `resource.customizations` block. */
export const HEALTH_KEY_PREFIX = 'resource.customizations';

/**
 * Every key the patch can set (`<group>_<kind>` stands for one kind) and why: what the
 * documentation lists. The health keys come from argocdCmHealthData() (src/gitops/health/argocd-cm.ts).
 */
export const ARGOCD_CM_KEYS: Readonly<Record<string, string>> = {
  [RESOURCE_EXCLUSIONS_KEY]:
    'kinds Argo CD does not watch: ProviderConfigUsage, Lease, Event, and Argo CD’s own Kubernetes defaults',
  [`${HEALTH_KEY_PREFIX}.health.<group>_<kind>`]: 'the health check (Lua) of one kind we publish',
  [`${HEALTH_KEY_PREFIX}.useOpenLibs.<group>_<kind>`]:
    '"true" where that check needs Lua’s standard libraries',
  [HEALTH_KEY_PREFIX]:
    'health checks of wildcard kinds (`*.upbound.io/*`), which a ConfigMap key cannot name',
};

const keyPattern = (documented: string) =>
  new RegExp(`^${documented.replace(/[.]/g, '\\.').replace('<group>_<kind>', '[-._a-zA-Z0-9]+')}$`);

/** Whether `key` is one of ARGOCD_CM_KEYS (`<group>_<kind>` matching any kind). */
export const isDocumentedKey = (key: string, keys = Object.keys(ARGOCD_CM_KEYS)) =>
  keys.some((documented) => keyPattern(documented).test(key));

const HEALTH_KEYS = Object.keys(ARGOCD_CM_KEYS).filter((key) => key.startsWith(HEALTH_KEY_PREFIX));

/** What the apiserver accepts as a ConfigMap data key. */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * The argocd-cm patch carrying `health` (argocd-cm entries, see health/argocd-cm.ts). A key that is not
 * one of the documented health keys, or that a ConfigMap cannot hold (wildcards belong inside the
 * `resource.customizations` block), is refused.
 */
export function argocdCmPatch(health: Readonly<Record<string, string>>): KubeObject {
  for (const key of Object.keys(health)) {
    if (!CONFIG_MAP_KEY.test(key))
      throw new Error(
        `argocd-cm health entry "${key}": a ConfigMap key holds only letters, digits, "-", "_" and "." ` +
          `(put wildcard kinds in the ${HEALTH_KEY_PREFIX} block)`,
      );
    if (!isDocumentedKey(key, HEALTH_KEYS))
      throw new Error(`argocd-cm health entry "${key}": not a health key (${HEALTH_KEYS.join(', ')})`);
  }
  const sorted = Object.fromEntries(Object.entries(health).sort(([a], [b]) => a.localeCompare(b)));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: ARGOCD_CM, namespace: ARGOCD_NAMESPACE },
    data: {
      ...sorted,
      [RESOURCE_EXCLUSIONS_KEY]: stringify(RESOURCE_EXCLUSIONS, { aliasDuplicateObjects: false }),
    },
  };
}
