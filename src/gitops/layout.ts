/**
 * The environments repository (docs/environments-repo.md, ADR 0017): one folder per region's
 * management cluster, each complete on its own, so the survivor's cluster can be rebuilt from its
 * folder without the other region. Every object carries its sync wave and options as annotations;
 * the waves run the two chains the issue names side by side:
 *
 *   -1 frame           namespaces; Argo CD's AppProject, Application and argocd-cm patch
 *    0 foundations     Providers, Functions          | Switchyard CRDs
 *    1 configuration   MRAP, ClusterProviderConfig   | ServiceAccount and RBAC
 *    2 apis            XRDs, Compositions            | the controller (Deployment, Service, PDB)
 *    3 instances       the platform's XR (owner only)| FailoverPlan, RegionHealth objects
 */
import { Yaml } from 'cdk8s';
import { customResources } from '../apis/index.js';
import { type PairRegion, REGION_PAIR } from '../estate/common/parameters.js';
import { estateApis } from '../estate/index.js';
import { estatePackages } from '../estate/packages.js';
import { pipelineComposition } from '../estate/patch-and-transform/composition.js';
import { crdFileName } from '../generate/generated-files.js';
import { type DerivedPlan, derivePlan } from '../plan/derive.js';
import { planNamespace, readTradingPlatform, type TradingPlatformSpec } from '../plan/platform.js';
import { application, appProject, type SyncRules, syncAnnotations } from './argocd.js';
import { argocdCmPatch } from './argocd-cm.js';
import { ARGOCD_NAMESPACE, clusterDir } from './names.js';
import { asKubeObject, groupOf, type KubeObject, plainCopy, withAnnotations } from './objects.js';
import { controllerWorkload } from './workload.js';

export const WAVES = { frame: -1, foundations: 0, configuration: 1, apis: 2, instances: 3 } as const;

/** One file of a cluster's folder: its objects and their sync rules. */
interface LayoutEntry extends SyncRules {
  /** Relative to the cluster's folder. */
  path: string;
  objects: KubeObject[];
}

/** A file of the repository: its path from the repository root and its objects, annotated. */
export interface PublishedFile {
  path: string;
  objects: KubeObject[];
}

export interface EnvironmentsInput {
  /** The project checkout (chart values and metadata). */
  root: string;
  /** The TradingPlatform XR, as read from YAML. */
  platform: unknown;
  /** The environments repository, as Argo CD clones it. */
  repoURL: string;
  branch: string;
  /** argocd-cm health entries (health/argocd-cm.ts: argocdCmHealthData()). */
  health: Readonly<Record<string, string>>;
  /** Where the RegionHealth objects are probed from; default each region's own cluster (derivePlan). */
  vantages?: readonly string[];
}

/** The chart's kinds, by wave: identity and permissions first, then what runs under them. */
const CHART_WAVES: Readonly<Record<string, number>> = {
  ServiceAccount: WAVES.configuration,
  ClusterRole: WAVES.configuration,
  ClusterRoleBinding: WAVES.configuration,
  Role: WAVES.configuration,
  RoleBinding: WAVES.configuration,
  Deployment: WAVES.apis,
  Service: WAVES.apis,
  PodDisruptionBudget: WAVES.apis,
};

/** Crossplane packages (pkg.crossplane.io) install the kinds the MRAP and ProviderConfig use. */
function crossplaneEntries(): LayoutEntry[] {
  const packages = estatePackages().map((object) => asKubeObject(object, 'estate package'));
  const isPackage = (object: KubeObject) => groupOf(object) === 'pkg.crossplane.io';
  return [
    { path: 'crossplane/packages.yaml', wave: WAVES.foundations, objects: packages.filter(isPackage) },
    {
      path: 'crossplane/provider-config.yaml',
      wave: WAVES.configuration,
      objects: packages.filter((object) => !isPackage(object)),
    },
  ];
}

/** The estate's XRDs and Compositions, as compositions/ holds them. An XRD's deletion deletes its XRs: kept. */
function estateEntries(): LayoutEntry[] {
  return estateApis.flatMap((api) => [
    {
      path: `estate/${api.plural}/definition.yaml`,
      wave: WAVES.apis,
      keep: true,
      objects: [asKubeObject(api.definition, `${api.kind} XRD`)],
    },
    {
      path: `estate/${api.plural}/composition.yaml`,
      wave: WAVES.apis,
      objects: api.compositions.map((props) => asKubeObject(pipelineComposition(props), props.name)),
    },
  ]);
}

/** Our CRDs (a CRD's deletion deletes every plan: kept) and the controller, from the chart's definition. */
function switchyardEntries(root: string, spec: TradingPlatformSpec, region: PairRegion): LayoutEntry[] {
  const crds = customResources.map((resource) => ({
    path: `switchyard/crds/${crdFileName(resource)}`,
    wave: WAVES.foundations,
    keep: true,
    objects: [asKubeObject(resource.crd(), `${resource.kind} CRD`)],
  }));
  const workload = controllerWorkload(root, spec, region);
  const inWave = (wave: number) => workload.filter((object) => CHART_WAVES[object.kind] === wave);
  const unplaced = workload.filter((object) => CHART_WAVES[object.kind] === undefined);
  if (unplaced.length)
    throw new Error(`no sync wave for the chart's ${unplaced[0]?.kind} (layout.ts CHART_WAVES)`);
  return [
    ...crds,
    { path: 'switchyard/rbac.yaml', wave: WAVES.configuration, objects: inWave(WAVES.configuration) },
    { path: 'switchyard/controller.yaml', wave: WAVES.apis, objects: inWave(WAVES.apis) },
  ];
}

