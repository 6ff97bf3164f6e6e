/** Properties every generated CRD must have, checked on the objects and on the committed files. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { customResources } from '../../../src/apis/index.js';
import type { JSONSchemaProps } from '../../../src/schema/json-schema-props.js';
import { findStructuralProblems, findUnboundedValues, walk } from '../../../src/schema/structural-check.js';

const crds = customResources.map((resource) => ({ resource, crd: resource.crd() }));

function openApiSchema(crd: (typeof crds)[number]['crd']): JSONSchemaProps {
  const schema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (!schema) throw new Error('no schema');
  return schema;
}

describe.each(crds)('$crd.metadata.name', ({ resource, crd }) => {
  const schema = openApiSchema(crd);

  it('is a namespaced apiextensions.k8s.io/v1 CRD named <plural>.<group>', () => {
    expect(crd.apiVersion).toBe('apiextensions.k8s.io/v1');
    expect(crd.metadata.name).toBe(`${resource.plural}.failover.switchyard.dev`);
    expect(crd.spec.scope).toBe('Namespaced');
    expect(crd.spec.names).toMatchObject({ kind: resource.kind, listKind: `${resource.kind}List` });
    expect(crd.spec.names.categories).toContain('switchyard');
    expect(crd.spec.names.shortNames?.length).toBeGreaterThan(0);
  });

  it('serves and stores exactly one version with the status subresource and an Age column', () => {
    expect(crd.spec.versions).toHaveLength(1);
    const [version] = crd.spec.versions;
    expect(version).toMatchObject({
      name: 'v1alpha1',
      served: true,
      storage: true,
      subresources: { status: {} },
    });
    expect(version?.additionalPrinterColumns?.at(-1)).toEqual({
      name: 'Age',
      type: 'date',
      jsonPath: '.metadata.creationTimestamp',
    });
  });

  it('has a structural schema: every node typed, no $ref, no additionalProperties beside properties', () => {
    expect(findStructuralProblems(schema)).toEqual([]);
    // Independent of the checker: walk the raw JSON for the forbidden keys.
    const json = JSON.stringify(schema);
    expect(json).not.toContain('"$ref"');
    expect(json).not.toContain('"anyOf"');
    expect(json).not.toContain('"additionalProperties":false');
    let nodes = 0;
    walk(schema, '', (node, path) => {
      nodes++;
      const untypedAllowed =
        node['x-kubernetes-int-or-string'] || node['x-kubernetes-preserve-unknown-fields'];
      expect(node.type ?? (untypedAllowed ? 'untyped-allowed' : undefined), `type at ${path}`).toBeDefined();
      if (node.properties) expect(node.additionalProperties, `at ${path}`).toBeUndefined();
    });
    expect(nodes).toBeGreaterThan(20);
  });

  it('bounds every string, list and map in spec and status, so CEL cost estimation stays within budget', () => {
    // Root apiVersion/kind are checked by the apiserver itself and stay as upstream CRDs declare them.
    for (const part of ['spec', 'status'] as const) {
      const partSchema = schema.properties?.[part];
      expect(partSchema).toBeDefined();
      if (partSchema) expect(findUnboundedValues(partSchema)).toEqual([]);
    }
  });

  it('declares spec required and status as an object', () => {
    expect(schema.required).toEqual(['spec']);
    expect(schema.properties?.status?.type).toBe('object');
  });

  it('uses only CEL the apiserver supports, with a message on every rule', () => {
    walk(schema, '', (node) => {
      for (const rule of node['x-kubernetes-validations'] ?? []) {
        expect(rule.message, rule.rule).toBeTruthy();
        // Functions we rely on; anything else needs a conscious look at the Kubernetes CEL library
        // (endsWith: a string function of CEL's standard definitions, which the apiserver includes).
        const calls = [...rule.rule.matchAll(/([A-Za-z_]+)\(/g)].map((match) => match[1]);
        for (const call of calls)
          expect(['has', 'size', 'duration', 'all', 'matches', 'exists', 'endsWith']).toContain(call);
      }
    });
  });

  it('is committed, up to date, in charts/switchyard/crds/<group>_<plural>.yaml', () => {
    const path = new URL(
      `../../../charts/switchyard/crds/${resource.group}_${resource.plural}.yaml`,
      import.meta.url,
    );
    expect(parse(readFileSync(path, 'utf8'))).toEqual(crd);
  });
});

describe('printer columns', () => {
  it('show PHASE, STEP, PAUSED, TARGET and AGE for a Failover', () => {
    const failover = crds.find(({ crd }) => crd.spec.names.kind === 'Failover')?.crd;
    const visible = failover?.spec.versions[0]?.additionalPrinterColumns?.filter((c) => !c.priority);
    expect(visible?.map((column) => column.name.toUpperCase())).toEqual([
      'PHASE',
      'STEP',
      'PAUSED',
      'TARGET',
      'AGE',
    ]);
  });

  it('point at fields the schema declares', () => {
    for (const { crd } of crds) {
      const version = crd.spec.versions[0];
      const root = version?.schema.openAPIV3Schema;
      for (const column of version?.additionalPrinterColumns ?? []) {
        if (column.jsonPath.startsWith('.metadata')) continue;
        const fields = column.jsonPath
          .replace(/\[\?.*\]/, '')
          .split('.')
          .filter(Boolean);
        let node: JSONSchemaProps | undefined = root;
        for (const field of fields) node = (node?.type === 'array' ? node.items : node)?.properties?.[field];
        expect(node, `${crd.spec.names.kind} ${column.jsonPath}`).toBeDefined();
      }
    }
  });
});
