/**
 * The chaos suite's corpus of invalid manifests (invalid-corpus.ts), checked without the platform:
 * each case's base is valid (so its one edit is what the refusal is about), and the case is refused
 * with its message fragment by the embedded API server through the real kubectl (our CRDs and the
 * TradingPlatform XRD's composite CRD, as Crossplane derives it) and by the validator the GitOps
 * syncer runs on a commit. `npm run chaos` plays the same corpus on the whole platform.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { KubeObject } from '../../local/cluster/client.js';
import { compositeCrd } from '../../local/crossplane/runtime/definitions.js';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../local/kube/index.js';
import { SchemaCatalog, yamlFilesUnder } from '../../src/schema/catalog.js';
import { projectRoot } from '../../src/schema/paths.js';
import { formatProblem, validateYamlText } from '../../src/schema/validate.js';
import { parseYamlDocuments } from '../../src/schema/yaml-cache.js';
import { Kubectl } from '../support/kubectl.js';
import { corpusBases, invalidCorpus } from './invalid-corpus.js';

const root = projectRoot();
const cases = invalidCorpus(root);
const bases = corpusBases(root);
const XRD_FILE = join(root, 'compositions/tradingplatforms/definition.yaml');

let kube: KubeEmulator;
let kubectl: Kubectl;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-corpus-'));
  kube = await startKubeEmulator();
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, kube.url);
  kubectl = new Kubectl(kubeconfig);
  const xrdCrd = join(dir, 'xrd-crd.yaml');
  writeFileSync(xrdCrd, stringify(compositeCrd(parse(readFileSync(XRD_FILE, 'utf8')) as KubeObject)));
  for (const file of [join(root, 'charts/switchyard/crds'), xrdCrd]) {
    const applied = await kubectl.run(['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
  }
  const established = await kubectl.run([
    'wait',
    '--for=condition=Established',
    '--timeout=20s',
    'crd',
    '--all',
  ]);
  expect(established.code, established.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  kubectl?.dispose();
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The syncer's validator, knowing our CRDs and the XRD as a commit of the environments repo does. */
function syncerCatalog(): SchemaCatalog {
  const catalog = SchemaCatalog.load();
  const definitions = [...yamlFilesUnder(join(root, 'charts/switchyard/crds')), XRD_FILE].flatMap((file) =>
    parseYamlDocuments(file, readFileSync(file, 'utf8')),
  );
  catalog.addDefinitions(definitions, 'the test');
  return catalog;
}

describe('the chaos corpus of invalid manifests', () => {
  it('has at least 50 cases of the four kinds, one file each with its own name', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
    expect(new Set(cases.map((c) => c.kind))).toEqual(
      new Set(['Failover', 'FailoverPlan', 'RegionHealth', 'TradingPlatform']),
    );
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('refused by the API server through kubectl, each with its message fragment; the unedited bases are accepted', async () => {
    for (const [kind, base] of Object.entries(bases)) {
      const file = join(dir, `${kind}.yaml`);
      writeFileSync(file, stringify(base));
      const accepted = await kubectl.run(['apply', '--dry-run=server', '-f', file]);
      expect(accepted.code, `${kind}: ${accepted.stderr}`).toBe(0);
    }
    const misses: string[] = [];
    for (const item of cases) {
      const file = join(dir, `${item.name}.yaml`);
      writeFileSync(file, stringify(item.manifest));
      const result = await kubectl.run(['apply', '--dry-run=server', '-f', file]);
      if (result.code === 0 || !result.stderr.includes(item.expect))
        misses.push(`${item.name} (expected "${item.expect}"): exit ${result.code} ${result.stderr.trim()}`);
    }
    expect(misses).toEqual([]);
  }, 120_000);

  it('refused by the syncer’s validator, each with its message fragment; the unedited bases pass', () => {
    const catalog = syncerCatalog();
    const misses: string[] = [];
    for (const item of cases) {
      const problems = validateYamlText(catalog, stringify(item.manifest), `${item.name}.yaml`).problems.map(
        formatProblem,
      );
      if (!problems.some((problem) => problem.includes(item.expect)))
        misses.push(`${item.name} (expected "${item.expect}"): ${problems.join(' | ') || 'valid'}`);
    }
    expect(misses).toEqual([]);
    for (const [kind, base] of Object.entries(bases))
      expect(
        validateYamlText(catalog, stringify(base), `${kind}.yaml`).problems.map(formatProblem),
        kind,
      ).toEqual([]);
  });
});
