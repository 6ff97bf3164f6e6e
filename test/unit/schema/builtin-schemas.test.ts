import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinSchemaVersions, documentGroupVersion } from '../../../src/schema/builtin-kinds.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { compileAll, type ObjectProblem, validateObject } from '../../../src/schema/validate.js';

/**
 * Kubernetes' OpenAPI v3 conventions, on a small document written the way kube-openapi writes
 * api/openapi-spec/v3 (paths with x-kubernetes-action, components with
 * x-kubernetes-group-version-kind, `allOf: [{$ref}]` wrappers, IntOrString, Quantity, RawExtension),
 * read through the catalog from a throw-away `kubernetes/` folder, so the cases do not depend on
 * upstream details. builtin-kinds.test.ts runs Kubernetes' own documents.
 */

const ref = (name: string, extra: Record<string, unknown> = {}) => ({
  allOf: [{ $ref: `#/components/schemas/${name}` }],
  description: 'wrapped as kube-openapi does',
  ...extra,
});
const gvk = (kind: string) => [{ group: 'gadgets.k8s.io', version: 'v1', kind }];
const post = (kind: string) => ({
  post: { 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk(kind)[0] },
});
const topLevel = (kind: string, spec: string) => ({
  type: 'object',
  'x-kubernetes-group-version-kind': gvk(kind),
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', { default: {} }),
    spec: ref(spec, { default: {} }),
    status: ref('test.GadgetStatus', { default: {} }),
  },
});

const document = {
  openapi: '3.0.0',
  paths: {
    '/apis/gadgets.k8s.io/v1/namespaces/{namespace}/gadgets': post('Gadget'),
    '/apis/gadgets.k8s.io/v1/namespaces/{namespace}/gadgets/{name}': { put: {} },
    '/apis/gadgets.k8s.io/v1/namespaces/{namespace}/gadgets/{name}/eviction': post('Eviction'),
    '/apis/gadgets.k8s.io/v1/clustergadgets': post('ClusterGadget'),
    '/apis/gadgets.k8s.io/v1/watch/namespaces/{namespace}/gadgets': { get: {} },
  },
  components: {
    schemas: {
      'test.Gadget': topLevel('Gadget', 'test.GadgetSpec'),
      'test.ClusterGadget': topLevel('ClusterGadget', 'test.GadgetSpec'),
      'test.Eviction': { type: 'object', 'x-kubernetes-group-version-kind': gvk('Eviction') },
      'test.DeleteOptions': {
        type: 'object',
        'x-kubernetes-group-version-kind': [...gvk('DeleteOptions'), ...gvk('Gadget')],
      },
      'test.GadgetSpec': {
        type: 'object',
        required: ['size'],
        properties: {
          size: ref('io.k8s.apimachinery.pkg.api.resource.Quantity'),
          port: ref('io.k8s.apimachinery.pkg.util.intstr.IntOrString'),
          replicas: { type: 'integer', format: 'int32' },
          payload: ref('io.k8s.apimachinery.pkg.runtime.RawExtension'),
          settings: ref('test.JSON'),
          labels: { type: 'object', additionalProperties: { type: 'string', default: '' } },
          parts: {
            type: 'array',
            items: ref('test.Part', { default: {} }),
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
          },
          template: ref('test.PodTemplate', { default: {} }),
        },
      },
      'test.Part': {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', default: 'main' },
          parts: { type: 'array', items: ref('test.Part', { default: {} }) },
        },
      },
      'test.PodTemplate': {
        type: 'object',
        properties: { metadata: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', { default: {} }) },
      },
      'test.GadgetStatus': {
        type: 'object',
        required: ['ready'],
        properties: { ready: { type: 'boolean' } },
      },
      'test.JSON': { description: 'any JSON value, read by its own UnmarshalJSON' },
      'io.k8s.apimachinery.pkg.api.resource.Quantity': {
        oneOf: [{ type: 'string' }, { type: 'number' }],
      },
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString': {
        format: 'int-or-string',
        oneOf: [{ type: 'integer' }, { type: 'string' }],
      },
      'io.k8s.apimachinery.pkg.runtime.RawExtension': { type: 'object' },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
        type: 'object',
        properties: {
          name: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string', default: '' } },
          creationTimestamp: ref('io.k8s.apimachinery.pkg.apis.meta.v1.Time'),
        },
      },
      'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
    },
  },
};

