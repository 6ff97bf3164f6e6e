/**
 * The shipped health customizations (src/gitops/health/<group>/<Kind>/): every health_test.yaml
 * case, run in-process through the argocd-cm data we publish; Argo CD's own Crossplane fixtures
 * (../shared/schemas/argocd/health-testdata) through our scripts; the no-status fix over every
 * Crossplane and provider-aws kind the shared CRDs define; a script for every kind we publish.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { customResources } from '../../../src/apis/index.js';
import { loadCompositionSet } from '../../../src/cli/render.js';
import { ESTATE_GROUP } from '../../../src/estate/common/parameters.js';
import { estateApis } from '../../../src/estate/index.js';
import { estatePackages, managedKindsUsed } from '../../../src/estate/packages.js';
import { loadHealthCustomizations } from '../../../src/gitops/health/customizations.js';
import { runHealthTests } from '../../../src/gitops/health/health-tests.js';
import { healthOf } from '../../../src/gitops/health/index.js';
import { upstreamSchemasDir } from '../../../src/schema/paths.js';
import { argocdFixtures, fixtureName } from '../../gitops/health/argocd-fixtures.js';

const customizations = loadHealthCustomizations();
const results = runHealthTests(customizations);

describe('shipped health scripts on their health_test.yaml cases', () => {
  it('has cases for every folder', () => {
    for (const customization of customizations)
      expect(customization.tests.length, customization.folder).toBeGreaterThan(0);
    expect(results.length).toBe(customizations.reduce((sum, c) => sum + c.tests.length, 0));
  });

  it.each(results.map((result) => [result.name, result] as const))('%s', (_name, result) => {
    expect(result.problem).toBeUndefined();
    expect(result.actual).toEqual(result.expected);
  });
});

describe("Argo CD's own Crossplane fixtures through our scripts", () => {
  // Upstream's fixtures have no managed resource without a status, the one case our scripts answer
  // differently on purpose (Progressing, not Healthy): every expected result must come out.
  it.each(argocdFixtures().map((f) => [fixtureName(f), f] as const))('%s', (_name, fixture) => {
    expect(healthOf(fixture.object)).toEqual(fixture.expected);
  });
});

interface CrdVersion {
  name: string;
  schema?: { openAPIV3Schema?: { properties?: Record<string, unknown> } };
}

/** Every kind the shared Crossplane and provider-aws CRDs define, and whether its schema has a status. */
function upstreamKinds(): { apiVersion: string; kind: string; hasStatus: boolean }[] {
  const yamlFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? yamlFiles(join(dir, entry.name))
        : entry.name.endsWith('.yaml')
          ? [join(dir, entry.name)]
          : [],
    );
  return ['crossplane', 'provider-aws'].flatMap((folder) =>
    yamlFiles(join(upstreamSchemasDir(), folder)).flatMap((file) =>
      parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => {
        const crd = doc.toJS() as {
          kind?: string;
          spec?: { group: string; names: { kind: string }; versions: CrdVersion[] };
        };
        if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) return [];
        const { group, names, versions } = crd.spec;
        if (!group.endsWith('.crossplane.io') && !group.endsWith('.upbound.io')) return [];
        // Function inputs (pt.fn.crossplane.io Resources, …) live inside Compositions, never in a cluster.
        if (group.endsWith('.fn.crossplane.io')) return [];
        const [version] = versions;
        if (!version) return [];
        const hasStatus = version.schema?.openAPIV3Schema?.properties?.status !== undefined;
        return [{ apiVersion: `${group}/${version.name}`, kind: names.kind, hasStatus }];
      }),
    ),
  );
}

describe('the no-status fix over the upstream Crossplane and provider-aws kinds', () => {
  const kinds = upstreamKinds();

  it('kinds whose CRD has no status are Healthy without one', () => {
    const statusless = kinds.filter((k) => !k.hasStatus);
    expect(statusless.length).toBeGreaterThan(0);
    for (const kind of statusless) {
      expect(
        healthOf({ apiVersion: kind.apiVersion, kind: kind.kind }),
        `${kind.apiVersion} ${kind.kind}`,
      ).toMatchObject({
        status: 'Healthy',
      });
    }
  });

  it('every provider-aws managed resource without a status is Progressing (upstream says Healthy)', () => {
    const managed = kinds.filter(
      (k) => k.apiVersion.includes('.aws.') && !k.kind.startsWith('ProviderConfig'),
    );
    expect(managed.length).toBeGreaterThan(20);
    for (const kind of managed) {
      expect(
        healthOf({ apiVersion: kind.apiVersion, kind: kind.kind }),
        `${kind.apiVersion} ${kind.kind}`,
      ).toEqual({
        status: 'Progressing',
        message: 'Provisioning ...',
      });
    }
  });
});

/** apiVersion/kind of everything Switchyard publishes that is not a core Kubernetes kind. */
function publishedKinds(): { apiVersion: string; kind: string }[] {
  const compositions = loadCompositionSet().compositions;
  return [
    ...customResources.map((resource) => ({ apiVersion: resource.apiVersion, kind: resource.kind })),
    ...estateApis.map((api) => ({ apiVersion: api.definition.apiVersion, kind: api.definition.kind })),
    ...estateApis.map((api) => ({
      apiVersion: `${ESTATE_GROUP}/${api.definition.spec.versions[0]?.name}`,
      kind: api.kind,
    })),
    ...compositions.map((composition) => ({ apiVersion: composition.apiVersion, kind: composition.kind })),
    ...estatePackages().map((object) => ({ apiVersion: object.apiVersion, kind: object.kind })),
    ...managedKindsUsed().map(({ group, kind }) => ({ apiVersion: `${group}/v1beta1`, kind })),
  ];
}

describe('every kind we publish', () => {
  it.each(publishedKinds().map((k) => [`${k.apiVersion} ${k.kind}`, k] as const))(
    '%s has a health script',
    (_name, kind) => {
      expect(healthOf(kind)?.status).toBeDefined();
    },
  );
});
