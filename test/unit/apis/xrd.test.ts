import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { compositeResourceDefinition } from '../../../src/apis/xrd.js';
import type { JSONSchemaProps } from '../../../src/schema/json-schema-props.js';
import { findStructuralProblems } from '../../../src/schema/structural-check.js';
import { transitionRule, withRules } from '../../../src/schema/x-kubernetes.js';

const networkSpec = withRules(
  z.strictObject({
    region: z.string().max(32).describe('AWS region.'),
    cidrBlock: z.string().max(18),
    azCount: z.int32().min(1).max(3).default(2),
  }),
  [
    transitionRule({
      rule: 'self.region == oldSelf.region',
      message: 'region is immutable',
      check: (self, oldSelf) => self.region === oldSelf.region,
    }),
  ],
);

const xrd = compositeResourceDefinition({
  group: 'platform.switchyard.dev',
  kind: 'Network',
  plural: 'networks',
  categories: ['switchyard'],
  description: 'A regional VPC.',
  spec: networkSpec,
  status: z.strictObject({ vpcId: z.string().max(32).optional() }),
  defaultCompositionRef: 'network-aws',
  printerColumns: [{ name: 'Region', type: 'string', jsonPath: '.spec.region' }],
});

describe('compositeResourceDefinition', () => {
  it('emits a namespaced apiextensions.crossplane.io/v2 XRD with one served, referenceable version', () => {
    expect(xrd.apiVersion).toBe('apiextensions.crossplane.io/v2');
    expect(xrd.metadata.name).toBe('networks.platform.switchyard.dev');
    expect(xrd.spec).toMatchObject({
      group: 'platform.switchyard.dev',
      names: { kind: 'Network', plural: 'networks', categories: ['switchyard'] },
      scope: 'Namespaced',
      defaultCompositionRef: { name: 'network-aws' },
    });
    expect(xrd.spec.versions).toHaveLength(1);
    expect(xrd.spec.versions[0]).toMatchObject({ name: 'v1alpha1', served: true, referenceable: true });
  });

  it('uses the structural generator for spec and status, CEL rules included', () => {
    const schema = xrd.spec.versions[0]?.schema.openAPIV3Schema as JSONSchemaProps;
    expect(findStructuralProblems(schema)).toEqual([]);
    expect(schema.properties?.spec?.properties?.azCount).toEqual({
      type: 'integer',
      format: 'int32',
      minimum: 1,
      maximum: 3,
      default: 2,
    });
    expect(schema.properties?.spec?.['x-kubernetes-validations']).toEqual([
      { rule: 'self.region == oldSelf.region', message: 'region is immutable' },
    ]);
    expect(schema.properties?.status?.properties?.vpcId).toEqual({ type: 'string', maxLength: 32 });
  });

  it('leaves spec.crossplane to Crossplane', () => {
    expect(
      xrd.spec.versions[0]?.schema.openAPIV3Schema.properties?.spec?.properties?.crossplane,
    ).toBeUndefined();
    expect(() =>
      compositeResourceDefinition({
        group: 'platform.switchyard.dev',
        kind: 'Bad',
        plural: 'bads',
        description: 'x',
        spec: z.strictObject({ crossplane: z.strictObject({ compositionRef: z.string().max(10) }) }),
      }),
    ).toThrow(/spec.crossplane is injected by Crossplane/);
  });

  it("fits the stored Crossplane XRD CRD's v2 schema (fields known, required ones present)", () => {
    const schemasDir =
      process.env.SWITCHYARD_SCHEMAS_DIR ??
      join(fileURLToPath(new URL('../../..', import.meta.url)), '../shared/schemas');
    const file = join(schemasDir, 'crossplane/apiextensions.crossplane.io_compositeresourcedefinitions.yaml');
    expect(existsSync(file), file).toBe(true);
    const crd = parse(readFileSync(file, 'utf8'));
    const v2 = crd.spec.versions.find((v: { name: string }) => v.name === 'v2').schema.openAPIV3Schema
      .properties.spec;
    expect(Object.keys(v2.properties)).toEqual(expect.arrayContaining(Object.keys(xrd.spec)));
    for (const field of v2.required) expect(xrd.spec).toHaveProperty(field);
    expect(v2.properties.scope.enum).toContain(xrd.spec.scope);
    const versionSchema = v2.properties.versions.items;
    const [version] = xrd.spec.versions;
    expect(Object.keys(versionSchema.properties)).toEqual(expect.arrayContaining(Object.keys(version ?? {})));
    for (const field of versionSchema.required) expect(version).toHaveProperty(field);
  });
});
