import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { FIELD_MANAGER as CONTROLLER_MANAGER } from '../../../controllers/kube/resources.js';
import type { HealthChecksFactory } from '../../../local/gitops/index.js';
import { GROUP, VERSION } from '../../../src/apis/common.js';
import { FailoverResource, type RegionHealthInput, RegionHealthResource } from '../../../src/apis/index.js';
import { projectRoot, upstreamSchemasDir } from '../../../src/schema/paths.js';
import { readCrdDocuments } from '../kube/crd-files.js';

export { CONTROLLER_MANAGER };

export const API_VERSION = `${GROUP}/${VERSION}`;
export const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
/** Where the Application objects live, as in a real installation. */
export const ARGO_NAMESPACE = 'argocd';

/** Our CRDs (less the ones named) and Argo CD's Application and AppProject CRDs, read from ../shared/schemas. */
export function clusterCrds(except: readonly string[] = []): Record<string, unknown>[] {
  const ours = readCrdDocuments(join(projectRoot(), 'charts/switchyard/crds'));
  const argo = ['application-crd.yaml', 'appproject-crd.yaml'].map(
    (file) =>
      parse(readFileSync(join(upstreamSchemasDir(), 'argocd', file), 'utf8')) as Record<string, unknown>,
  );
  return [...ours, ...argo].filter((crd) => !except.includes((crd.metadata as { name: string }).name));
}

export const FAILOVERS_CRD = `${FailoverResource.plural}.${GROUP}`;

export interface ApplicationOptions {
  name: string;
  /** The folder it syncs, also the destination namespace of its objects. */
  path: string;
  namespace: string;
  syncOptions?: string[];
  automated?: Record<string, boolean>;
  ignoreDifferences?: Record<string, unknown>[];
}

export const DEFAULT_SYNC_OPTIONS = [
  'ServerSideApply=true',
  'PrunePropagationPolicy=background',
  'RespectIgnoreDifferences=true',
];

/** An Application shaped as the publisher writes one: the folder recursively, automated prune and self-heal. */
export function application(options: ApplicationOptions) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: options.name, namespace: ARGO_NAMESPACE, annotations: { [SYNC_WAVE]: '-1' } },
    spec: {
      project: 'default',
      source: {
        repoURL: 'https://git.example.com/environments.git',
        targetRevision: 'main',
        path: options.path,
        directory: { recurse: true },
      },
      destination: { server: 'https://kubernetes.default.svc', namespace: options.namespace },
      syncPolicy: {
        automated: options.automated ?? { prune: true, selfHeal: true },
        syncOptions: options.syncOptions ?? DEFAULT_SYNC_OPTIONS,
      },
      ...(options.ignoreDifferences ? { ignoreDifferences: options.ignoreDifferences } : {}),
    },
  };
}

/** The destination namespace, as the publisher's namespaces.yaml has it: first, and never pruned. */
export function namespaceObject(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, annotations: { [SYNC_WAVE]: '-1', [SYNC_OPTIONS]: 'Prune=false' } },
  };
}

/** A valid RegionHealth in a wave; `vantage` lets a test change its spec. */
export function regionHealth(
  name: string,
  wave: number,
  options: { vantage?: string; annotations?: Record<string, string>; labels?: Record<string, string> } = {},
) {
  const object: RegionHealthInput = {
    apiVersion: API_VERSION,
    kind: RegionHealthResource.kind,
    metadata: {
      name,
      labels: options.labels ?? { 'app.kubernetes.io/part-of': 'syncer-test' },
      annotations: { [SYNC_WAVE]: String(wave), ...options.annotations },
    },
    spec: {
      region: 'us-east-1',
      vantage: options.vantage ?? 'cluster-use1',
      probes: [{ name: 'alb', type: 'HTTP', http: { url: 'https://us-east-1.example.com/healthz' } }],
    },
  };
  return object;
}

/** The shipped planned-switchover example, renamed: a kind the tests can leave unserved. */
export function failover(name: string, wave: number, annotations: Record<string, string> = {}) {
  const example = parse(
    readFileSync(join(projectRoot(), 'examples/failover/failover-switchover.yaml'), 'utf8'),
  ) as {
    metadata: Record<string, unknown>;
  };
  return {
    ...example,
    metadata: { name, annotations: { [SYNC_WAVE]: String(wave), ...annotations } },
  };
}

/**
 * The health a Lua script for RegionHealth would give, injected as the syncer's argocd-cm checks:
 * Progressing until the controller writes status.healthy, then Healthy or Degraded.
 */
export const regionHealthChecks: HealthChecksFactory = () => ({
  assess(object) {
    if (object.kind !== RegionHealthResource.kind) return undefined;
    const healthy = (object.status as { healthy?: boolean } | undefined)?.healthy;
    if (healthy === undefined) return { status: 'Progressing', message: 'waiting for the first probe round' };
    return healthy ? { status: 'Healthy' } : { status: 'Degraded', message: 'a signal is unhealthy' };
  },
  covers: (_apiVersion, kind) => kind === RegionHealthResource.kind,
});

/** The REST path of a RegionHealth. */
export const regionHealthPath = (namespace: string, name = '') =>
  `/apis/${API_VERSION}/namespaces/${namespace}/${RegionHealthResource.plural}${name ? `/${name}` : ''}`;

export const failoverPath = (namespace: string, name: string) =>
  `/apis/${API_VERSION}/namespaces/${namespace}/${FailoverResource.plural}/${name}`;
