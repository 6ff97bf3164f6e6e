/**
 * Runtime-owned fields (ARCHITECTURE §4, declared once in src/estate/common/runtime-owned.ts) are
 * never in forProvider of a rendered MR: they are initProvider (sent on Create only) on MRs whose
 * management policies leave out LateInitialize. Every MR the estate renders is checked: the example
 * XRs recursively, and the TradingPlatform's first render and its settled one (observed status).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { managed } from '../../../src/estate/common/managed.js';
import { RUNTIME_OWNED_FIELDS, runtimeOwnedFieldsOf } from '../../../src/estate/common/runtime-owned.js';
import { fromComposite } from '../../../src/estate/patch-and-transform/patches.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import {
  byResourceName,
  converged,
  exampleFiles,
  examplesDir,
  renderExample,
  renderPlatformMrs,
  resourceName,
} from '../../support/estate.js';

const catalog = SchemaCatalog.load();
/** Every MR the estate renders: each example XR recursively, and the TradingPlatform fresh and settled. */
const everything = [
  ...exampleFiles().flatMap((file) => renderExample(file, { catalog, recursive: true }).resources),
  ...renderPlatformMrs(catalog),
  ...renderPlatformMrs(catalog, converged),
];

/** `autoscaling` of `autoscaling.aws.m.upbound.io/v1beta1`. */
const serviceOf = (object: KubeObject) => object.apiVersion.split('.')[0] ?? '';
const ownedFieldsOf = (object: KubeObject) => runtimeOwnedFieldsOf(serviceOf(object), object.kind);
const declaredKinds = Object.entries(RUNTIME_OWNED_FIELDS).flatMap(([service, kinds]) =>
  Object.keys(kinds).map((kind) => ({ service, kind })),
);

/** `<kind> <resource> spec.forProvider.<field>` for each runtime-owned field in an MR's forProvider. */
const runtimeOwnedInForProvider = (objects: readonly KubeObject[]) =>
  objects.flatMap((object) =>
    ownedFieldsOf(object)
      .filter((field) => field in ((object.spec?.forProvider as object | undefined) ?? {}))
      .map((field) => `${object.kind} ${resourceName(object)} spec.forProvider.${field}`),
  );

describe('runtime-owned fields', () => {
  it('are rendered for every kind that has them', () => {
    for (const { service, kind } of declaredKinds)
      expect(
        everything.some((object) => serviceOf(object) === service && object.kind === kind),
        `${service} ${kind}`,
      ).toBe(true);
  });

  it('are in no rendered MR’s forProvider', () => {
    expect(runtimeOwnedInForProvider(everything)).toEqual([]);
  });

  it('would be caught in a forProvider, and managed() refuses to compose one there', () => {
    const group = renderPlatformMrs(catalog).find((object) => object.kind === 'AutoscalingGroup');
    if (!group) throw new Error('the platform renders no AutoscalingGroup');
    const asserted = { ...group, spec: { ...group.spec, forProvider: { desiredCapacity: 2 } } };
    expect(runtimeOwnedInForProvider([asserted])).toEqual([
      `AutoscalingGroup ${resourceName(group)} spec.forProvider.desiredCapacity`,
    ]);
    const asg = {
      name: 'asg',
      service: 'autoscaling',
      kind: 'AutoscalingGroup',
      region: 'us-east-1',
    } as const;
    expect(() => managed({ ...asg, runtimeOwned: true, forProvider: { desiredCapacity: 2 } })).toThrow(
      'asg: AutoscalingGroup desiredCapacity is runtime-owned: set it in initProvider, never in forProvider',
    );
    expect(() =>
      managed({
        ...asg,
        runtimeOwned: true,
        patches: [fromComposite('spec.initialCapacity', 'spec.forProvider.desiredCapacity')],
      }),
    ).toThrow('desiredCapacity is runtime-owned');
    expect(() => managed(asg)).toThrow('needs runtimeOwned management policies');
  });

  it('sit on MRs managed without LateInitialize', () => {
    for (const object of everything.filter((candidate) => ownedFieldsOf(candidate).length > 0)) {
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
