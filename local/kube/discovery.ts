import type { TypeRegistry } from './registry.js';
import { apiVersionOf, type ResourceType, storageVersionHash } from './resource-type.js';

/**
 * Legacy discovery documents (/api, /apis, /apis/<g>/<v>). kubectl asks for aggregated discovery
 * first but accepts these; the dispatcher in front of kubectl reads /version's minor to choose a
 * bundled kubectl, so the emulator reports a minor it bundles (1.32).
 */

export const SERVER_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: 'switchyard-local-kube',
  gitTreeState: 'clean',
  buildDate: '1970-01-01T00:00:00Z',
  goVersion: 'node',
  compiler: 'switchyard',
  platform: `${process.platform}/${process.arch}`,
};

export function apiVersions(host: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
  };
}

function groupDocument(name: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(registry: TypeRegistry): Record<string, unknown> {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: registry.groups().map(({ name, versions }) => groupDocument(name, versions)),
  };
}

export function apiGroup(registry: TypeRegistry, group: string): Record<string, unknown> | undefined {
  const found = registry.groups().find(({ name }) => name === group);
  return found
    ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(found.name, found.versions) }
    : undefined;
}

function resourceEntries(type: ResourceType): Record<string, unknown>[] {
  const main: Record<string, unknown> = {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length > 0 ? { categories: type.categories } : {}),
    ...(type.crdName || type.builtin
      ? { storageVersionHash: storageVersionHash(type.group, type.storageVersion, type.kind) }
      : {}),
  };
  const entries = [main];
  if (type.builtin?.scale) {
    entries.push({
      name: `${type.plural}/scale`,
      singularName: '',
      namespaced: type.namespaced,
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  }
  if (type.statusSubresource) {
    entries.push({
      name: `${type.plural}/status`,
      singularName: '',
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: ['get', 'patch', 'update'],
    });
  }
  return entries;
}

export function apiResourceList(
  registry: TypeRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = registry.typesIn(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: types.flatMap(resourceEntries),
  };
}
