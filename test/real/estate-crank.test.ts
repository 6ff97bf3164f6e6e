/**
 * The in-repo renderer against the real one: every estate example is rendered by crank render
 * with the real function-patch-and-transform and function-auto-ready (as local gRPC servers), once
 * fresh and once with observed resources, and the outputs must agree with `switchyard render`
 * modulo document order and generated names. The agreement figure is printed. Then
 * `crank beta validate` (the apiserver's validation library, CEL included) checks everything
 * `switchyard render --recursive` produces for the examples against our XRDs and the stored
 * provider-aws CRDs, and the Compute scaling policies (which the examples' first render holds
 * back, or do not select) against the upstream autoscaling Policy CRD real:setup fetches.
 */
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../../local/crossplane/render/index.js';
import { loadCompositionSet, schemaDefaulter } from '../../src/cli/render.js';
import { estateApis } from '../../src/estate/index.js';
import { COMPOSITIONS_DIR } from '../../src/generate/generated-files.js';
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { fetchedCrds, fetchedCrdsDir, notFetchedReason } from '../../src/schema/fetched-crds.js';
import { projectRoot } from '../../src/schema/paths.js';
import { describeResult, runCommand } from '../support/command.js';
import {
  converged,
  exampleFiles,
  examplesDir,
  exampleXr,
  observe,
  renderExample,
  renderPlatformMrs,
  reportedMemberChecks,
  reportedTopicKey,
  resourceName,
  withAlbsReported,
  writeVariant,
} from '../support/estate.js';
import { crankRender, type RunningFunction, startFunction } from './support/crank.js';
import { showLogsOnFailure } from './support/failure-logs.js';
import { type NetworkNamespace, startNetworkNamespace } from './support/netns.js';
import { realBin, requireBuilt, sharedSchemas } from './support/paths.js';

const catalog = SchemaCatalog.load();
const compositions = loadCompositionSet();
const functions: RunningFunction[] = [];
let dir = '';
let functionsFile = '';
let netns: NetworkNamespace | undefined;
const agreement = { documents: 0, equal: 0, mismatches: [] as string[] };
showLogsOnFailure(() => functions.map((fn) => fn.process));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-estate-crank-'));
  // The functions' SDK binds its metrics port on every address: they and crank run in a
  // loopback-only network namespace (docs/adr/0021).
  netns = await startNetworkNamespace('estate-crank');
  functions.push(await startFunction('function-patch-and-transform', { netns }));
  functions.push(await startFunction('function-auto-ready', { netns }));
  // Our Compositions reference the functions by the names the package manager gives them.
  functionsFile = join(dir, 'functions.yaml');
  writeFileSync(
    functionsFile,
    functions
      .map((fn) =>
        stringify({
          apiVersion: 'pkg.crossplane.io/v1',
          kind: 'Function',
          metadata: {
            name: `crossplane-contrib-${fn.name}`,
            annotations: {
              'render.crossplane.io/runtime': 'Development',
              'render.crossplane.io/runtime-development-target': fn.target,
            },
          },
          spec: { package: `xpkg.crossplane.io/crossplane-contrib/${fn.name}` },
        }),
      )
      .join('---\n'),
  );
});
afterAll(async () => {
  await Promise.all(functions.map((fn) => fn.process.stop()));
  await netns?.stop();
  rmSync(dir, { recursive: true, force: true });
  console.log(
    `crank agreement: ${agreement.equal}/${agreement.documents} rendered documents equal` +
      (agreement.mismatches.length ? `; differing: ${agreement.mismatches.join(', ')}` : ''),
  );
});

/** Generated names differ between runs and renderers; everything else must match. */
function normalize(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  delete copy.metadata.name;
  delete copy.metadata.generateName;
  return copy;
}

async function crank(
  xrFile: string,
  observedFile?: string,
): Promise<{ xr: KubeObject; composed: KubeObject[] }> {
  const xr = schemaDefaulter(catalog)(
    parseAllDocuments(readFileSync(xrFile, 'utf8'))[0]?.toJS() as KubeObject,
  );
  const composition = compositions.select(xr);
  const api = estateApis.find((candidate) => candidate.kind === xr.kind);
  const stem = join(dir, `${basename(xrFile, '.yaml')}${observedFile ? '-observed' : ''}`);
  writeFileSync(`${stem}.composition.yaml`, stringify(composition));
  writeFileSync(`${stem}.xrd.yaml`, stringify(api?.definition));
  const result = await crankRender(
    [
      xrFile,
      `${stem}.composition.yaml`,
      functionsFile,
      `--xrd=${stem}.xrd.yaml`,
      ...(observedFile ? [`--observed-resources=${observedFile}`] : []),
    ],
    netns,
  );
  expect(result.code, describeResult(result)).toBe(0);
  const [first, ...composed] = parseAllDocuments(result.stdout).map(
    (document) => document.toJS() as KubeObject,
  );
  if (!first) throw new Error('crank rendered nothing');
  return { xr: first, composed };
}

