/**
 * The environments repository's layout (src/gitops/layout.ts, docs/environments-repo.md): each
 * region's folder complete on its own, every object equal to its one source (generated estate,
 * CRDs, the chart's definition, the plan derivation), the XR only in its owner region, and the sync
 * waves and options each object carries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { GLOBAL_OWNER_REGION, REGION_PAIR } from '../../../src/estate/common/parameters.js';
import { COMPOSITIONS_DIR, CRD_DIR } from '../../../src/generate/generated-files.js';
import { environmentsTree, fileText, type PublishedFile, WAVES } from '../../../src/gitops/layout.js';
import {
  clusterDir,
  PUBLISHER,
  SYNC_OPTIONS_ANNOTATION,
  SYNC_WAVE_ANNOTATION,
} from '../../../src/gitops/names.js';
import { groupKindOf, groupOf, type KubeObject } from '../../../src/gitops/objects.js';
import { IRSA_ROLE_ANNOTATION } from '../../../src/gitops/workload.js';
import { derivePlan } from '../../../src/plan/derive.js';
import { clusterVantage } from '../../../src/plan/region-health.js';
import { SchemaCatalog, yamlFilesUnder } from '../../../src/schema/catalog.js';
import { controllerArgsOf, deploymentOf, render } from '../chart/support.js';
import {
  BUILT_INS_PENDING,
  examplePlatform,
  isKubernetesGroup,
  knownKindsValidator,
  root,
  validatorKnowsBuiltIns,
} from './support.js';

const REPO = 'https://git.example.com/trading/environments.git';
const treeOf = (platform: unknown = examplePlatform()) =>
  environmentsTree({ root, platform, repoURL: REPO, branch: 'main', health: {} });

let tree: PublishedFile[];
beforeAll(() => {
  tree = treeOf();
});

/** A region's files, paths relative to its folder. */
const folder = (region: string, files = tree) =>
  new Map(
    files
      .filter((file) => file.path.startsWith(`${clusterDir(region as never)}/`))
      .map((file) => [file.path.slice(clusterDir(region as never).length + 1), file.objects]),
  );
const objectsIn = (region: string, files = tree) => [...folder(region, files).values()].flat();

/** An object without the sync annotations the layout adds: what its source produced. */
function withoutSyncRules(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  const annotations = { ...copy.metadata.annotations };
  delete annotations[SYNC_WAVE_ANNOTATION];
  delete annotations[SYNC_OPTIONS_ANNOTATION];
  if (Object.keys(annotations).length) copy.metadata.annotations = annotations;
  else delete copy.metadata.annotations;
  return copy;
}

const yamlObjects = (file: string) =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((document) => document.toJS() as KubeObject);

