/**
 * Crossplane's package manager, as far as a cluster without an OCI registry can have one: a
 * Provider's package installs its CRDs and the package reports Installed and Healthy; a Function
 * is Healthy when local/crossplane's renderer implements it (its pipeline runs in-process).
 *
 * A provider-aws family member `.../provider-aws-<service>:<tag>` installs the managed-resource
 * CRDs of `<service>.aws.m.upbound.io` and, through its dependency provider-family-aws, the
 * ProviderConfig CRDs of `aws.m.upbound.io`, read from ../shared/schemas/provider-aws/namespaced
 * (the namespaced v2 kinds only: the cluster-scoped `*.aws.upbound.io` CRDs the real packages
 * also install are not held there, and the estate composes none of them). A CRD the stored
 * schemas lack is read from where `npm run real:setup` fetches it (tools/real/upstream-crds.json,
 * src/schema/fetched-crds.ts); when it has not been fetched, a schema-less stand-in CRD of the
 * same group and kind is installed instead (spec and status kept as written), said so in the log
 * and in an annotation on the CRD, so that compositions using the kind still compose.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { fetchedCrds, fetchedCrdsDir, notFetchedReason } from '../../../src/schema/fetched-crds.js';
import { upstreamSchemasDir } from '../../../src/schema/paths.js';
import type { ApiResource, KubeClient, KubeObject } from '../../cluster/client.js';
import { condition, hasCondition } from '../../cluster/conditions.js';
import { type PollingController, startPollingController } from '../../cluster/polling.js';
import { installCrds, readYamlObject } from './crds.js';

export const PACKAGE_MANAGER = 'crossplane-package-manager';

const PROVIDERS: ApiResource = {
  apiVersion: 'pkg.crossplane.io/v1',
  kind: 'Provider',
  plural: 'providers',
  namespaced: false,
};
const FUNCTIONS: ApiResource = {
  apiVersion: 'pkg.crossplane.io/v1',
  kind: 'Function',
  plural: 'functions',
  namespaced: false,
};

/** The functions whose behaviour local/crossplane/render implements. */
const IMPLEMENTED_FUNCTIONS = ['function-patch-and-transform', 'function-auto-ready'];
const FAMILY_GROUP = 'aws.m.upbound.io';

/** The package's repository name without registry, organization or tag: `provider-aws-ec2`. */
export function packageName(reference: string): string {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const last = withoutDigest.split('/').pop() ?? withoutDigest;
  return last.split(':')[0] ?? last;
}

const serviceOf = (reference: string) => /^provider-aws-([a-z0-9]+)$/.exec(packageName(reference))?.[1];

/** The CRD files a provider package installs, or undefined for a package we know nothing of. */
export function providerCrdFiles(reference: string, schemas = upstreamSchemasDir()): string[] | undefined {
  const service = serviceOf(reference);
  if (!service) return undefined;
  const dir = join(schemas, 'provider-aws', 'namespaced');
  const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
  const own = files.filter((file) => file.startsWith(`${service}.${FAMILY_GROUP}_`));
  const family = files.filter((file) => file.startsWith(`${FAMILY_GROUP}_`));
  return [...family, ...own].sort().map((file) => join(dir, file));
}

/**
 * The package's CRDs the stored schemas lack: each read from real:setup's cache when fetched, else
 * a stand-in (see the module comment).
 */
export function unstoredProviderCrds(
  reference: string,
  fetchedDir = fetchedCrdsDir(),
): { crd: KubeObject; standIn: boolean }[] {
  const service = serviceOf(reference);
  if (!service) return [];
  return fetchedCrds(fetchedDir)
    .filter((fetched) => fetched.group === `${service}.${FAMILY_GROUP}`)
    .map((fetched) =>
      fetched.present
        ? { crd: readYamlObject(fetched.file), standIn: false }
        : { crd: standInCrd(fetched.group, fetched.plural, notFetchedReason(fetched)), standIn: true },
    );
}

