/**
 * Stand-ins for the controllers that would act on what a sync of the published folder applies,
 * where they cannot run: Crossplane's package manager (Providers and Functions report Installed and
 * Healthy; a provider family's ProviderConfig CRDs appear, as its package would install them), its
 * XRD controller (each XRD's composite CRD, derived as Crossplane does by src/schema/xrd.ts, then
 * Established and Offered), its activation-policy controller, and Kubernetes' deployment and
 * disruption controllers (a Deployment's replicas all available and a PodDisruptionBudget's pods
 * healthy: no node runs pods here). Without them a sync's waves wait forever on Progressing health.
 *
 * They write only the status subresources of those kinds (under STAND_IN_MANAGER) and the
 * composite and ProviderConfig CRDs; nothing here reads or writes a Switchyard kind or an XR: those
 * belong to the syncer (embedded or Argo CD) and the controller. Used over the wire against the
 * emulator (management-cluster.ts) and the real kube-apiserver (test/real/argocd-sync.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isPlainObject } from '../../src/schema/openapi.js';
import { upstreamSchemasDir } from '../../src/schema/paths.js';
import { compositeSchemaVersions } from '../../src/schema/xrd.js';
import { waitFor } from '../aws/support.js';

export type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

/** A request to the cluster: the shape of KubeTarget.request (test/wire/kube/target.ts). */
export type ClusterRequest = (
  method: string,
  path: string,
  body?: unknown,
  options?: { contentType?: string },
) => Promise<{ status: number; text: string; body: unknown }>;

export const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const MERGE_PATCH = { contentType: 'application/merge-patch+json' };
/** The stand-ins' own field manager, so their writes are told apart from the syncer's and the controller's. */
export const STAND_IN_MANAGER = 'management-cluster-stand-in';

export const readYaml = (file: string) => parse(readFileSync(file, 'utf8')) as KubeObject;

/** The CRDs a provider family's package installs for its ProviderConfigs. */
const providerConfigCrds = () =>
  ['aws.m.upbound.io_clusterproviderconfigs.yaml', 'aws.m.upbound.io_providerconfigs.yaml'].map((file) =>
    readYaml(join(upstreamSchemasDir(), 'provider-aws', 'namespaced', file)),
  );

const condition = (type: string, status: 'True' | 'False', reason: string) => ({
  type,
  status,
  reason,
  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
});

export const hasCondition = (object: KubeObject, type: string) => {
  const status = isPlainObject(object.status) ? object.status : {};
  return (
    Array.isArray(status.conditions) && status.conditions.some((c) => isPlainObject(c) && c.type === type)
  );
};

/** The composite resource's CRD Crossplane creates for an XRD (crossplane-runtime pkg/xcrd). */
export function compositeCrd(xrd: KubeObject): KubeObject {
  const spec = xrd.spec as { group: string; names: Record<string, string>; versions: KubeObject[] };
  const versions = compositeSchemaVersions(xrd, `XRD ${String(xrd.metadata.name)}`);
  const referenceable = spec.versions.findIndex((version) => version.referenceable === true);
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: String(xrd.metadata.name) },
    spec: {
      group: spec.group,
      names: {
        kind: spec.names.kind,
        plural: spec.names.plural,
        listKind: `${spec.names.kind}List`,
        singular: String(spec.names.kind).toLowerCase(),
      },
      scope: versions[0]?.scope ?? 'Namespaced',
      versions: versions.map((version, index) => ({
        name: version.version,
        served: version.served,
        storage: index === Math.max(referenceable, 0),
        schema: { openAPIV3Schema: version.schema },
        subresources: { status: {} },
      })),
    },
  };
}

/** Requests that must succeed, and CRD creation that waits for Established. */
export function clusterCalls(request: ClusterRequest) {
  const ok = async (method: string, path: string, body?: unknown, options = {}) => {
    const response = await request(method, path, body, options);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.body as KubeObject & { items?: KubeObject[] };
  };
  const createCrd = async (crd: KubeObject) => {
    await ok('POST', CRDS, crd);
    const name = String(crd.metadata.name);
    await waitFor(
      async () => hasCondition(await ok('GET', `${CRDS}/${name}`), 'Established'),
      `CRD ${name}`,
      30_000,
    );
  };
  return { ok, createCrd };
}

