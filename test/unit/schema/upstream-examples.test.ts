import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { validateObject, validateYamlText } from '../../../src/schema/validate.js';
import { RULES_NOTE, withRulesNote } from './rules-note.js';

/** provider-upjet-aws v2.6.0's own examples of our kinds are accepted; broken copies are not. */

const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures', 'upstream-examples');
const fixtureFiles = readdirSync(fixturesDir).filter((file) => file.endsWith('.yaml'));

let catalog: SchemaCatalog;
beforeAll(() => {
  catalog = SchemaCatalog.load();
});

type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: { forProvider: Record<string, unknown>; managementPolicies?: unknown };
};

function manifestsOf(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(fixturesDir, file), 'utf8')).map(
    (document) => document.toJS() as Manifest,
  );
}

it('has at least ten upstream examples', () => {
  expect(fixtureFiles.length).toBeGreaterThanOrEqual(10);
});

describe.each(fixtureFiles)('%s', (file) => {
  it('is accepted as published', () => {
    const report = validateYamlText(catalog, readFileSync(join(fixturesDir, file), 'utf8'), file);
    expect(report.problems).toEqual([]);
    expect(report.documents).toBeGreaterThan(0);
  });

  it('is refused without region, with an unknown field and with a bad enum, each at its path', () => {
    for (const manifest of manifestsOf(file)) {
      const withoutRegion = structuredClone(manifest);
      const hadRegion = 'region' in withoutRegion.spec.forProvider;
      Reflect.deleteProperty(withoutRegion.spec.forProvider, 'region');
      if (hadRegion) {
        expect(validateObject(catalog, withoutRegion)).toEqual(
          withRulesNote(catalog, withoutRegion, [
            { path: 'spec.forProvider.region', message: 'Required value' },
          ]),
        );
      }

      const withUnknownField = structuredClone(manifest);
      withUnknownField.spec.forProvider.regoin = 'us-east-1';
      expect(validateObject(catalog, withUnknownField)).toEqual([
        { path: 'spec.forProvider.regoin', message: 'unknown field "regoin"' },
      ]);

      const withBadEnum = structuredClone(manifest);
      withBadEnum.spec.managementPolicies = ['Create', 'Destroy'];
      const [enumProblem, ...rest] = validateObject(catalog, withBadEnum);
      expect(enumProblem?.path).toBe('spec.managementPolicies[1]');
      expect(enumProblem?.message).toMatch(/^Unsupported value: "Destroy"/);
      // CEL rules are not run on an object with an enum error; kinds with rules say so.
      expect(rest).toEqual(rest.length ? [RULES_NOTE] : []);
    }
  });
});
