/**
 * Runtime-owned fields (ARCHITECTURE §4) are never in forProvider of a rendered MR: they are
 * initProvider (sent on Create only) on MRs whose management policies leave out LateInitialize.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import {
  byResourceName,
  exampleFiles,
  examplesDir,
  renderExample,
  resourceName,
} from '../../support/estate.js';

/** kind → fields the failover controller (or Aurora, on its behalf) changes at run time. */
const runtimeOwned: Record<string, string[]> = {
  AutoscalingGroup: ['desiredCapacity'],
  Cluster: [
    'globalClusterIdentifier',
    'masterUsername',
    'manageMasterUserPassword',
    'replicationSourceIdentifier',
  ],
  GlobalCluster: [
    'sourceDbClusterIdentifier',
    'sourceDbClusterIdentifierRef',
    'sourceDbClusterIdentifierSelector',
  ],
};

const catalog = SchemaCatalog.load();
const everything = exampleFiles().flatMap(
  (file) => renderExample(file, { catalog, recursive: true }).resources,
);

describe('runtime-owned fields', () => {
  it('are rendered for every kind that has them', () => {
    for (const kind of Object.keys(runtimeOwned))
      expect(
        everything.some((object) => object.kind === kind),
        kind,
      ).toBe(true);
  });

  it('are in no rendered MR’s forProvider', () => {
    const offending = everything.flatMap((object) =>
      (runtimeOwned[object.kind] ?? [])
        .filter((field) => field in ((object.spec?.forProvider as object | undefined) ?? {}))
        .map((field) => `${object.kind} ${resourceName(object)} spec.forProvider.${field}`),
    );
    expect(offending).toEqual([]);
  });

  it('sit on MRs managed without LateInitialize', () => {
    for (const object of everything.filter((candidate) => candidate.kind in runtimeOwned)) {
      const policies = object.spec?.managementPolicies as string[];
      expect(policies, resourceName(object)).toEqual(['Observe', 'Create', 'Update', 'Delete']);
    }
  });

  it('are set at creation: ASG capacity and Aurora membership in initProvider', () => {
    const compute = renderExample(join(examplesDir, 'compute-us-east-1.yaml'), { catalog }).resources;
    expect(byResourceName(compute, 'auto-scaling-group').spec).toMatchObject({
      initProvider: { desiredCapacity: 2 },
      forProvider: { minSize: 2, maxSize: 6 },
    });
    const database = renderExample(join(examplesDir, 'database.yaml'), { catalog }).resources;
    const initProvider = (name: string) => (byResourceName(database, name) as KubeObject).spec?.initProvider;
    // us-east-1 is only the bootstrap writer: credentials on Create, nothing Git would re-assert later.
    expect(initProvider('cluster-us-east-1')).toEqual({
      globalClusterIdentifier: 'trading-global',
      masterUsername: 'switchyard',
      manageMasterUserPassword: true,
      databaseName: 'trading',
    });
    expect(initProvider('cluster-us-east-2')).toEqual({ globalClusterIdentifier: 'trading-global' });
  });
});
