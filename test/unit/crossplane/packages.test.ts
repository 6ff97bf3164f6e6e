/**
 * Which CRDs a Provider package of the published packages.yaml installs: its service group's
 * managed-resource CRDs and the family's ProviderConfig CRDs, from ../shared/schemas.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  packageName,
  providerCrdFiles,
  unstoredProviderCrds,
} from '../../../local/crossplane/runtime/packages.js';
import { projectRoot } from '../../../src/schema/paths.js';

const published = parseAllDocuments(
  readFileSync(join(projectRoot(), 'compositions', 'packages.yaml'), 'utf8'),
)
  .map((document) => document.toJS() as { kind: string; spec: { package: string } })
  .filter((object) => object.kind === 'Provider');

describe('provider packages', () => {
  it('names the package without registry, organization or tag', () => {
    expect(packageName('xpkg.crossplane.io/crossplane-contrib/provider-aws-ec2:v2.6.0')).toBe(
      'provider-aws-ec2',
    );
  });

  it('installs the service group CRDs and the family ProviderConfig CRDs', () => {
    const files = (
      providerCrdFiles('xpkg.crossplane.io/crossplane-contrib/provider-aws-route53:v2.6.0') ?? []
    ).map((file) => basename(file));
    expect(files).toEqual([
      'aws.m.upbound.io_clusterproviderconfigs.yaml',
      'aws.m.upbound.io_providerconfigs.yaml',
      'route53.aws.m.upbound.io_healthchecks.yaml',
      'route53.aws.m.upbound.io_records.yaml',
      'route53.aws.m.upbound.io_zones.yaml',
    ]);
  });

  it('knows every published Provider package, each with at least one managed-resource CRD', () => {
    expect(published.length).toBeGreaterThan(5);
    for (const provider of published) {
      const files = providerCrdFiles(provider.spec.package) ?? [];
      const own = files.filter((file) => !basename(file).startsWith('aws.m.upbound.io_'));
      expect(
        own.length + unstoredProviderCrds(provider.spec.package).length,
        provider.spec.package,
      ).toBeGreaterThan(0);
    }
  });

  it('knows nothing of a package outside the provider-aws family', () => {
    expect(
      providerCrdFiles('xpkg.crossplane.io/crossplane-contrib/provider-kubernetes:v1.0.0'),
    ).toBeUndefined();
  });

  const AUTOSCALING = 'xpkg.crossplane.io/crossplane-contrib/provider-aws-autoscaling:v2.6.0';

  it('stands in for an autoscaling CRD the stored schemas lack when real:setup has not fetched it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'switchyard-no-fetched-crds-'));
    try {
      const found = unstoredProviderCrds(AUTOSCALING, empty);
      expect(found.map(({ crd, standIn }) => [crd.metadata.name, standIn])).toEqual([
        ['policies.autoscaling.aws.m.upbound.io', true],
      ]);
      const crd = found[0]?.crd;
      expect((crd?.spec as { names?: { kind?: string } } | undefined)?.names?.kind).toBe('Policy');
      expect(JSON.stringify(crd?.metadata.annotations)).toMatch(/real:setup/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('reads the fetched upstream CRD when real:setup put it there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-fetched-crds-'));
    try {
      writeFileSync(
        join(dir, 'autoscaling.aws.m.upbound.io_policies.yaml'),
        'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: policies.autoscaling.aws.m.upbound.io\n',
      );
      expect(unstoredProviderCrds(AUTOSCALING, dir).map(({ standIn }) => standIn)).toEqual([false]);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
