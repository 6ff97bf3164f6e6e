/**
 * The Argo CD objects of each folder (src/gitops/argocd.ts, argocd-cm.ts), checked against what
 * Argo CD does with them: the AppProject permits exactly the folder (the repository, the in-cluster
 * API, the namespaces and kinds it uses, each cluster-scoped object by name), the Application syncs
 * it automatically with the rules ADR 0017 lists, and argocd-cm carries the documented keys and
 * the health entries plugged in.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FIELD_MANAGER } from '../../../controllers/kube/resources.js';
import { GROUP } from '../../../src/apis/common.js';
import { REGION_PAIR } from '../../../src/estate/common/parameters.js';
import { APPLICATION_SYNC_OPTIONS, controllerWrittenKinds } from '../../../src/gitops/argocd.js';
import {
  ARGOCD_CM_KEYS,
  argocdCmPatch,
  isDocumentedKey,
  RESOURCE_EXCLUSIONS_KEY,
} from '../../../src/gitops/argocd-cm.js';
import { environmentsTree } from '../../../src/gitops/layout.js';
import { ARGOCD_NAMESPACE, clusterDir, IN_CLUSTER_SERVER } from '../../../src/gitops/names.js';
import { groupKindOf, groupOf, type KubeObject } from '../../../src/gitops/objects.js';
import { examplePlatform, root } from './support.js';

const REPO = 'https://git.example.com/trading/environments.git';
const HEALTH = {
  'resource.customizations.health.failover.switchyard.dev_Failover': 'return { status = "Healthy" }\n',
};
const tree = environmentsTree({
  root,
  platform: examplePlatform(),
  repoURL: REPO,
  branch: 'release',
  health: HEALTH,
});

const objectsIn = (region: string) =>
  tree
    .filter((file) => file.path.startsWith(`${clusterDir(region as never)}/`))
    .flatMap((file) => file.objects);
const only = (objects: KubeObject[], kind: string) => {
  const found = objects.filter((object) => object.kind === kind);
  expect(found, kind).toHaveLength(1);
  return found[0] as KubeObject & { spec: Record<string, unknown>; data: Record<string, string> };
};

interface ProjectSpec {
  sourceRepos: string[];
  destinations: { server: string; namespace: string }[];
  clusterResourceWhitelist: { group: string; kind: string }[];
  namespaceResourceWhitelist: { group: string; kind: string }[];
}

/** Argo CD's check (AppProject.IsResourcePermitted, app_project_types.go): kind allowed, namespace a destination. */
function permitted(spec: ProjectSpec, object: KubeObject): boolean {
  const group = groupOf(object);
  const { namespace } = object.metadata;
  if (namespace === undefined)
    return spec.clusterResourceWhitelist.some((item) => item.group === group && item.kind === object.kind);
  return (
    spec.namespaceResourceWhitelist.some((item) => item.group === group && item.kind === object.kind) &&
    spec.destinations.some((destination) => destination.namespace === namespace)
  );
}

