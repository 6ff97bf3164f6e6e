/**
 * The validator section of `npm run bench` (issue 3): how long it takes to index, load and compile
 * every stored schema, and how fast manifests validate afterwards. Goal: everything compiled and
 * 1,000 manifests validated in at most 2 s on this machine.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { SchemaCatalog } from '../../src/schema/catalog.js';
import { projectRoot } from '../../src/schema/paths.js';
import { compileAll, validateObject } from '../../src/schema/validate.js';
import { providerKindCases, providerObject } from '../fixtures/validator/provider-kinds.js';
import { atMost, measured, type Section } from './figures.js';

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

export interface ValidatorResult {
  section: Section;
  /** The catalog, loaded once, for the estate section. */
  catalog: SchemaCatalog;
  /** Generated manifests the validator refused: the mix should be valid, so the run fails on any. */
  invalid: number;
}

export function measureValidator(): ValidatorResult {
  const [catalog, indexMs] = time(() => SchemaCatalog.load());
  const [versions, loadMs] = time(() => catalog.allVersions());
  const [compiled, compileMs] = time(() => compileAll(catalog));
  const manifests = manifestMix(MANIFESTS);
  const [invalid, validateMs] = time(
    () => manifests.filter((manifest) => validateObject(catalog, manifest).length > 0).length,
  );
  const validateThousandMs = (validateMs * 1000) / MANIFESTS;
  // Measured last, in a second catalog, so it does not warm anything for the figures above.
  const [, coldParseMs] = time(() => SchemaCatalog.load({ cacheDir: false }).allVersions());
  const section: Section = {
    id: 'validator',
    title: 'Validator (issue 3)',
    setup: `Every stored schema indexed, loaded from the JSON cache and compiled (ajv + CEL), then ${MANIFESTS} generated manifests of every provider kind, the upstream examples and platform objects validated (${invalid} invalid).`,
    figures: [
      measured('validator.index', `index ${catalog.kinds().length} kinds (file heads only)`, indexMs, 'ms'),
      measured('validator.load', `load ${versions.length} schema versions (JSON cache)`, loadMs, 'ms', {
        note: `without the cache (first run on a machine) YAML parsing takes ${coldParseMs.toFixed(0)} ms`,
      }),
      measured('validator.compile', 'compile every served version', compileMs, 'ms', {
        note: `${compiled.versions} versions, ${compiled.schemaNodes} schema nodes, ${compiled.celRules} CEL rules`,
      }),
      measured(
        'validator.throughput',
        'validation throughput',
        (MANIFESTS / validateMs) * 1000,
        'manifests/s',
      ),
      measured(
        'validator.total',
        'all compiled + 1,000 manifests validated',
        indexMs + loadMs + compileMs + validateThousandMs,
        'ms',
        { goal: atMost(GOAL_MS) },
      ),
    ],
  };
  return { section, catalog, invalid };
}
