import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SchemaCatalog, yamlFilesUnder } from '../../../src/schema/catalog.js';
import { isTransitionRule } from '../../../src/schema/cel.js';
import type { OpenApiSchema } from '../../../src/schema/openapi.js';
import { projectRoot } from '../../../src/schema/paths.js';
import { compileAll, validateObject, validateYamlText } from '../../../src/schema/validate.js';

/**
 * Switchyard's own kinds: every generated CRD loads and compiles, every XRD is a valid XRD, every
 * example validates, and transition rules (`oldSelf`) only run in update mode.
 */

const root = projectRoot();
const crdDir = join(root, 'charts', 'switchyard', 'crds');
const crdFiles = existsSync(crdDir) ? readdirSync(crdDir).filter((file) => file.endsWith('.yaml')) : [];
const xrdFiles = existsSync(join(root, 'compositions'))
  ? yamlFilesUnder(join(root, 'compositions')).filter((file) => file.endsWith('definition.yaml'))
  : [];
const exampleFiles = existsSync(join(root, 'examples')) ? yamlFilesUnder(join(root, 'examples')) : [];

// Loaded at collection time: the transition-rule cases are generated from it.
const catalog = SchemaCatalog.load();

it('has generated CRDs and examples to check', () => {
  expect(crdFiles.length).toBeGreaterThan(0);
  expect(exampleFiles.length).toBeGreaterThan(0);
});

describe.each(crdFiles)('generated CRD %s', (file) => {
  it('is in the catalog with every served version compiling (schema nodes and CEL rules)', () => {
    const crd = parse(readFileSync(join(crdDir, file), 'utf8')) as {
      spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
    };
    for (const version of crd.spec.versions.filter((candidate) => candidate.served)) {
      const found = catalog.lookup(`${crd.spec.group}/${version.name}`, crd.spec.names.kind);
      expect(found.ok).toBe(true);
    }
    expect(compileAll(catalog).versions).toBeGreaterThan(0);
  });
});

describe.each(xrdFiles)('XRD %s', (file) => {
  it('is a valid CompositeResourceDefinition', () => {
    expect(validateYamlText(catalog, readFileSync(file, 'utf8'), file).problems).toEqual([]);
  });
});

describe.each(exampleFiles)('example %s', (file) => {
  it('validates', () => {
    const report = validateYamlText(catalog, readFileSync(file, 'utf8'), file);
    expect(report.problems).toEqual([]);
    expect(report.documents).toBeGreaterThan(0);
  });
});

/** Every example document whose kind has a transition rule somewhere in its schema. */
function examplesWithTransitionRules(): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const file of exampleFiles) {
    for (const document of readFileSync(file, 'utf8').split(/^---$/m)) {
      const object = parse(document) as Record<string, unknown> | null;
      if (!object || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') continue;
      const result = catalog.lookup(object.apiVersion, object.kind);
      if (result.ok && hasTransitionRule(result.version.schema)) found.push(object);
    }
  }
  return found;
}

function hasTransitionRule(schema: OpenApiSchema): boolean {
  if (schema['x-kubernetes-validations']?.some((rule) => isTransitionRule(rule.rule))) return true;
  const children = [...Object.values(schema.properties ?? {}), ...(schema.items ? [schema.items] : [])];
  return children.some(hasTransitionRule);
}

describe('transition rules of our kinds', () => {
  const examples = examplesWithTransitionRules();

  it('exist in at least one example kind', () => {
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples.map((example) => [`${example.kind}`, example] as const))(
    '%s: skipped on create, hold for an unchanged update',
    (_kind, example) => {
      expect(validateObject(catalog, example)).toEqual([]);
      expect(validateObject(catalog, example, { oldObject: example })).toEqual([]);
    },
  );

  it('refuse changing the request of a started Failover, only in update mode', () => {
    const failover = examples.find((example) => example.kind === 'Failover') as {
      spec: Record<string, unknown>;
    };
    expect(failover).toBeDefined();
    const stored = { ...failover, spec: { ...failover.spec, dryRun: !failover.spec.dryRun } };
    const problems = validateObject(catalog, failover, { oldObject: stored });
    expect(problems.map((problem) => problem.path)).toEqual(['spec']);
    expect(problems[0]?.message).toMatch(/only spec.cancel, spec.paused and spec.approval may change/);
  });
});
