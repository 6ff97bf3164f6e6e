/**
 * Argo CD v3.5.1's own health test fixtures for Crossplane (`../shared/schemas/argocd/health-testdata`,
 * read where they are, never copied): each health_test.yaml case with its parsed input object.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { upstreamSchemasDir } from '../../../src/schema/paths.js';

export interface ArgocdFixture {
  /** The resource_customizations folder, e.g. `_.crossplane.io/_`. */
  resourceKey: string;
  inputPath: string;
  object: object;
  expected: { status?: string; message?: string };
}

export const argocdFixturesRoot = join(upstreamSchemasDir(), 'argocd', 'health-testdata');

function healthTestFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return healthTestFiles(path);
    return entry.name === 'health_test.yaml' ? [path] : [];
  });
}

export function argocdFixtures(root = argocdFixturesRoot): ArgocdFixture[] {
  return healthTestFiles(root).flatMap((file) => {
    const spec = parseYaml(readFileSync(file, 'utf8')) as {
      tests: { inputPath: string; healthStatus: ArgocdFixture['expected'] }[];
    };
    return spec.tests.map((test) => ({
      resourceKey: relative(root, dirname(file)),
      inputPath: test.inputPath,
      object: parseYaml(readFileSync(join(dirname(file), test.inputPath), 'utf8')) as object,
      expected: test.healthStatus,
    }));
  });
}

export const fixtureName = (fixture: ArgocdFixture) => `${fixture.resourceKey}/${fixture.inputPath}`;
