/**
 * The in-repo renderer against the real one: every estate example is rendered by crank render
 * with the real function-patch-and-transform and function-auto-ready (as local gRPC servers), once
 * fresh and once with observed resources, and the outputs must agree with `switchyard render`
 * modulo document order and generated names. The agreement figure is printed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import type { KubeObject } from '../../local/crossplane/render/index.js';
import { loadCompositionSet, schemaDefaulter } from '../../src/cli/render.js';
import { estateApis } from '../../src/estate/index.js';
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { exampleFiles, observe, renderExample, resourceName } from '../support/estate.js';
import { describeResult } from './support/command.js';
import { crankRender, type RunningFunction, startFunction } from './support/crank.js';
import { showLogsOnFailure } from './support/failure-logs.js';

const catalog = SchemaCatalog.load();
const compositions = loadCompositionSet();
const functions: RunningFunction[] = [];
let dir = '';
let functionsFile = '';
const agreement = { documents: 0, equal: 0, mismatches: [] as string[] };
showLogsOnFailure(() => functions.map((fn) => fn.process));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-estate-crank-'));
  functions.push(await startFunction('function-patch-and-transform'));
  functions.push(await startFunction('function-auto-ready'));
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
  const result = await crankRender([
    xrFile,
    `${stem}.composition.yaml`,
    functionsFile,
    `--xrd=${stem}.xrd.yaml`,
    ...(observedFile ? [`--observed-resources=${observedFile}`] : []),
  ]);
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

describe('estate: switchyard render agrees with crank render and the real functions', () => {
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
