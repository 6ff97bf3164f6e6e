/**
 * What a management cluster installs before the estate's XRDs and Compositions: the provider-aws
 * family packages and the two functions (pinned, fully qualified: Crossplane v2 has no default
 * registry), one ManagedResourceActivationPolicy listing exactly the MRDs the Compositions use
 * (provider-upjet-aws declares SafeStart, so nothing else is activated), and the default
 * ClusterProviderConfig every MR references unless its XR names another.
 */
import { kindPlural } from '../schema/fetched-crds.js';
import { estateApis } from './index.js';
import { AUTO_READY_FUNCTION, PATCH_AND_TRANSFORM_FUNCTION } from './patch-and-transform/composition.js';

export const PROVIDER_AWS_VERSION = 'v2.6.0';
export const PATCH_AND_TRANSFORM_VERSION = 'v0.10.8';
export const AUTO_READY_VERSION = 'v0.7.0';
const REGISTRY = 'xpkg.crossplane.io/crossplane-contrib';

interface PackageObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** `rds.aws.m.upbound.io` + `ClusterInstance` → `clusterinstances.rds.aws.m.upbound.io`. */
export function mrdName(group: string, kind: string): string {
  return `${kindPlural(kind)}.${group}`;
}

/** Every provider-aws group/kind the estate's Compositions compose, sorted. */
export function managedKindsUsed(): { group: string; kind: string }[] {
  const seen = new Map<string, { group: string; kind: string }>();
  for (const api of estateApis) {
    for (const composition of api.compositions) {
      for (const resource of composition.resources) {
        const group = resource.base.apiVersion.split('/')[0] ?? '';
        if (!group.endsWith('.aws.m.upbound.io')) continue;
        seen.set(`${group}/${resource.base.kind}`, { group, kind: resource.base.kind });
      }
    }
  }
  return [...seen.values()].sort((a, b) => mrdName(a.group, a.kind).localeCompare(mrdName(b.group, b.kind)));
}

const partOf = { 'app.kubernetes.io/part-of': 'switchyard' };

export function estatePackages(): PackageObject[] {
  const kinds = managedKindsUsed();
  const services = [...new Set(kinds.map(({ group }) => group.split('.')[0] ?? ''))].sort();
  const providers: PackageObject[] = services.map((service) => ({
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'Provider',
    // The name the package manager gives a dependency, so a Configuration can adopt it later.
    metadata: { name: `crossplane-contrib-provider-aws-${service}`, labels: partOf },
    spec: { package: `${REGISTRY}/provider-aws-${service}:${PROVIDER_AWS_VERSION}` },
  }));
  const functions: PackageObject[] = [
    [PATCH_AND_TRANSFORM_FUNCTION, `${REGISTRY}/function-patch-and-transform:${PATCH_AND_TRANSFORM_VERSION}`],
    [AUTO_READY_FUNCTION, `${REGISTRY}/function-auto-ready:${AUTO_READY_VERSION}`],
  ].map(([name, pkg]) => ({
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'Function',
    metadata: { name: name ?? '', labels: partOf },
    spec: { package: pkg },
  }));
  return [
    ...providers,
    ...functions,
    {
      apiVersion: 'apiextensions.crossplane.io/v1alpha1',
      kind: 'ManagedResourceActivationPolicy',
      metadata: { name: 'switchyard-estate', labels: partOf },
      spec: { activate: kinds.map(({ group, kind }) => mrdName(group, kind)) },
    },
    {
      apiVersion: 'aws.m.upbound.io/v1beta1',
      kind: 'ClusterProviderConfig',
      metadata: { name: 'default', labels: partOf },
      // Each management cluster runs in its own region with its own pod identity; no static keys.
      spec: { credentials: { source: 'PodIdentity' } },
    },
  ];
}