function compare(
  label: string,
  ours: { xr: KubeObject; resources: KubeObject[] },
  theirs: { xr: KubeObject; composed: KubeObject[] },
) {
  const byName = new Map(theirs.composed.map((object) => [resourceName(object), normalize(object)]));
  const pairs: [string, unknown, unknown][] = [
    [`${label} XR status`, ours.xr.status, theirs.xr.status],
    ...ours.resources.map((object): [string, unknown, unknown] => [
      `${label} ${resourceName(object)}`,
      normalize(object),
      byName.get(resourceName(object)),
    ]),
  ];
  expect(ours.resources.map(resourceName).sort()).toEqual([...byName.keys()].sort());
  for (const [name, mine, real] of pairs) {
    agreement.documents++;
    if (JSON.stringify(sortKeys(mine)) === JSON.stringify(sortKeys(real))) agreement.equal++;
    else agreement.mismatches.push(name);
  }
  for (const [name, mine, real] of pairs) expect(mine, name).toEqual(real);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

/** What the provider reports as the ALB's and the target group's `arnSuffix`. */
const ALB_SUFFIX = 'app/trading-use1/50dc6c495c0c9188';
const TARGET_GROUP_SUFFIX = 'targetgroup/trading-app-us-east-1/73e2d6bc24d8a067';

/**
 * The Compute variants the examples' first render does not show: the request-count scaling policy
 * once the XR's status has the ALB's ids, and the CPU variant (composed at once).
 */
function scalingXrFiles(): string[] {
  const requestCount = exampleXr('compute-us-east-1.yaml');
  requestCount.metadata.name = 'trading-use1-scaling';
  requestCount.status = { albArnSuffix: ALB_SUFFIX, targetGroupArnSuffix: TARGET_GROUP_SUFFIX };
  const cpu = exampleXr('compute-us-east-2.yaml');
  cpu.metadata.name = 'trading-use2-cpu';
  cpu.spec = {
    ...cpu.spec,
    scaling: { metric: 'ASGAverageCPUUtilization' },
    crossplane: { compositionSelector: { matchLabels: { 'platform.switchyard.dev/scaling-metric': 'cpu' } } },
  };
  return [requestCount, cpu].map((xr) => {
    const file = join(dir, `${xr.metadata.name}.yaml`);
    writeFileSync(file, stringify(xr));
    return file;
  });
}

const isScalingPolicy = (object: KubeObject) =>
  object.kind === 'Policy' && object.apiVersion.startsWith('autoscaling.');

describe('estate: switchyard render agrees with crank render and the real functions', () => {
  it('Compute scaling variants: the request-count policy with the ALB’s ids, and the CPU one', async () => {
    for (const file of scalingXrFiles()) {
      // Observed as the XR's status says, so the status both renderers report back is the same.
      const observedFile = join(dir, `${basename(file, '.yaml')}.observed.yaml`);
      const observed = observe(renderExample(file, { catalog }).resources, (name) =>
        name === 'load-balancer' || name === 'target-group'
          ? { arnSuffix: name === 'load-balancer' ? ALB_SUFFIX : TARGET_GROUP_SUFFIX }
          : {},
      );
      writeFileSync(observedFile, observed.map((object) => `---\n${stringify(object)}`).join(''));
      const ours = renderExample(file, { catalog, observedFile });
      expect(ours.resources.filter(isScalingPolicy), basename(file)).toHaveLength(1);
      compare(`${basename(file)} observed`, ours, await crank(file, observedFile));
    }
  });

  it.each(exampleFiles())('%s, fresh', async (file) => {
    const ours = renderExample(file, { catalog });
    compare(basename(file), ours, await crank(file));
  });

  it.each(exampleFiles())('%s, with every composed resource observed Ready', async (file) => {
    const fresh = renderExample(file, { catalog });
    const observedFile = join(dir, `${basename(file, '.yaml')}.observed.yaml`);
    const observed = observe(fresh.resources, (name) => ({
      id: `id-${name}`,
      arn: `arn:aws:test:::${name}`,
    }));
    writeFileSync(observedFile, observed.map((object) => `---\n${stringify(object)}`).join(''));
    const ours = renderExample(file, { catalog, observedFile });
    compare(`${basename(file)} observed`, ours, await crank(file, observedFile));
  });
});

/**
 * What a first render holds back (ADR 0005) is composed on a later reconcile, once the XR's status
 * (or, for the TradingPlatform, its Compute XRs' reports) carries the value it waits for: both
 * renderers must compose it alike.
 */
const laterReconciles: [string, (xr: KubeObject) => void][] = [
  ['traffic.yaml', (xr) => Object.assign(xr, { status: reportedMemberChecks() })],
  ['alerting-us-east-1.yaml', (xr) => Object.assign(xr, { status: reportedTopicKey('us-east-1') })],
  ['trading-platform.yaml', withAlbsReported],
];

describe('estate: later reconciles compose what the first one held back, alike', () => {
  it.each(laterReconciles)('%s, with the status it waits for', async (example, change) => {
    const file = writeVariant(dir, join(examplesDir, example), change);
    const ours = renderExample(file, { catalog });
    expect(ours.warnings.filter((warning) => /Required/.test(warning))).toEqual([]);
    // switchyard render prints the XR's status as read plus what the pipeline wrote; crank only the latter.
    const read = parseAllDocuments(readFileSync(file, 'utf8'))[0]?.toJS() as KubeObject;
    const written = Object.entries(ours.xr.status ?? {}).filter(([field]) => !(field in (read.status ?? {})));
    compare(
      `${example} later`,
      { ...ours, xr: { ...ours.xr, status: Object.fromEntries(written) } },
      await crank(file),
    );
  });
});

/**
 * `crank beta validate <extensions> <resources>`, offline. crank always adds the Crossplane image
 * as an extension and would pull it; naming a local image whose cache folder already exists
 * (filled with the stored Crossplane CRDs) keeps it from touching the network
 * (../shared/reference/real-platform.md §2). Only XRDs and CRDs are passed as extensions:
 * Provider/Function objects (compositions/packages.yaml) would trigger downloads.
 */
async function crankValidate(resourcesFile: string) {
  requireBuilt(realBin.crank);
  const cacheDir = join(dir, 'validate-cache');
  const image = join(cacheDir, 'local', 'xp@v0');
  mkdirSync(image, { recursive: true });
  const crossplaneCrds = join(sharedSchemas, 'crossplane');
  for (const name of readdirSync(crossplaneCrds).filter((file) => file.endsWith('.yaml')))
    copyFileSync(join(crossplaneCrds, name), join(image, name));
  const extensions = [
    ...estateApis.map((api) => join(projectRoot(), COMPOSITIONS_DIR, api.plural, 'definition.yaml')),
    join(sharedSchemas, 'provider-aws', 'namespaced'),
    ...fetchedCrds()
      .filter((crd) => crd.present)
      .map((crd) => crd.file),
  ];
  return runCommand(
    realBin.crank,
    [
      'beta',
      'validate',
      '--crossplane-image=local/xp:v0',
      `--cache-dir=${cacheDir}`,
      '--error-on-missing-schemas',
      extensions.join(','),
      resourcesFile,
    ],
    { timeoutMs: 120_000 },
  );
}

describe('estate: crank beta validate accepts what switchyard render --recursive produces', () => {
  // The examples as first applied, and the platform once every XR has reported (nothing held back).
  const rendered = () => [
    ...exampleFiles().flatMap((file) => {
      const { xr, resources } = renderExample(file, { catalog, recursive: true });
      return [xr, ...resources];
    }),
    ...renderPlatformMrs(catalog, converged),
  ];

  it('every example, down to MRs, and the settled platform: no missing schema, no failure', async () => {
    const documents = rendered();
    const file = join(dir, 'rendered.yaml');
    writeFileSync(file, documents.map((object) => `---\n${stringify(object)}`).join(''));
    const result = await crankValidate(file);
    expect(result.code, describeResult(result)).toBe(0);
    const total = result.stdout.match(
      /Total (\d+) resources: 0 missing schemas, (\d+) success cases, 0 failure cases/,
    );
    expect(total?.slice(1), result.stdout.slice(-500)).toEqual([
      String(documents.length),
      String(documents.length),
    ]);
    console.log(`crank beta validate: ${total?.[2]}/${documents.length} rendered documents valid`);
  });

  it('the scaling policies, against the upstream autoscaling Policy CRD; a broken one is refused', async (context) => {
    const crd = fetchedCrds().find((candidate) => candidate.plural === 'policies');
    if (!crd) throw new Error(`the autoscaling Policy CRD is not listed (${fetchedCrdsDir()})`);
    if (!crd.present) context.skip(notFetchedReason(crd));
    const policies = scalingXrFiles().flatMap((file) =>
      renderExample(file, { catalog }).resources.filter(isScalingPolicy),
    );
    expect(policies).toHaveLength(2);
    const file = join(dir, 'scaling-policies.yaml');
    writeFileSync(file, policies.map((object) => `---\n${stringify(object)}`).join(''));
    const result = await crankValidate(file);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toMatch(/Total 2 resources: 0 missing schemas, 2 success cases, 0 failure cases/);

    const broken = structuredClone(policies[0] as KubeObject);
    (broken.spec?.forProvider as Record<string, unknown>).policyTyp = 'TargetTrackingScaling';
    const brokenFile = join(dir, 'scaling-policy-broken.yaml');
    writeFileSync(brokenFile, stringify(broken));
    const refused = await crankValidate(brokenFile);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toMatch(/unknown field: "policyTyp"/);
  });

  it('refuses a rendered MR with an unknown field and a missing CEL-required parameter', async () => {
    const alarm = rendered().find((object) => object.kind === 'MetricAlarm');
    if (!alarm) throw new Error('no MetricAlarm rendered');
    const broken = structuredClone(alarm);
    const forProvider = broken.spec?.forProvider as Record<string, unknown>;
    delete forProvider.comparisonOperator;
    forProvider.thresholdd = 1;
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, stringify(broken));
    const result = await crankValidate(file);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/unknown field: "thresholdd"/);
    expect(result.stdout).toMatch(/spec.forProvider.comparisonOperator is a required parameter/);
  });
});
