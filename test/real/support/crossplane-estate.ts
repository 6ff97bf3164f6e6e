/**
 * What a management cluster holds before the estate's first XR, derived from the code (never from
 * copies): the provider-aws CRDs of exactly the kinds the Compositions compose (read from the stored
 * schemas, or fetched by real:setup), our XRDs and Compositions, and our package objects (the
 * Functions, the activation policy and the default ClusterProviderConfig; no Provider, since no
 * provider runs here).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { estateApis } from '../../../src/estate/index.js';
import { estatePackages, managedKindsUsed } from '../../../src/estate/packages.js';
import { pipelineComposition } from '../../../src/estate/patch-and-transform/composition.js';
import { type FetchedCrd, fetchedCrds, kindPlural } from '../../../src/schema/fetched-crds.js';
import { sleep } from '../../support/wait.js';
import { type ApiClient, type CrdDocument, installCrds, readCrdFile } from './crds.js';
import type { FunctionPackage } from './crossplane.js';
import { sharedSchemas } from './paths.js';

const storedCrdsDir = join(sharedSchemas, 'provider-aws', 'namespaced');
/** The CRD of the ClusterProviderConfig our packages declare (every MR's default providerConfigRef). */
const PROVIDER_CONFIG_CRD = 'aws.m.upbound.io_clusterproviderconfigs.yaml';

export interface ProviderCrds {
  crds: CrdDocument[];
  /** Composed kinds whose CRD no source served (see fetched-crds.ts). */
  missing: FetchedCrd[];
}

/** The CRD of every provider-aws kind the Compositions compose, and the provider config's. */
export function providerCrds(): ProviderCrds {
  const fetched = fetchedCrds();
  const crds: CrdDocument[] = [];
  const missing: FetchedCrd[] = [];
  const files = [join(storedCrdsDir, PROVIDER_CONFIG_CRD)];
  for (const { group, kind } of managedKindsUsed()) {
    const stored = join(storedCrdsDir, `${group}_${kindPlural(kind)}.yaml`);
    if (existsSync(stored)) {
      files.push(stored);
      continue;
    }
    const listed = fetched.find((crd) => crd.group === group && crd.plural === kindPlural(kind));
    if (!listed) throw new Error(`no stored or listed CRD for ${kind}.${group} (${stored})`);
    if (listed.present) files.push(listed.file);
    else missing.push(listed);
  }
  for (const file of files) {
    const [crd] = readCrdFile(file);
    if (!crd) throw new Error(`${file}: no CustomResourceDefinition`);
    crds.push(crd);
  }
  return { crds, missing };
}

export const estateDefinitions = () => estateApis.map((api) => api.definition);
export const estateCompositions = () =>
  estateApis.flatMap((api) => api.compositions.map((props) => pipelineComposition(props)));

export interface Collection {
  apiVersion: string;
  plural: string;
}

/** The REST collections of every kind the estate composes: our XR kinds and the provider kinds. */
export function estateCollections(crds: CrdDocument[] = providerCrds().crds): Collection[] {
  const served = (versions: { name: string; served: boolean }[]) =>
    versions.find((version) => version.served)?.name ?? '';
  return [
    ...estateDefinitions().map((xrd) => ({
      apiVersion: `${xrd.spec.group}/${served(xrd.spec.versions)}`,
      plural: xrd.spec.names.plural,
    })),
    ...crds
      .filter((crd) => crd.spec.scope === 'Namespaced')
      .map((crd) => ({
        apiVersion: `${crd.spec.group}/${served(crd.spec.versions)}`,
        plural: crd.spec.names.plural,
      })),
  ];
}

/** The Functions of our packages, for startCrossplane. */
export const estateFunctions = () =>
  estatePackages().filter((object): object is FunctionPackage => object.kind === 'Function');

/** Package objects other than Providers and Functions (which startCrossplane registers). */
const otherPackageObjects = () =>
  estatePackages().filter((object) => object.kind !== 'Provider' && object.kind !== 'Function');

async function create(api: ApiClient, path: string, object: unknown): Promise<void> {
  const response = await api.request('POST', path, object);
  if (response.status !== 201)
    throw new Error(`POST ${path}: HTTP ${response.status} ${JSON.stringify(response.body)}`);
}

const plural = (object: { apiVersion: string; kind: string }) =>
  `/apis/${object.apiVersion}/${kindPlural(object.kind)}`;

/** Waits until Crossplane has made and established the CRD of each XRD (status Established). */
async function waitDefinitionsEstablished(api: ApiClient, names: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let pending = names;
  while (pending.length && Date.now() < deadline) {
    const still: string[] = [];
    for (const name of pending) {
      const response = await api.request(
        'GET',
        `/apis/apiextensions.crossplane.io/v2/compositeresourcedefinitions/${name}`,
      );
      const conditions = (response.body as KubeObject).status?.conditions as
        | { type: string; status: string }[]
        | undefined;
      if (!conditions?.some((c) => c.type === 'Established' && c.status === 'True')) still.push(name);
    }
    pending = still;
    if (pending.length) await sleep(250);
  }
  if (pending.length)
    throw new Error(`XRDs not Established by Crossplane after ${timeoutMs} ms: ${pending.join(', ')}`);
}

/**
 * Installs the provider CRDs, our package objects, XRDs (waiting until Crossplane serves their
 * XR kinds) and Compositions. Returns the provider CRDs it could not install.
 */
export async function installEstate(api: ApiClient): Promise<FetchedCrd[]> {
  const { crds, missing } = providerCrds();
  await installCrds(api, crds);
  for (const object of otherPackageObjects()) await create(api, plural(object), object);
  const definitions = estateDefinitions();
  for (const xrd of definitions) await create(api, plural(xrd), xrd);
  await waitDefinitionsEstablished(
    api,
    definitions.map((xrd) => xrd.metadata.name),
  );
  for (const composition of estateCompositions()) await create(api, plural(composition), composition);
  return missing;
}