const waveOf = (object: KubeObject) => Number(object.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
const optionsOf = (object: KubeObject) =>
  (object.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').filter(Boolean);

describe('each region’s folder', () => {
  it.each(REGION_PAIR)(
    '%s holds every part its management cluster needs, from its own folder only',
    (region) => {
      const files = folder(region);
      const kinds = new Set(objectsIn(region).map((object) => object.kind));
      for (const kind of [
        'Namespace',
        'Provider',
        'Function',
        'ManagedResourceActivationPolicy',
        'ClusterProviderConfig',
        'CompositeResourceDefinition',
        'Composition',
        'CustomResourceDefinition',
        'ServiceAccount',
        'ClusterRole',
        'Deployment',
        'FailoverPlan',
        'RegionHealth',
        'AppProject',
        'Application',
        'ConfigMap',
      ])
        expect(kinds, kind).toContain(kind);
      // Nothing in one folder names the other's: the survivor is rebuilt from its folder alone.
      const other = REGION_PAIR.find((candidate) => candidate !== region) as string;
      for (const [path, objects] of files)
        expect(fileText({ path, objects }), path).not.toContain(`${clusterDir(other as never)}/`);
      const [app] = files.get('argocd/application.yaml') ?? [];
      expect(app?.spec).toMatchObject({ source: { path: clusterDir(region), directory: { recurse: true } } });
    },
  );

  it('holds the platform’s XR only in the owner region’s folder (spec.region, default us-east-2, ADR 0005)', () => {
    const xrs = (files: PublishedFile[], region: string) =>
      objectsIn(region, files).filter((object) => object.kind === 'TradingPlatform');
    expect(xrs(tree, GLOBAL_OWNER_REGION)).toHaveLength(1);
    expect(xrs(tree, 'us-east-1')).toHaveLength(0);
    const moved = treeOf({ ...examplePlatform(), spec: { ...examplePlatform().spec, region: 'us-east-1' } });
    expect(xrs(moved, 'us-east-1')).toHaveLength(1);
    expect(xrs(moved, 'us-east-2')).toHaveLength(0);
  });

  it('holds the derived FailoverPlan and every RegionHealth in both folders (the survivor acts from its own)', () => {
    const { plan, regionHealths } = derivePlan(examplePlatform());
    for (const region of REGION_PAIR) {
      const published = objectsIn(region)
        .filter((object) => object.kind === 'FailoverPlan' || object.kind === 'RegionHealth')
        .map(withoutSyncRules);
      expect(published).toEqual([plan, ...regionHealths]);
    }
  });

  it('holds the estate’s XRDs and Compositions as compositions/ has them, and the packages', () => {
    const generated = yamlFilesUnder(join(root, COMPOSITIONS_DIR)).flatMap(yamlObjects);
    for (const region of REGION_PAIR) {
      const published = objectsIn(region)
        .filter((object) => /crossplane\.io$/.test(groupOf(object)) || groupOf(object) === 'aws.m.upbound.io')
        .map(withoutSyncRules);
      const byName = (list: KubeObject[]) =>
        Object.fromEntries(list.map((object) => [`${object.kind}/${object.metadata.name}`, object]));
      expect(byName(published)).toEqual(byName(generated));
    }
  });

  it('holds our CRDs as charts/switchyard/crds has them', () => {
    const generated = yamlFilesUnder(join(root, CRD_DIR)).flatMap(yamlObjects);
    for (const region of REGION_PAIR) {
      const published = objectsIn(region).filter((object) => object.kind === 'CustomResourceDefinition');
      expect(published.map(withoutSyncRules)).toEqual(generated);
    }
  });

  it('holds the chart’s objects as a release for that region renders them: its region, its cluster’s vantage, the chart’s image', () => {
    for (const region of REGION_PAIR) {
      const chartKinds = new Set([
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'Role',
        'RoleBinding',
      ]);
      const published = objectsIn(region)
        .filter(
          (object) =>
            chartKinds.has(object.kind) ||
            groupOf(object) === 'apps' ||
            object.kind === 'Service' ||
            object.kind === 'PodDisruptionBudget',
        )
        .map(withoutSyncRules);
      const release = { name: 'switchyard', namespace: 'switchyard-system', service: PUBLISHER };
      expect(published).toEqual(render({ region, vantage: clusterVantage(region) }, release));
      const args = controllerArgsOf(published);
      expect(args).toMatchObject({
        region,
        vantage: clusterVantage(region),
        leaderElectionNamespace: 'switchyard-system',
      });
      const { container } = deploymentOf(published);
      const { container: chartDefault } = deploymentOf(render());
      expect(container.image).toBe(chartDefault.image);
    }
  });

  it('names the controller’s IAM role on its ServiceAccount when the platform trusts IRSA, none with Pod Identity', () => {
    const serviceAccounts = (files: PublishedFile[]) =>
      REGION_PAIR.map((region) =>
        objectsIn(region, files).find((object) => object.kind === 'ServiceAccount'),
      );
    for (const account of serviceAccounts(tree))
      expect(account?.metadata.annotations?.[IRSA_ROLE_ANNOTATION]).toBeUndefined();
    const oidc = (region: string) => `oidc.eks.${region}.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF`;
    const irsa = treeOf({
      ...examplePlatform(),
      spec: {
        ...examplePlatform().spec,
        controller: {
          trust: 'IRSA',
          oidcProviders: { 'us-east-1': oidc('us-east-1'), 'us-east-2': oidc('us-east-2') },
        },
      },
    });
    expect(
      serviceAccounts(irsa).map((account) => account?.metadata.annotations?.[IRSA_ROLE_ANNOTATION]),
    ).toEqual([
      'arn:aws:iam::123456789012:role/trading-switchyard-controller-us-east-1',
      'arn:aws:iam::123456789012:role/trading-switchyard-controller-us-east-2',
    ]);
  });

  it('refuses a controller service account the chart cannot name, naming the field', () => {
    const spec = {
      ...examplePlatform().spec,
      controller: { serviceAccount: { namespace: 'ops', name: 'failover' } },
    };
    expect(() => treeOf({ ...examplePlatform(), spec })).toThrow(
      /spec\.controller\.serviceAccount\.name: must be <release>-controller/,
    );
  });
});

describe('sync waves and options', () => {
  const first = (kinds: string[], region = 'us-east-1') =>
    Math.min(
      ...objectsIn(region)
        .filter((object) => kinds.includes(object.kind))
        .map(waveOf),
    );
  const last = (kinds: string[], region = 'us-east-1') =>
    Math.max(
      ...objectsIn(region)
        .filter((object) => kinds.includes(object.kind))
        .map(waveOf),
    );

  it('gives every object a wave', () => {
    for (const region of REGION_PAIR)
      for (const object of objectsIn(region))
        expect(Number.isInteger(waveOf(object)), object.kind).toBe(true);
  });

  it.each([
    [
      'Crossplane',
      [
        ['Provider', 'Function'],
        ['ManagedResourceActivationPolicy', 'ClusterProviderConfig'],
        ['CompositeResourceDefinition', 'Composition'],
        ['TradingPlatform'],
      ],
    ],
    [
      'Switchyard',
      [
        ['CustomResourceDefinition'],
        ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
        ['Deployment', 'Service', 'PodDisruptionBudget'],
        ['FailoverPlan', 'RegionHealth'],
      ],
    ],
  ])('orders the %s chain, each step after the previous one', (_chain, steps) => {
    const region = GLOBAL_OWNER_REGION;
    for (const [index, step] of steps.entries()) {
      if (index === 0) continue;
      expect(first(step, region), `${step} after ${steps[index - 1]}`).toBeGreaterThan(
        last(steps[index - 1] as string[], region),
      );
    }
  });

  it('syncs Argo CD’s own objects and the namespaces before everything else', () => {
    for (const region of REGION_PAIR) {
      const frame = objectsIn(region).filter((object) =>
        ['Namespace', 'AppProject', 'Application', 'ConfigMap'].includes(object.kind),
      );
      expect(new Set(frame.map(waveOf))).toEqual(new Set([WAVES.frame]));
      const rest = objectsIn(region).filter((object) => !frame.includes(object));
      expect(Math.min(...rest.map(waveOf))).toBeGreaterThan(WAVES.frame);
    }
  });

  it('skips the dry run exactly where the kind’s CRD arrives in the same sync (our CRDs, the XRDs, the provider packages)', () => {
    for (const region of REGION_PAIR) {
      const objects = objectsIn(region);
      const definedHere = new Set(
        objects
          .filter(
            (object) =>
              object.kind === 'CustomResourceDefinition' || object.kind === 'CompositeResourceDefinition',
          )
          .map((object) => {
            const spec = object.spec as { group: string; names: { kind: string } };
            return `${spec.group}/${spec.names.kind}`;
          }),
      );
      const providers = objects.filter((object) => object.kind === 'Provider');
      const fromProviders = (object: KubeObject) =>
        groupOf(object).endsWith('.upbound.io') && providers.length > 0;
      for (const object of objects) {
        const arrives = definedHere.has(groupKindOf(object)) || fromProviders(object);
        expect(optionsOf(object).includes('SkipDryRunOnMissingResource=true'), groupKindOf(object)).toBe(
          arrives,
        );
      }
    }
  });

  it('keeps (Prune=false) what carries state when it leaves Git: namespaces, CRDs, XRDs, the XR and Argo CD’s objects', () => {
    const kept = new Set([
      'Namespace',
      'CustomResourceDefinition',
      'CompositeResourceDefinition',
      'TradingPlatform',
      'AppProject',
      'Application',
      'ConfigMap',
    ]);
    for (const region of REGION_PAIR)
      for (const object of objectsIn(region))
        expect(optionsOf(object).includes('Prune=false'), object.kind).toBe(kept.has(object.kind));
  });
});

describe('validation', () => {
  let catalog: SchemaCatalog;
  beforeAll(() => {
    catalog = SchemaCatalog.load();
  });

  it('every custom resource and Argo CD object passes the one validator', () => {
    const { validate, unchecked } = knownKindsValidator(catalog);
    const files = tree.map((file) => ({ path: file.path, text: fileText(file) }));
    expect(files.flatMap(validate)).toEqual([]);
    // What could not be checked is Kubernetes' own kinds, and only them.
    const uncheckedKinds = new Set(unchecked.map((entry) => entry.split(' ')[1]?.split('/')[0]));
    const builtIns = new Set(
      tree
        .flatMap((file) => file.objects)
        .filter((object) => isKubernetesGroup(groupOf(object)))
        .map((object) => object.kind),
    );
    expect([...uncheckedKinds].every((kind) => builtIns.has(kind as string))).toBe(true);
    const checked = tree.flatMap((file) => file.objects).length - unchecked.length;
    expect(checked).toBeGreaterThan(100);
  });

  it('every built-in object passes the one validator too', ({ skip }) => {
    if (!validatorKnowsBuiltIns(catalog)) skip(BUILT_INS_PENDING);
    const { validate, unchecked } = knownKindsValidator(catalog);
    expect(tree.flatMap((file) => validate({ path: file.path, text: fileText(file) }))).toEqual([]);
    expect(unchecked).toEqual([]);
  });
});