const FILE = 'apis__gadgets.k8s.io__v1_openapi.json';
let catalog: SchemaCatalog;

/** A catalog over these documents (file name → document, or text written as it is). */
function catalogWith(documents: Record<string, unknown>): SchemaCatalog {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-builtins-'));
  mkdirSync(join(dir, 'schemas', 'kubernetes'), { recursive: true });
  for (const [name, content] of Object.entries(documents))
    writeFileSync(
      join(dir, 'schemas', 'kubernetes', name),
      typeof content === 'string' ? content : JSON.stringify(content),
    );
  return SchemaCatalog.load({ root: dir, schemasDir: join(dir, 'schemas'), cacheDir: false });
}

beforeAll(() => {
  catalog = catalogWith({ [FILE]: document });
});

const gadget = (spec: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'gadgets.k8s.io/v1',
  kind: 'Gadget',
  metadata: { name: 'g', namespace: 'test' },
  spec: { size: '1Gi', ...spec },
  ...extra,
});
const check = (spec: Record<string, unknown>, extra?: Record<string, unknown>) =>
  validateObject(catalog, gadget(spec, extra));
const one = (path: string, message: string): ObjectProblem[] => [{ path, message }];

describe('documents and kinds', () => {
  it('names a document by its /openapi/v3 path', () => {
    expect(documentGroupVersion('api__v1_openapi.json')).toEqual({ group: '', version: 'v1' });
    expect(documentGroupVersion(FILE)).toEqual({ group: 'gadgets.k8s.io', version: 'v1' });
    expect(documentGroupVersion('apis__gadgets.k8s.io_openapi.json')).toBeUndefined();
  });

  it('serves the kinds created by a post on a collection, with their scope and plural', () => {
    const kinds = builtinSchemaVersions(document, FILE).map(({ kind, plural, scope, served }) => ({
      kind,
      plural,
      scope,
      served,
    }));
    expect(kinds).toEqual([
      { kind: 'Gadget', plural: 'gadgets', scope: 'Namespaced', served: true },
      { kind: 'ClusterGadget', plural: 'clustergadgets', scope: 'Cluster', served: true },
    ]);
  });

  it('refuses a subresource kind and a namespace on a cluster-scoped kind', () => {
    expect(validateObject(catalog, { ...gadget({}), kind: 'Eviction' })).toEqual(
      one('', 'no schema for kind "Eviction" in group "gadgets.k8s.io" (known: ClusterGadget, Gadget)'),
    );
    expect(validateObject(catalog, { ...gadget({}), kind: 'ClusterGadget' })).toEqual(
      one('metadata.namespace', 'Forbidden: ClusterGadget is cluster-scoped and cannot have a namespace'),
    );
  });

  it('picks the schema by x-kubernetes-group-version-kind, not by a component that lists many kinds', () => {
    expect(check({ colour: 'red' })).toEqual(one('spec.colour', 'unknown field "colour"'));
  });
});

describe('references and wrappers', () => {
  it('follows $ref and allOf wrappers, refusing unknown fields at every depth and requiring required fields', () => {
    expect(check({})).toEqual([]);
    expect(validateObject(catalog, { ...gadget({}), spec: {} })).toEqual(one('spec.size', 'Required value'));
    expect(check({ parts: [{ name: 'a', parts: [{ name: 'b', colour: 'red' }] }] })).toEqual(
      one('spec.parts[0].parts[0].colour', 'unknown field "colour"'),
    );
    expect(check({ template: { metadata: { labels: { app: 'g' }, label: {} } } })).toEqual(
      one('spec.template.metadata.label', 'unknown field "label"'),
    );
  });

  it('applies no documented default: an absent status is not an empty one with required fields', () => {
    expect(check({})).toEqual([]);
    expect(check({}, { status: {} })).toEqual(one('status.ready', 'Required value'));
    // A default would have named the part; without it the item still needs its name.
    expect(check({ parts: [{}] })).toEqual(one('spec.parts[0].name', 'Required value'));
  });

  it('reads null as absent, as Go decoding does', () => {
    expect(check({ replicas: null, template: { metadata: { creationTimestamp: null } } })).toEqual([]);
  });

  it('checks list-map keys for uniqueness', () => {
    expect(check({ parts: [{ name: 'a' }, { name: 'a' }] })).toEqual(
      one('spec.parts[1]', 'Duplicate value: ["a"]'),
    );
  });

  it('compiles a recursive type without looping', () => {
    expect(compileAll(catalog).versions).toBe(2);
  });
});

