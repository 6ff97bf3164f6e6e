import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { upstreamSchemasDir } from '../../../src/schema/paths.js';
import { type ObjectProblem, validateObject } from '../../../src/schema/validate.js';
import {
  kindsWithoutRegion,
  type ProviderKindCase,
  providerKindCases,
  providerObject,
} from '../../fixtures/validator/provider-kinds.js';
import { RULES_NOTE, withRulesNote } from './rules-note.js';

let catalog: SchemaCatalog;
beforeAll(() => {
  catalog = SchemaCatalog.load();
});

const paths = (problems: ObjectProblem[]) => problems.map((problem) => problem.path);

describe('the provider-aws kind table', () => {
  it('covers every namespaced managed-resource CRD in the stored schemas', () => {
    const files = readdirSync(join(upstreamSchemasDir(), 'provider-aws', 'namespaced'));
    const managed = files.filter((file) => !file.startsWith('aws.m.upbound.io_'));
    expect(managed).toHaveLength(42);
    const kinds = providerKindCases.map((testCase) => `${testCase.group}/${testCase.kind}`).sort();
    const expected = catalog
      .kinds()
      .filter(({ group }) => group.endsWith('.aws.m.upbound.io'))
      .map(({ group, kind }) => `${group.split('.')[0]}/${kind}`)
      .sort();
    expect(kinds).toEqual(expected);
  });
});

describe.each(providerKindCases)('$group $kind', (testCase: ProviderKindCase) => {
  it('accepts a minimal object', () => {
    expect(validateObject(catalog, providerObject(testCase))).toEqual([]);
  });

  it('refuses an unknown field in forProvider, at its path', () => {
    const problems = validateObject(
      catalog,
      providerObject(testCase, { ...testCase.forProvider, colour: 'blue' }),
    );
    expect(problems).toEqual([{ path: 'spec.forProvider.colour', message: 'unknown field "colour"' }]);
  });

  it('refuses a management policy outside the enum, at its path', () => {
    const object = providerObject(testCase);
    const problems = validateObject(catalog, {
      ...object,
      spec: { ...object.spec, managementPolicies: ['Sometimes'] },
    });
    expect(paths(problems)).toContain('spec.managementPolicies[0]');
    expect(problems.find((problem) => problem.path === 'spec.managementPolicies[0]')?.message).toMatch(
      /^Unsupported value: "Sometimes": supported values: "Observe", .*"\*"$/,
    );
  });

  if (testCase.celRequired) {
    const parameter = testCase.celRequired;
    it(`refuses a missing ${parameter} (a CEL-required parameter) and accepts it from initProvider`, () => {
      const { [parameter]: _removed, ...rest } = testCase.forProvider;
      const problems = validateObject(catalog, providerObject(testCase, rest));
      expect(problems).toEqual([
        { path: 'spec', message: `spec.forProvider.${parameter} is a required parameter` },
      ]);

      const object = providerObject(testCase, rest);
      const viaInit = {
        ...object,
        spec: { ...object.spec, initProvider: { [parameter]: testCase.forProvider[parameter] } },
      };
      expect(validateObject(catalog, viaInit)).toEqual([]);

      const observeOnly = { ...object, spec: { ...object.spec, managementPolicies: ['Observe'] } };
      expect(validateObject(catalog, observeOnly)).toEqual([]);
    });
  }

  if (!kindsWithoutRegion.has(testCase.kind)) {
    it('refuses a missing region, at its path', () => {
      const { region: _removed, ...rest } = testCase.forProvider;
      const object = providerObject(testCase, rest);
      expect(validateObject(catalog, object)).toEqual(
        withRulesNote(catalog, object, [{ path: 'spec.forProvider.region', message: 'Required value' }]),
      );
    });
  }

  it('refuses a value of the wrong type, at its path', () => {
    const object = providerObject(testCase);
    const problems = validateObject(catalog, {
      ...object,
      spec: { ...object.spec, managementPolicies: 'All' },
    });
    expect(problems).toContainEqual({
      path: 'spec.managementPolicies',
      message: 'Invalid value: "All": must be of type array',
    });
  });
});

describe.each(['ProviderConfig', 'ClusterProviderConfig'])('aws.m.upbound.io %s', (kind) => {
  const object = (spec: unknown) => ({
    apiVersion: 'aws.m.upbound.io/v1beta1',
    kind,
    metadata: kind === 'ProviderConfig' ? { name: 'default', namespace: 'platform' } : { name: 'default' },
    spec,
  });

  it('accepts IRSA credentials', () => {
    expect(validateObject(catalog, object({ credentials: { source: 'IRSA' } }))).toEqual([]);
  });

  it('refuses missing credentials', () => {
    expect(validateObject(catalog, object({}))).toEqual(
      withRulesNote(catalog, object({}), [{ path: 'spec.credentials', message: 'Required value' }]),
    );
  });

  it('refuses a credentials source outside the enum', () => {
    const problems = validateObject(catalog, object({ credentials: { source: 'Magic' } }));
    expect(paths(problems)).toEqual(['spec.credentials.source', RULES_NOTE.path]);
    expect(problems[0]?.message).toContain('Unsupported value: "Magic"');
  });

  it('refuses an unknown field', () => {
    const problems = validateObject(
      catalog,
      object({ credentials: { source: 'IRSA' }, region: 'us-east-1' }),
    );
    expect(problems).toEqual([{ path: 'spec.region', message: 'unknown field "region"' }]);
  });

  it('enforces the duration CEL rules of the reconciliation policy', () => {
    const limiter = (baseDelay: string, maxDelay: string) =>
      object({
        credentials: { source: 'IRSA' },
        reconciliationPolicy: { exponentialFailureRateLimiter: { baseDelay, maxDelay } },
      });
    expect(validateObject(catalog, limiter('2s', '5m'))).toEqual([]);
    expect(validateObject(catalog, limiter('500ms', '5m'))).toEqual([
      {
        path: 'spec.reconciliationPolicy.exponentialFailureRateLimiter.baseDelay',
        message: 'baseDelay must be at least 1s',
      },
    ]);
    expect(paths(validateObject(catalog, limiter('2s', '30s')))).toContain(
      'spec.reconciliationPolicy.exponentialFailureRateLimiter.maxDelay',
    );
  });
});
