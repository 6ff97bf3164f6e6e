/**
 * Every Kubernetes API access the controller makes, in RBAC terms: the one list the Helm chart's
 * ClusterRole and Role are generated from (src/chart), and that test/unit/chart checks against
 * the requests a running controller actually sends. A new API call in controllers/kube/ needs a
 * line here, or the controller behind the chart's RBAC is refused (and that test fails).
 */
import { GROUP } from '../../src/apis/common.js';
import { FAILOVER_PLANS, FAILOVERS, REGION_HEALTHS } from './resources.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface ApiPermission {
  /** API group; '' is the core group. */
  apiGroup: string;
  /** Plural resource, or `plural/subresource`. */
  resource: string;
  verbs: readonly Verb[];
  /**
   * `cluster`: in every namespace (the informers watch all namespaces; Events go to the namespace
   * of the object they are about). `leader-election`: only in the --leader-election-namespace.
   */
  scope: 'cluster' | 'leader-election';
  /** Which code makes the calls. */
  usedBy: string;
}

export const CONTROLLER_PERMISSIONS: readonly ApiPermission[] = [
  {
    apiGroup: GROUP,
    resource: FAILOVERS.plural,
    verbs: ['get', 'list', 'watch', 'create', 'patch'],
    scope: 'cluster',
    usedBy:
      'informers.ts (list, watch); resources.ts getFailover before each step, setFailoverFinalizers (the execution finalizer); the automatic trigger creates Failovers',
  },
  {
    apiGroup: GROUP,
    resource: `${FAILOVERS.plural}/status`,
    verbs: ['patch'],
    scope: 'cluster',
    usedBy: 'resources.ts patchFailoverStatus (journal, phase, conditions)',
  },
  {
    apiGroup: GROUP,
    resource: FAILOVER_PLANS.plural,
    verbs: ['get', 'list', 'watch'],
    scope: 'cluster',
    usedBy: 'informers.ts; resources.ts getPlan',
  },
  {
    apiGroup: GROUP,
    resource: `${FAILOVER_PLANS.plural}/status`,
    verbs: ['patch', 'update'],
    scope: 'cluster',
    usedBy: 'resources.ts patchPlanStatus (readiness conditions), replacePlanStatus (the execution lock)',
  },
  {
    apiGroup: GROUP,
    resource: REGION_HEALTHS.plural,
    verbs: ['get', 'list', 'watch'],
    scope: 'cluster',
    usedBy: 'informers.ts; resources.ts getRegionHealth (prober)',
  },
  {
    apiGroup: GROUP,
    resource: `${REGION_HEALTHS.plural}/status`,
    verbs: ['patch'],
    scope: 'cluster',
    usedBy: 'resources.ts patchRegionHealthStatus (probe results of this vantage)',
  },
  {
    apiGroup: '',
    resource: 'events',
    verbs: ['create'],
    scope: 'cluster',
    usedBy:
      "events.ts KubeEventRecorder (core/v1 Events: one per step transition, and the gate keeper's changes on plans)",
  },
  {
    apiGroup: 'coordination.k8s.io',
    resource: 'leases',
    verbs: ['get', 'create', 'update'],
    scope: 'leader-election',
    usedBy: 'leader-election.ts (read, create, replace at the read resourceVersion)',
  },
];

/**
 * What the probe-only agent (`--probe-only`, a vantage outside the cluster it reports to) needs:
 * its RegionHealth objects and their status, nothing of Failovers, plans, Events or Leases.
 */
export const PROBE_AGENT_PERMISSIONS: readonly ApiPermission[] = CONTROLLER_PERMISSIONS.filter(
  (p) => p.apiGroup === GROUP && p.resource.split('/')[0] === REGION_HEALTHS.plural,
);
