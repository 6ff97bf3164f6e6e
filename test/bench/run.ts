import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { projectRoot } from '../../src/schema/paths.js';
import { compileAll, validateObject } from '../../src/schema/validate.js';
import { providerKindCases, providerObject } from '../fixtures/validator/provider-kinds.js';
import { controllerLines, measureController } from './controller.js';
import { estateLines, measureEstate } from './estate.js';
import { kubeLines, measureKube } from './kube.js';

/**
 * `npm run bench`: how long it takes to index, load and compile every stored schema, and how fast
 * manifests validate afterwards. Goal (issue 3): everything compiled and 1,000 manifests validated
 * in at most 2 s on this machine. Then the estate figures (estate.ts) and the Kubernetes API
 * emulator against the real apiserver (kube.ts), then the failover controller (controller.ts).
 */

const GOAL_MS = 2000;
const MANIFESTS = 1200;

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

/** A mix of kinds: every provider kind, the upstream examples, and platform objects. */
function manifestMix(count: number): unknown[] {
  const templates: unknown[] = providerKindCases.map((testCase) => providerObject(testCase));
  const examplesDir = join(projectRoot(), 'test', 'fixtures', 'upstream-examples');
  for (const file of readdirSync(examplesDir)) {
    for (const document of parseAllDocuments(readFileSync(join(examplesDir, file), 'utf8'))) {
      templates.push(document.toJS());
    }
  }
  templates.push(
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'estate', namespace: 'argocd' },
      spec: {
        project: 'default',
        source: { repoURL: 'https://git.example.com/env.git', path: 'us-east-1' },
        destination: { server: 'https://kubernetes.default.svc' },
      },
    },
    {
      apiVersion: 'pkg.crossplane.io/v1',
      kind: 'Provider',
      metadata: { name: 'provider-aws-ec2' },
      spec: { package: 'xpkg.crossplane.io/crossplane-contrib/provider-aws-ec2:v2.6.0' },
    },
  );
  return Array.from({ length: count }, (_, index) => {
    const copy = structuredClone(templates[index % templates.length]) as { metadata: { name: string } };
    copy.metadata.name = `${copy.metadata.name}-${index}`;
    return copy;
  });
}

const [catalog, indexMs] = time(() => SchemaCatalog.load());
const [versions, loadMs] = time(() => catalog.allVersions());
const [compiled, compileMs] = time(() => compileAll(catalog));
const manifests = manifestMix(MANIFESTS);
const [invalid, validateMs] = time(
  () => manifests.filter((manifest) => validateObject(catalog, manifest).length > 0).length,
);
const validateThousandMs = (validateMs * 1000) / MANIFESTS;
const totalMs = indexMs + loadMs + compileMs + validateThousandMs;

// Measured last, in a second catalog, so it does not warm anything for the figures above.
const [, coldParseMs] = time(() => SchemaCatalog.load({ cacheDir: false }).allVersions());

const cpu = cpus();
const format = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
const lines = [
  `machine: ${cpu[0]?.model ?? 'unknown cpu'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${process.platform}/${process.arch}, load average ${loadavg()[0]?.toFixed(1)} (figures are noisy when others share the cores)`,
  '',
  `index ${catalog.kinds().length} kinds (file heads only)        ${format(indexMs)}`,
  `load ${versions.length} schema versions (JSON cache)         ${format(loadMs)}`,
  `compile all: ${compiled.versions} served versions, ${compiled.schemaNodes} schema nodes, ${compiled.celRules} CEL rules ${format(compileMs)}`,
  `validate ${MANIFESTS} manifests (${invalid} invalid)           ${format(validateMs)}  (${((MANIFESTS / validateMs) * 1000).toFixed(0)} manifests/s)`,
  '',
  `goal: all compiled + 1,000 validated <= ${GOAL_MS} ms: ${totalMs.toFixed(0)} ms ${totalMs <= GOAL_MS ? 'MET' : 'MISSED'}`,
  `  (first run on a machine: YAML parsing without the JSON cache takes ${coldParseMs.toFixed(0)} ms instead of the load above)`,
  '',
  ...estateLines(measureEstate(catalog)),
  '',
  // Last: it starts servers and loads the cores, which would disturb the figures above.
  ...kubeLines(await measureKube()),
  '',
  // After the kube section, for the same reason: it runs simulators, controllers and child processes.
  ...controllerLines(await measureController()),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (invalid > 0) {
  process.stderr.write(`bench: ${invalid} of the generated manifests are invalid; the mix should be valid\n`);
  process.exitCode = 1;
}
