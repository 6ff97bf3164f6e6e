/**
 * Every estate example renders (recursively, down to MRs) with the in-repo renderer, and every
 * rendered object passes the validator with required fields and CEL rules checked: the stand-in
 * for `crossplane render | crossplane resource validate`.
 */
import { describe, expect, it } from 'vitest';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { validateObject } from '../../../src/schema/validate.js';
import { exampleFiles, isManaged, regionOf, renderExample, resourceName } from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const files = exampleFiles();

describe('estate examples', () => {
  it('exist for every estate API', () => {
    expect(files.length).toBeGreaterThanOrEqual(2);
  });

  it.each(files)('%s renders into objects the upstream and project schemas accept', (file) => {
    const { xr, resources } = renderExample(file, { catalog, recursive: true });
    expect(resources.some(isManaged)).toBe(true);
    const problems = [xr, ...resources].flatMap((object) =>
      validateObject(catalog, object).map(
        (problem) => `${object.kind} ${resourceName(object)} ${problem.path}: ${problem.message}`,
      ),
    );
    expect(problems).toEqual([]);
  });

  it.each(files)('%s: every MR carries the platform label, the XR providerConfigRef and a region', (file) => {
    const { resources } = renderExample(file, { catalog, recursive: true });
    for (const mr of resources.filter(isManaged)) {
      expect(mr.metadata.labels?.['platform.switchyard.dev/platform-id'], resourceName(mr)).toBe('trading');
      expect(mr.spec?.providerConfigRef, resourceName(mr)).toEqual({
        kind: 'ClusterProviderConfig',
        name: 'default',
      });
      const global = ['iam.aws.m.upbound.io', 'route53.aws.m.upbound.io'].includes(
        mr.apiVersion.split('/')[0] ?? '',
      );
      if (!global) expect(['us-east-1', 'us-east-2'], resourceName(mr)).toContain(regionOf(mr));
    }
  });
});