/** A PodDisruptionBudget's status as the disruption controller writes it, every selected pod healthy. */
function disruptionStatus(pdb: KubeObject, deployments: KubeObject[]) {
  const spec = pdb.spec as {
    minAvailable?: number | string;
    selector?: { matchLabels?: Record<string, string> };
  };
  const wanted = Object.entries(spec.selector?.matchLabels ?? {});
  const expected = deployments
    .filter((deployment) => deployment.metadata.namespace === pdb.metadata.namespace)
    .filter((deployment) => {
      const labels =
        (deployment.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template
          ?.metadata?.labels ?? {};
      return wanted.every(([key, value]) => labels[key] === value);
    })
    .reduce((sum, deployment) => sum + ((deployment.spec as { replicas?: number }).replicas ?? 1), 0);
  const min = spec.minAvailable;
  const desired =
    typeof min === 'number'
      ? min
      : typeof min === 'string'
        ? Math.ceil((expected * Number.parseInt(min, 10)) / 100)
        : 0;
  const allowed = Math.max(0, expected - desired);
  return {
    observedGeneration: pdb.metadata.generation,
    disruptionsAllowed: allowed,
    currentHealthy: expected,
    desiredHealthy: desired,
    expectedPods: expected,
    conditions: [
      allowed > 0
        ? condition('DisruptionAllowed', 'True', 'SufficientPods')
        : condition('DisruptionAllowed', 'False', 'InsufficientPods'),
    ],
  };
}

export interface StandInControllers {
  /** The error of the last pass, if it failed (a test reports it rather than hanging on health). */
  failure(): unknown;
  stop(): Promise<void>;
}

/** Starts the stand-ins: one pass over what exists every `intervalMs`, as controllers reconcile on their own. */
export function startStandInControllers(request: ClusterRequest, intervalMs = 50): StandInControllers {
  const { ok, createCrd } = clusterCalls(request);
  const done = new Set<string>();
  const list = async (path: string) => (await ok('GET', path)).items ?? [];
  const setStatus = (path: string, status: Record<string, unknown>) =>
    ok('PATCH', `${path}/status?fieldManager=${STAND_IN_MANAGER}`, { status }, MERGE_PATCH);

  const reconcile = async () => {
    for (const plural of ['providers', 'functions']) {
      for (const pkg of await list(`/apis/pkg.crossplane.io/v1/${plural}`)) {
        if (hasCondition(pkg, 'Healthy')) continue;
        if (plural === 'providers' && !done.has('provider-configs')) {
          done.add('provider-configs');
          for (const crd of providerConfigCrds()) await createCrd(crd);
        }
        await setStatus(`/apis/pkg.crossplane.io/v1/${plural}/${String(pkg.metadata.name)}`, {
          conditions: [
            condition('Installed', 'True', 'ActivePackageRevision'),
            condition('Healthy', 'True', 'HealthyPackageRevision'),
          ],
        });
      }
    }
    const policies = '/apis/apiextensions.crossplane.io/v1alpha1/managedresourceactivationpolicies';
    for (const policy of await list(policies)) {
      if (hasCondition(policy, 'Healthy')) continue;
      await setStatus(`${policies}/${String(policy.metadata.name)}`, {
        conditions: [condition('Healthy', 'True', 'Running')],
      });
    }
    const xrds = '/apis/apiextensions.crossplane.io/v2/compositeresourcedefinitions';
    for (const xrd of await list(xrds)) {
      if (hasCondition(xrd, 'Established')) continue;
      await createCrd(compositeCrd(xrd));
      await setStatus(`${xrds}/${String(xrd.metadata.name)}`, {
        conditions: [
          condition('Established', 'True', 'WatchingCompositeResource'),
          condition('Offered', 'True', 'OfferedClaim'),
        ],
      });
    }
    const deployments = await list('/apis/apps/v1/deployments');
    for (const deployment of deployments) {
      const { name, namespace, generation } = deployment.metadata as Record<string, string | number>;
      const status = isPlainObject(deployment.status) ? deployment.status : {};
      const replicas = (deployment.spec as { replicas?: number }).replicas ?? 1;
      // The emulator reports the generation observed with no pods (local/kube/deployment-status.ts).
      if (status.observedGeneration === generation && status.availableReplicas === replicas) continue;
      await setStatus(`/apis/apps/v1/namespaces/${namespace}/deployments/${name}`, {
        observedGeneration: generation,
        replicas,
        updatedReplicas: replicas,
        readyReplicas: replicas,
        availableReplicas: replicas,
        unavailableReplicas: null,
        conditions: [condition('Available', 'True', 'MinimumReplicasAvailable')],
      });
    }
    for (const pdb of await list('/apis/policy/v1/poddisruptionbudgets')) {
      const status = isPlainObject(pdb.status) ? pdb.status : {};
      if (status.observedGeneration === pdb.metadata.generation) continue;
      const { name, namespace } = pdb.metadata as Record<string, string>;
      await setStatus(
        `/apis/policy/v1/namespaces/${namespace}/poddisruptionbudgets/${name}`,
        disruptionStatus(pdb, deployments),
      );
    }
  };

  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      // Kept until a pass succeeds: controllers retry, so only a failure that persists is reported.
      failure = await reconcile().then(
        () => undefined,
        (error: unknown) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    failure: () => failure,
    async stop() {
      running = false;
      await loop;
    },
  };
}