/** `policies` → `Policy`: controller-gen's plural undone, for the stand-in's kind. */
function kindOfPlural(plural: string): string {
  const singular = plural.endsWith('ies') ? `${plural.slice(0, -3)}y` : plural.replace(/s$/, '');
  return `${singular.charAt(0).toUpperCase()}${singular.slice(1)}`;
}

export const STAND_IN_ANNOTATION = 'switchyard.dev/stand-in';

function standInCrd(group: string, plural: string, why: string): KubeObject {
  const kind = kindOfPlural(plural);
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}`, annotations: { [STAND_IN_ANNOTATION]: `schema-less: ${why}` } },
    spec: {
      group,
      names: {
        kind,
        plural,
        singular: kind.toLowerCase(),
        listKind: `${kind}List`,
        categories: ['crossplane', 'managed', 'aws'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: open, status: open } } },
        },
      ],
    },
  };
}

export function startPackageManager(options: {
  client: KubeClient;
  log: Logger;
  intervalMs?: number;
}): PollingController {
  const { client, log } = options;
  const installed = new Set<string>();
  const setStatus = (resource: ApiResource, object: KubeObject, conditions: unknown[]) =>
    client.mergePatch(
      resource,
      object,
      { status: { conditions } },
      { status: true, fieldManager: PACKAGE_MANAGER },
    );

  const installProvider = async (provider: KubeObject) => {
    const reference = String((provider.spec as { package?: string }).package ?? '');
    const files = providerCrdFiles(reference);
    if (!files) {
      await setStatus(PROVIDERS, provider, [
        condition('Installed', 'False', 'UnpackingPackage', `no CRDs are known for package ${reference}`),
        condition(
          'Healthy',
          'False',
          'UnhealthyPackageRevision',
          `no CRDs are known for package ${reference}`,
        ),
      ]);
      return;
    }
    const missing = files.filter((file) => !installed.has(file));
    await installCrds(client, missing.map(readYamlObject));
    for (const file of missing) installed.add(file);
    const unstored = unstoredProviderCrds(reference);
    for (const { crd, standIn } of unstored) {
      await installCrds(client, [crd]);
      if (standIn)
        log.warn(
          { provider: provider.metadata.name, crd: crd.metadata.name },
          'installed a schema-less stand-in CRD: the upstream CRD is not stored; npm run real:setup fetches it',
        );
    }
    log.info(
      { provider: provider.metadata.name, crds: files.length + unstored.length },
      'provider package installed its CRDs',
    );
    await setStatus(PROVIDERS, provider, [
      condition('Installed', 'True', 'ActivePackageRevision'),
      condition('Healthy', 'True', 'HealthyPackageRevision'),
    ]);
  };

  const installFunction = async (fn: KubeObject) => {
    const reference = String((fn.spec as { package?: string }).package ?? '');
    const implemented = IMPLEMENTED_FUNCTIONS.includes(packageName(reference));
    const message = implemented
      ? undefined
      : `local/crossplane runs only ${IMPLEMENTED_FUNCTIONS.join(' and ')}; ${packageName(reference)} is not implemented`;
    await setStatus(FUNCTIONS, fn, [
      condition('Installed', 'True', 'ActivePackageRevision'),
      implemented
        ? condition('Healthy', 'True', 'HealthyPackageRevision')
        : condition('Healthy', 'False', 'UnhealthyPackageRevision', message),
    ]);
  };

  const pass = async () => {
    for (const provider of (await client.list(PROVIDERS)).items)
      if (!hasCondition(provider, 'Healthy')) await installProvider(provider);
    for (const fn of (await client.list(FUNCTIONS)).items)
      if (!hasCondition(fn, 'Healthy')) await installFunction(fn);
  };
  return startPollingController({
    name: 'package-manager',
    pass,
    intervalMs: options.intervalMs ?? 250,
    log,
  });
}
