/**
 * One region's management cluster for a sync of the published folder, on the emulator (local/kube):
 *
 * - what is installed before the first sync (docs/environments-repo.md "Bringing up a management
 *   cluster"): Crossplane core's CRDs and Argo CD's, read from ../shared/schemas, and the `argocd`
 *   namespace;
 * - a stand-in for the controllers that would act on what the sync applies, which the emulator does
 *   not run: Crossplane's package manager (Providers and Functions report Installed and Healthy, a
 *   provider family's ProviderConfig CRDs appear), its XRD controller (each XRD's composite CRD,
 *   derived as Crossplane does by src/schema/xrd.ts, then Established and Offered), its
 *   activation-policy controller, and Kubernetes' deployment controller (a Deployment's replicas
 *   all available). Without them the waves would wait forever on Progressing health.
 *
 * Nothing here reads or writes a Switchyard kind: those belong to the syncer and the controller.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isPlainObject } from '../../src/schema/openapi.js';
import { upstreamSchemasDir } from '../../src/schema/paths.js';
import { compositeSchemaVersions } from '../../src/schema/xrd.js';
import { waitFor } from '../aws/support.js';
import { type KubeTarget, startEmulatorTarget } from '../wire/kube/target.js';

type KubeObject = Record<string, unknown> & { metadata: Record<string, unknown> };

const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const MERGE_PATCH = { contentType: 'application/merge-patch+json' };
/** The stand-in's own field manager, so its writes are told apart from the syncer's and the controller's. */
export const STAND_IN_MANAGER = 'management-cluster-stand-in';

const readYaml = (file: string) => parse(readFileSync(file, 'utf8')) as KubeObject;

/** Crossplane core's CRDs (its Helm chart installs them) and Argo CD's Application and AppProject. */
function prerequisiteCrds(): KubeObject[] {
  const crossplane = join(upstreamSchemasDir(), 'crossplane');
  return [
    ...readdirSync(crossplane)
      .filter((file) => file.endsWith('.yaml'))
      .map((file) => readYaml(join(crossplane, file))),
    ...['application-crd.yaml', 'appproject-crd.yaml'].map((file) =>
      readYaml(join(upstreamSchemasDir(), 'argocd', file)),
    ),
  ];
}

/** The CRDs a provider family's package installs for its ProviderConfigs. */
const providerConfigCrds = () =>
  ['aws.m.upbound.io_clusterproviderconfigs.yaml', 'aws.m.upbound.io_providerconfigs.yaml'].map((file) =>
    readYaml(join(upstreamSchemasDir(), 'provider-aws', 'namespaced', file)),
  );

const condition = (type: string, reason: string) => ({
  type,
  status: 'True',
  reason,
  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
});

const hasCondition = (object: KubeObject, type: string) => {
  const status = isPlainObject(object.status) ? object.status : {};
  return (
    Array.isArray(status.conditions) && status.conditions.some((c) => isPlainObject(c) && c.type === type)
  );
};

/** The composite resource's CRD Crossplane creates for an XRD (crossplane-runtime pkg/xcrd). */
function compositeCrd(xrd: KubeObject): KubeObject {
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

export interface ManagementCluster {
  region: string;
  kube: KubeTarget;
  kubeconfig: string;
  /** The first error a stand-in controller hit, if any (a test reports it rather than hanging on health). */
  failure(): unknown;
  stop(): Promise<void>;
}

export async function startManagementCluster(region: string): Promise<ManagementCluster> {
  const kube = await startEmulatorTarget();
  const ok = async (method: string, path: string, body?: unknown, options = {}) => {
    const response = await kube.request(method, path, body, options);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
    return response.body as KubeObject & { items?: KubeObject[] };
  };
  const createCrd = async (crd: KubeObject) => {
    await ok('POST', CRDS, crd);
    const name = String(crd.metadata.name);
    await waitFor(async () => hasCondition(await ok('GET', `${CRDS}/${name}`), 'Established'), `CRD ${name}`);
  };
  try {
    for (const crd of prerequisiteCrds()) await createCrd(crd);
    await ok('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'argocd' },
    });
  } catch (error) {
    await kube.close();
    throw error;
  }

  const done = new Set<string>();
  const list = async (path: string) => (await ok('GET', path)).items ?? [];
  const setStatus = (path: string, status: Record<string, unknown>) =>
    ok('PATCH', `${path}/status?fieldManager=${STAND_IN_MANAGER}`, { status }, MERGE_PATCH);

  /** One pass of every stand-in controller over what exists now. */
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
            condition('Installed', 'ActivePackageRevision'),
            condition('Healthy', 'HealthyPackageRevision'),
          ],
        });
      }
    }
    const policies = '/apis/apiextensions.crossplane.io/v1alpha1/managedresourceactivationpolicies';
    for (const policy of await list(policies)) {
      if (hasCondition(policy, 'Healthy')) continue;
      await setStatus(`${policies}/${String(policy.metadata.name)}`, {
        conditions: [condition('Healthy', 'Running')],
      });
    }
    const xrds = '/apis/apiextensions.crossplane.io/v2/compositeresourcedefinitions';
    for (const xrd of await list(xrds)) {
      if (hasCondition(xrd, 'Established')) continue;
      await createCrd(compositeCrd(xrd));
      await setStatus(`${xrds}/${String(xrd.metadata.name)}`, {
        conditions: [
          condition('Established', 'WatchingCompositeResource'),
          condition('Offered', 'OfferedClaim'),
        ],
      });
    }
    for (const deployment of await list('/apis/apps/v1/deployments')) {
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
        conditions: [condition('Available', 'MinimumReplicasAvailable')],
      });
    }
  };

  // The stand-in controllers resync every 50 ms, as controllers reconcile on their own; the syncer waits on health.
  let running = true;
  let failure: unknown;
  const loop = (async () => {
    while (running) {
      await reconcile().catch((error: unknown) => {
        failure ??= error;
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    region,
    kube,
    kubeconfig: kube.kubeconfig,
    failure: () => failure,
    async stop() {
      running = false;
      await loop;
      await kube.close();
    },
  };
}
