/**
 * Crossplane's definition controller: each CompositeResourceDefinition gets the composite
 * resource's CRD (derived as crossplane-runtime's pkg/xcrd does, by src/schema/xrd.ts) and, once
 * that is Established, the XRD reports Established (and Offered when it declares claim names,
 * which only legacy XRDs do). And the activation-policy controller: a
 * ManagedResourceActivationPolicy reports Healthy (every managed-resource CRD the packages
 * install is active here).
 */
import type { Logger } from 'pino';
import { compositeSchemaVersions } from '../../../src/schema/xrd.js';
import type { ApiResource, KubeClient, KubeObject } from '../../cluster/client.js';
import { condition, hasCondition } from '../../cluster/conditions.js';
import { type PollingController, startPollingController } from '../../cluster/polling.js';
import { installCrd } from './crds.js';

export const DEFINITION_MANAGER = 'apiextensions.crossplane.io/definition';

export const XRDS: ApiResource = {
  apiVersion: 'apiextensions.crossplane.io/v2',
  kind: 'CompositeResourceDefinition',
  plural: 'compositeresourcedefinitions',
  namespaced: false,
};
const ACTIVATION_POLICIES: ApiResource = {
  apiVersion: 'apiextensions.crossplane.io/v1alpha1',
  kind: 'ManagedResourceActivationPolicy',
  plural: 'managedresourceactivationpolicies',
  namespaced: false,
};

export interface XrdSpec {
  group: string;
  names: { kind: string; plural: string };
  claimNames?: unknown;
  versions: { name: string; served?: boolean; referenceable?: boolean }[];
}

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

/** The served composite type of an XRD: its referenceable version (the one Compositions name). */
export function compositeResource(xrd: KubeObject): ApiResource {
  const spec = xrd.spec as XrdSpec;
  const version = spec.versions.find((candidate) => candidate.referenceable) ?? spec.versions[0];
  return {
    apiVersion: `${spec.group}/${version?.name ?? 'v1'}`,
    kind: spec.names.kind,
    plural: spec.names.plural,
    // Legacy (apiextensions.crossplane.io/v1) XRDs define cluster-scoped XRs.
    namespaced: compositeSchemaVersions(xrd, '')[0]?.scope !== 'Cluster',
  };
}

export function startDefinitionController(options: {
  client: KubeClient;
  log: Logger;
  intervalMs?: number;
}): PollingController {
  const { client, log } = options;
  const setStatus = (resource: ApiResource, object: KubeObject, conditions: unknown[]) =>
    client.mergePatch(
      resource,
      object,
      { status: { conditions } },
      { status: true, fieldManager: DEFINITION_MANAGER },
    );

  const pass = async () => {
    for (const xrd of (await client.list(XRDS)).items) {
      if (hasCondition(xrd, 'Established')) continue;
      await installCrd(client, compositeCrd(xrd));
      log.info({ xrd: xrd.metadata.name }, 'composite resource CRD established');
      const offered = (xrd.spec as XrdSpec).claimNames !== undefined;
      await setStatus(XRDS, xrd, [
        condition('Established', 'True', 'WatchingCompositeResource'),
        ...(offered ? [condition('Offered', 'True', 'OfferedClaim')] : []),
      ]);
    }
    for (const policy of (await client.list(ACTIVATION_POLICIES)).items) {
      if (hasCondition(policy, 'Healthy')) continue;
      await setStatus(ACTIVATION_POLICIES, policy, [condition('Healthy', 'True', 'Running')]);
    }
  };
  return startPollingController({ name: 'definitions', pass, intervalMs: options.intervalMs ?? 250, log });
}