/** The XR as Git should hold it: what a person writes, nothing a server adds. */
function xrForGit(xr: KubeObject): KubeObject {
  const { name, namespace, labels, annotations } = xr.metadata;
  return plainCopy({
    apiVersion: xr.apiVersion,
    kind: xr.kind,
    metadata: { name, namespace, labels, annotations },
    spec: xr.spec,
  });
}

/** The platform as the folders need it, read and derived once. */
interface Platform {
  xr: KubeObject;
  spec: TradingPlatformSpec;
  /** The namespace of the XR, the plan and the RegionHealth objects. */
  namespace: string;
  derived: DerivedPlan;
}

function readPlatform(object: unknown, vantages: readonly string[] | undefined): Platform {
  const platform = readTradingPlatform(object);
  return {
    xr: asKubeObject(object, 'TradingPlatform XR'),
    spec: platform.spec,
    namespace: planNamespace(platform, undefined),
    derived: derivePlan(object, vantages ? { vantages } : {}),
  };
}

/**
 * The platform's objects in `region`'s cluster: the XR only in its owner region's (spec.region, the
 * one whose endpoints own the global resources, ADR 0005; deleting it deletes the estate: kept),
 * the derived FailoverPlan and RegionHealth objects in both (the survivor acts from its own).
 */
function platformEntries({ xr, spec, derived }: Platform, region: PairRegion): LayoutEntry[] {
  const folder = `platforms/${spec.platformId}`;
  return [
    ...(spec.region === region
      ? [
          {
            path: `${folder}/trading-platform.yaml`,
            wave: WAVES.instances,
            keep: true,
            objects: [xrForGit(xr)],
          },
        ]
      : []),
    {
      path: `${folder}/failover-plan.yaml`,
      wave: WAVES.instances,
      objects: [asKubeObject(plainCopy(derived.plan), 'FailoverPlan')],
    },
    {
      path: `${folder}/region-health.yaml`,
      wave: WAVES.instances,
      objects: derived.regionHealths.map((health) => asKubeObject(plainCopy(health), 'RegionHealth')),
    },
  ];
}

/** Every namespace the objects use, except Argo CD's own (it exists before the first sync). Deleting one deletes its contents: kept. */
function namespaceEntry(objects: readonly KubeObject[]): LayoutEntry {
  const names = new Set(objects.flatMap((object) => object.metadata.namespace ?? []));
  names.delete(ARGOCD_NAMESPACE);
  return {
    path: 'namespaces.yaml',
    wave: WAVES.frame,
    keep: true,
    objects: [...names].sort().map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  };
}

/**
 * Argo CD's objects, kept (a sync must not delete what runs it): the Application and argocd-cm
 * first, then the AppProject, whose allow-lists are exactly the folder's objects.
 */
function argoEntries(
  input: EnvironmentsInput,
  platform: Platform,
  region: PairRegion,
  objects: readonly KubeObject[],
): LayoutEntry[] {
  const platformId = platform.spec.platformId;
  const app = application({
    platformId,
    region,
    repoURL: input.repoURL,
    branch: input.branch,
    path: clusterDir(region),
    namespace: platform.namespace,
  });
  const settings = argocdCmPatch(input.health);
  const project = appProject({ platformId, repoURL: input.repoURL, objects: [...objects, app, settings] });
  const frame = (path: string, object: KubeObject): LayoutEntry => ({
    path,
    wave: WAVES.frame,
    keep: true,
    objects: [object],
  });
  return [
    frame('argocd/project.yaml', project),
    frame('argocd/application.yaml', app),
    frame('argocd/argocd-cm.yaml', settings),
  ];
}

function clusterEntries(input: EnvironmentsInput, platform: Platform, region: PairRegion): LayoutEntry[] {
  const content = [
    ...crossplaneEntries(),
    ...estateEntries(),
    ...switchyardEntries(input.root, platform.spec, region),
    ...platformEntries(platform, region),
  ];
  const namespaces = namespaceEntry(content.flatMap((entry) => entry.objects));
  const framed = [namespaces, ...content];
  return [
    ...framed,
    ...argoEntries(
      input,
      platform,
      region,
      framed.flatMap((entry) => entry.objects),
    ),
  ];
}

/** Both clusters' folders, every object annotated with its sync rules. */
export function environmentsTree(input: EnvironmentsInput): PublishedFile[] {
  const platform = readPlatform(input.platform, input.vantages);
  return REGION_PAIR.flatMap((region) =>
    clusterEntries(input, platform, region).map((entry) => ({
      path: `${clusterDir(region)}/${entry.path}`,
      objects: entry.objects.map((object) => withAnnotations(object, syncAnnotations(object, entry))),
    })),
  );
}

const FILE_HEADER =
  '# Published by `switchyard publish` (src/gitops, docs/environments-repo.md); do not edit: the next publish overwrites it.\n';

/** A file's text: the header, then its objects as YAML 1.1 (what Kubernetes tooling parses) documents. */
export function fileText(file: PublishedFile): string {
  return FILE_HEADER + Yaml.stringify(...file.objects);
}