describe('Kubernetes value types', () => {
  it('takes IntOrString as an integer or a string, nothing else', () => {
    expect(check({ port: 8080 })).toEqual([]);
    expect(check({ port: 'http' })).toEqual([]);
    for (const port of [1.5, true]) {
      expect(check({ port })).toEqual(
        one('spec.port', `Invalid value: ${JSON.stringify(port)}: must be of type integer or string`),
      );
    }
  });

  it('takes a Quantity as a number or a string the Go parser accepts', () => {
    for (const size of ['500m', '1.5', '128Mi', '2G', '1E', '1e3', '1.5e-3', '-1', 0.5, 3]) {
      expect(check({ size }), String(size)).toEqual([]);
    }
    for (const size of ['1Gb', '1K', 'abc', '', '1mi', '1e']) {
      expect(check({ size }), size).toEqual(
        one(
          'spec.size',
          `Invalid value: "${size}": must be a quantity: a number with an optional suffix, e.g. 500m, 1.5, 128Mi, 2G or 1e3`,
        ),
      );
    }
    expect(check({ size: true })).toEqual(
      one('spec.size', 'Invalid value: true: must be of type number or string'),
    );
  });

  it('keeps opaque values open: RawExtension and a type-less schema take anything', () => {
    expect(check({ payload: { apiVersion: 'v1', kind: 'Anything', spec: { deep: [1] } } })).toEqual([]);
    expect(check({ settings: 'a string' })).toEqual([]);
    expect(check({ settings: { any: { thing: true } } })).toEqual([]);
  });

  it('checks typed map values and int32 bounds', () => {
    expect(check({ labels: { app: 7 } })).toEqual(
      one('spec.labels[app]', 'Invalid value: 7: must be of type string'),
    );
    expect(check({ replicas: 2 ** 31 }).map((problem) => problem.path)).toEqual(['spec.replicas']);
  });
});

describe('documents the converter does not understand', () => {
  it('says which file and node, instead of guessing', () => {
    const withNot = structuredClone(document);
    const schemas: Record<string, unknown> = withNot.components.schemas;
    schemas['test.GadgetStatus'] = { type: 'object', not: { type: 'string' } };
    expect(() => builtinSchemaVersions(withNot, FILE)).toThrow(
      `${FILE}: test.GadgetStatus: unsupported keyword "not"`,
    );
    expect(() => builtinSchemaVersions({ openapi: '3.0.0' }, FILE)).toThrow(
      `${FILE}: not a Kubernetes OpenAPI v3 document (no paths or components.schemas)`,
    );
  });

  it('reports a document that is not JSON when its group is first used, naming the file', () => {
    const broken = catalogWith({ [FILE]: document, 'apis__apps__v1_openapi.json': '{"paths": ' });
    expect(() => broken.lookup('apps/v1', 'Deployment')).toThrow(
      /^schemas\/kubernetes\/apis__apps__v1_openapi\.json: cannot read: /,
    );
  });

  it('without the documents, says where they were looked for when a built-in group is asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-no-builtins-'));
    mkdirSync(join(dir, 'schemas'));
    const without = SchemaCatalog.load({ root: dir, schemasDir: join(dir, 'schemas'), cacheDir: false });
    expect(without.lookup('apps/v1', 'Deployment')).toEqual({
      ok: false,
      reason: `unknown apiVersion "apps/v1": no schema for group "apps" (Kubernetes' OpenAPI documents for built-in kinds are not at ${join(dir, 'schemas', 'kubernetes')})`,
    });
    expect(without.lookup('example.com/v1', 'Widget')).toEqual({
      ok: false,
      reason: 'unknown apiVersion "example.com/v1": no schema for group "example.com"',
    });
  });
});