describe.each(REGION_PAIR)('the Argo CD objects of %s', (region) => {
  const objects = objectsIn(region);
  const project = only(objects, 'AppProject').spec as unknown as ProjectSpec;
  const application = only(objects, 'Application');

  it('the AppProject sources only the environments repository and deploys only to the in-cluster API', () => {
    expect(project.sourceRepos).toEqual([REPO]);
    expect(project.destinations.length).toBeGreaterThan(0);
    for (const destination of project.destinations) expect(destination.server).toBe(IN_CLUSTER_SERVER);
  });

  it('the AppProject permits every object of the folder and no other kind', () => {
    for (const object of objects)
      expect(permitted(project, object), `${object.kind}/${object.metadata.name}`).toBe(true);
    // By kind only (Argo CD v3.2.11 cannot name cluster-scoped objects): other kinds are refused.
    const elsewhere: KubeObject[] = [
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'intercept-everything' },
      },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'x' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x', namespace: 'trading' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'default' } },
    ];
    for (const object of elsewhere) expect(permitted(project, object), object.kind).toBe(false);
    const clusterKinds = new Set(
      objects
        .filter((object) => object.metadata.namespace === undefined)
        .map((object) => groupKindOf(object)),
    );
    expect(project.clusterResourceWhitelist).toHaveLength(clusterKinds.size);
  });

  it('the Application syncs the folder from the branch automatically, with prune and self-heal', () => {
    expect(application.metadata.namespace).toBe(ARGOCD_NAMESPACE);
    expect(application.spec).toMatchObject({
      project: only(objects, 'AppProject').metadata.name,
      source: { repoURL: REPO, targetRevision: 'release', path: clusterDir(region) },
      destination: { server: IN_CLUSTER_SERVER },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    const { syncOptions } = (application.spec as { syncPolicy: { syncOptions: string[] } }).syncPolicy;
    expect(syncOptions).toEqual([...APPLICATION_SYNC_OPTIONS]);
    expect(syncOptions).toEqual(
      expect.arrayContaining([
        'ServerSideApply=true',
        'PrunePropagationPolicy=background',
        'RespectIgnoreDifferences=true',
      ]),
    );
  });

  it('the Application leaves what the controller’s field manager owns to the controller', () => {
    const ignored = (
      application.spec as {
        ignoreDifferences: { group: string; kind: string; managedFieldsManagers: string[] }[];
      }
    ).ignoreDifferences;
    for (const entry of ignored)
      expect(entry).toMatchObject({ group: GROUP, managedFieldsManagers: [FIELD_MANAGER] });
    // Every published Switchyard kind the controller writes at run time is covered.
    const written = new Set(controllerWrittenKinds());
    const published = objects.filter((object) => groupOf(object) === GROUP && written.has(object.kind));
    expect(published.length).toBeGreaterThan(0);
    for (const object of published) expect(ignored.map((entry) => entry.kind)).toContain(object.kind);
  });

  it('argocd-cm excludes ProviderConfigUsage (any group), Leases and Events, and carries the health entries', () => {
    const settings = only(objects, 'ConfigMap');
    expect(settings.metadata).toMatchObject({ name: 'argocd-cm', namespace: ARGOCD_NAMESPACE });
    const exclusions = parse(settings.data[RESOURCE_EXCLUSIONS_KEY] as string) as {
      apiGroups: string[];
      kinds: string[];
    }[];
    const excluded = (group: string, kind: string) =>
      exclusions.some(
        (entry) =>
          (entry.apiGroups.includes('*') || entry.apiGroups.includes(group)) && entry.kinds.includes(kind),
      );
    expect(excluded('aws.m.upbound.io', 'ProviderConfigUsage')).toBe(true);
    expect(excluded('coordination.k8s.io', 'Lease')).toBe(true);
    expect(excluded('', 'Event')).toBe(true);
    expect(excluded('events.k8s.io', 'Event')).toBe(true);
    expect(excluded(GROUP, 'FailoverPlan')).toBe(false);
    expect(settings.data).toMatchObject(HEALTH);
  });
});

describe('the argocd-cm patch', () => {
  it('refuses health entries that are not resource customizations or that a ConfigMap cannot hold', () => {
    expect(() => argocdCmPatch({ 'resource.exclusions': '[]' })).toThrow(/not a health key/);
    expect(() => argocdCmPatch({ 'resource.customizations.actions.apps_Deployment': 'x' })).toThrow(
      /not a health key \(resource.customizations.health.<group>_<kind>, /,
    );
    expect(() => argocdCmPatch({ 'resource.customizations.health.*.upbound.io_*': 'x' })).toThrow(
      /a ConfigMap key holds only .*put wildcard kinds in the resource.customizations block/,
    );
    expect(
      argocdCmPatch({ 'resource.customizations': '"*.upbound.io/*":\n  health.lua: x\n' }).data,
    ).toHaveProperty(['resource.customizations']);
  });

  it('sets only the keys docs/environments-repo.md lists', () => {
    const doc = readFileSync(join(root, 'docs', 'environments-repo.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## argocd-cm keys'));
    for (const key of Object.keys(ARGOCD_CM_KEYS)) expect(section, key).toContain(`\`${key}\``);
    const health = {
      'resource.customizations.health.failover.switchyard.dev_Failover': 'return {}',
      'resource.customizations.useOpenLibs.failover.switchyard.dev_Failover': 'true',
      'resource.customizations': '"*.upbound.io/*":\n  health.lua: return {}\n',
    };
    const keys = Object.keys(argocdCmPatch(health).data as object);
    expect(keys).toHaveLength(4);
    for (const key of keys) expect(isDocumentedKey(key), key).toBe(true);
    expect(isDocumentedKey('resource.customizations.actions.apps_Deployment')).toBe(false);
  });
});
