import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { type ObjectProblem, validateObject } from '../../../src/schema/validate.js';
import { RULES_NOTE } from './rules-note.js';

/**
 * Every schema feature against a synthetic CRD (test/fixtures/validator/schemas) and a synthetic
 * XRD placed in a throw-away project root, so the cases do not depend on upstream schema details.
 */

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'validator');
let catalog: SchemaCatalog;

beforeAll(() => {
  const root = mkdtempSync(join(tmpdir(), 'switchyard-catalog-'));
  mkdirSync(join(root, 'compositions', 'network'), { recursive: true });
  copyFileSync(
    join(fixtures, 'network-definition.yaml'),
    join(root, 'compositions', 'network', 'definition.yaml'),
  );
  catalog = SchemaCatalog.load({ root, schemasDir: join(fixtures, 'schemas'), cacheDir: false });
});

const widget = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'test.switchyard.dev/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'test', ...metadata },
  spec: { size: 'large', ...spec },
});
const check = (spec: Record<string, unknown>, metadata?: Record<string, unknown>) =>
  validateObject(catalog, widget(spec, metadata));
const one = (path: string, message: string): ObjectProblem[] => [{ path, message }];
/**
 * An error that blocks CEL as in the apiserver (type, enum, required, too long, too many): the
 * widget has CEL rules, which are then not run.
 */
const blocking = (path: string, message: string): ObjectProblem[] => [{ path, message }, RULES_NOTE];

describe('object identity and scope', () => {
  it('accepts a minimal widget', () => expect(check({})).toEqual([]));
  it('requires apiVersion and kind', () => {
    expect(validateObject(catalog, { metadata: { name: 'x' } })).toEqual([
      { path: 'apiVersion', message: 'Required value' },
      { path: 'kind', message: 'Required value' },
    ]);
  });
  it('requires metadata.name or generateName', () => {
    expect(check({}, { name: undefined })).toEqual(
      one('metadata.name', 'Required value: name or generateName is required'),
    );
    expect(check({}, { name: undefined, generateName: 'w-' })).toEqual([]);
  });
  it('applies DNS subdomain rules to names, and the CRD maxLength', () => {
    expect(check({}, { name: 'Bad_Name' }).map((problem) => problem.path)).toEqual(['metadata.name']);
    expect(check({}, { name: 'a'.repeat(21) })).toEqual(
      blocking('metadata.name', `Invalid value: "${'a'.repeat(21)}": must NOT have more than 20 characters`),
    );
  });
  it('checks label keys and values and refuses unknown metadata fields', () => {
    expect(
      check({}, { labels: { 'app.kubernetes.io/name': 'ok', 'bad key': 'x' } }).map((p) => p.path),
    ).toEqual(['metadata.labels[bad key]']);
    expect(check({}, { label: {} })).toEqual(one('metadata.label', 'unknown field "label"'));
  });
  it('allows a namespaced kind without a namespace', () =>
    expect(check({}, { namespace: undefined })).toEqual([]));
  it('reports a deprecated version, with its warning, and still validates it', () => {
    const problems = validateObject(catalog, { ...widget({}), apiVersion: 'test.switchyard.dev/v1alpha1' });
    expect(problems).toEqual(
      one(
        'apiVersion',
        'deprecated apiVersion "test.switchyard.dev/v1alpha1": test.switchyard.dev/v1alpha1 Widget is deprecated; use v1',
      ),
    );
  });
});

describe('structural schema', () => {
  it('refuses unknown fields but keeps preserve-unknown-fields open', () => {
    expect(check({ colour: 'red' })).toEqual(one('spec.colour', 'unknown field "colour"'));
    expect(check({ extra: { anything: { goes: [1, 2] } } })).toEqual([]);
  });
  it('checks enums, required and bounds', () => {
    expect(check({ size: 'medium' })).toEqual(
      blocking('spec.size', 'Unsupported value: "medium": supported values: "small", "large"'),
    );
    expect(validateObject(catalog, { ...widget({}), spec: {} })).toEqual(
      blocking('spec.size', 'Required value'),
    );
    expect(check({ replicas: 0 })).toEqual(one('spec.replicas', 'Invalid value: 0: must be >= 1'));
    expect(check({ replicas: 11 })).toEqual(one('spec.replicas', 'Invalid value: 11: must be <= 10'));
  });
  it('checks formats int32, int64, byte and date-time', () => {
    expect(check({ replicas: 2.5 })).toEqual(
      blocking('spec.replicas', 'Invalid value: 2.5: must be of type integer'),
    );
    expect(check({ count: 2 ** 64 }).map((problem) => problem.path)).toContain('spec.count');
    expect(check({ checksum: 'not base64!' })).toEqual(
      blocking('spec.checksum', 'Invalid value: "not base64!": must be of format byte'),
    );
    expect(check({ checksum: 'aGVsbG8=' })).toEqual([]);
    expect(check({ startedAt: 'yesterday' })).toEqual(
      blocking('spec.startedAt', 'Invalid value: "yesterday": must be of format date-time'),
    );
  });
  it('accepts int-or-string either way and nothing else', () => {
    expect(check({ port: 8080 })).toEqual([]);
    expect(check({ port: 'http' })).toEqual([]);
    expect(check({ port: true })).toEqual(
      blocking('spec.port', 'Invalid value: true: must be of type integer or string'),
    );
  });
  it('honours nullable, pattern, minLength and maxLength', () => {
    expect(check({ label: null })).toEqual([]);
    expect(check({ label: 'ABC' })).toEqual(
      one('spec.label', `Invalid value: "ABC": should match '^[a-z]+$'`),
    );
    expect(check({ label: 'a' })).toEqual(
      one('spec.label', 'Invalid value: "a": must NOT have fewer than 2 characters'),
    );
    expect(check({ label: 'abcdefghi' }).map((problem) => problem.path)).toEqual([
      'spec.label',
      RULES_NOTE.path,
    ]);
  });
  it('drops null on a non-nullable field, as the apiserver does, then applies its default', () => {
    expect(check({ mode: null })).toEqual([]);
  });
  it('checks minItems/maxItems and listType set/map uniqueness', () => {
    expect(check({ zones: [] }).map((problem) => problem.path)).toEqual(['spec.zones']);
    expect(check({ zones: ['a', 'b', 'c', 'd'] }).map((problem) => problem.path)).toEqual([
      'spec.zones',
      RULES_NOTE.path,
    ]);
    expect(check({ zones: ['a', 'a'] })).toEqual(one('spec.zones[1]', 'Duplicate value: "a"'));
    expect(check({ ports: [{ name: 'http' }, { name: 'http', number: 81 }] }).map((p) => p.path)).toEqual([
      'spec.ports[1]',
    ]);
  });
  it('checks typed map values at spec.tags[key]', () => {
    expect(check({ tags: { env: 7 } })).toEqual(
      blocking('spec.tags[env]', 'Invalid value: 7: must be of type string'),
    );
  });
  it('requires apiVersion and kind in an embedded resource and checks its metadata', () => {
    expect(check({ template: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } } })).toEqual([]);
    expect(check({ template: { kind: 'ConfigMap' } })).toEqual(
      blocking('spec.template.apiVersion', 'Required value'),
    );
    expect(check({ template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { nam: 'x' } } })).toEqual(
      one('spec.template.metadata.nam', 'unknown field "nam"'),
    );
  });
});

describe('CEL rules', () => {
  it('runs rules with message, fieldPath and reason', () => {
    expect(check({ minReplicas: 5, maxReplicas: 2 })).toEqual(
      one('spec.minReplicas', 'Invalid value: minReplicas must not exceed maxReplicas'),
    );
    expect(check({ minReplicas: 1, maxReplicas: 2 })).toEqual([]);
  });
  it('uses messageExpression for the message', () => {
    expect(check({ size: 'small', mode: 'Fast' })).toEqual(
      one('spec', 'mode Fast needs a bigger size than small'),
    );
  });
  it('sees defaults (mode defaults to Normal, so the Fast rule holds)', () => {
    expect(check({ size: 'small' })).toEqual([]);
  });
  it('types integers as CEL int and numbers as double', () => {
    expect(check({ count: 49 })).toEqual([]);
    expect(check({ count: 50 })).toEqual(one('spec.count', 'count doubled must stay below 100'));
    expect(check({ ratio: 1 })).toEqual([]);
    expect(check({ ratio: 2 })).toEqual(one('spec.ratio', 'ratio must be below 1.5'));
  });
  it('types date-time strings as timestamps and supports duration()', () => {
    expect(check({ startedAt: '2019-06-01T00:00:00Z' })).toEqual(
      one('spec.startedAt', 'startedAt must be after 2020'),
    );
    expect(check({ startedAt: '2024-06-01T00:00:00Z', interval: '1m' })).toEqual([]);
    expect(check({ interval: '10s' })).toEqual(one('spec.interval', 'interval must be at least 30s'));
  });
  it('evaluates rules on array items and map values at their own path', () => {
    expect(check({ ports: [{ name: 'http' }, { name: 'HTTPS' }] })).toEqual(
      one('spec.ports[1]', 'port names are lower-case letters'),
    );
    expect(check({ tags: { env: 'prod', team: 'Trading' } })).toEqual(
      one('spec.tags[team]', 'tag values must be lower case'),
    );
  });
  it('escapes property names (__namespace__, __dash__, __dot__, __slash__, __underscores__)', () => {
    const escaped = { namespace: 'kube-system', 'x-y': '', 'a.b': 'no', 'c/d': 'no', __e: 'no' };
    expect(check({ escaped }).map((problem) => problem.message)).toEqual([
      'escaped namespace must not be kube-system',
      'x-y must not be empty',
      'a.b must be ok',
      'c/d must be ok',
      '__e must be ok',
    ]);
    expect(
      check({ escaped: { namespace: 'apps', 'x-y': 'y', 'a.b': 'ok', 'c/d': 'ok', __e: 'ok' } }),
    ).toEqual([]);
  });
  it('skips transition rules on create but runs optionalOldSelf rules with oldSelf = none', () => {
    expect(check({ mode: 'Fast' })).toEqual([]);
  });
  it('runs transition rules in update mode', () => {
    const old = widget({ mode: 'Normal' });
    expect(validateObject(catalog, widget({ mode: 'Normal' }), { oldObject: old })).toEqual([]);
    expect(validateObject(catalog, widget({ mode: 'Fast' }), { oldObject: old })).toEqual(
      one('spec', 'mode is immutable'),
    );
    expect(validateObject(catalog, widget({ size: 'small' }), { oldObject: old })).toEqual(
      one('spec', 'size is immutable once set'),
    );
  });
  it('correlates listType=map items by key for transition rules', () => {
    const old = widget({ ports: [{ name: 'http', number: 80 }] });
    expect(
      validateObject(catalog, widget({ ports: [{ name: 'admin' }, { name: 'http' }] }), { oldObject: old }),
    ).toEqual([]);
  });
});

describe('XRD-derived composite resources', () => {
  const network = (spec: Record<string, unknown>, name = 'primary') => ({
    apiVersion: 'test.switchyard.dev/v1alpha1',
    kind: 'Network',
    metadata: { name, namespace: 'trading' },
    spec,
  });

  it('accepts the author schema plus spec.crossplane machinery (Namespaced by default in v2)', () => {
    const spec = {
      region: 'us-east-1',
      crossplane: {
        compositionRef: { name: 'network' },
        compositionUpdatePolicy: 'Manual',
        resourceRefs: [{ apiVersion: 'ec2.aws.m.upbound.io/v1beta1', kind: 'VPC', name: 'vpc' }],
      },
    };
    expect(validateObject(catalog, network(spec))).toEqual([]);
  });
  it('refuses a namespace in resourceRefs of a Namespaced XR and machinery directly under spec', () => {
    const spec = {
      region: 'us-east-1',
      compositionRef: { name: 'network' },
      crossplane: { resourceRefs: [{ apiVersion: 'v1', kind: 'X', namespace: 'other' }] },
    };
    expect(validateObject(catalog, network(spec)).map((problem) => problem.path)).toEqual([
      'spec.compositionRef',
      'spec.crossplane.resourceRefs[0].namespace',
    ]);
  });
  it('keeps the author required fields and CEL rules, and injects status conditions', () => {
    // A missing required field stops CEL (as in the apiserver): a rule over it is not run.
    expect(validateObject(catalog, network({}))).toEqual([
      { path: 'spec.region', message: 'Required value' },
      RULES_NOTE,
    ]);
    expect(validateObject(catalog, network({ region: 'eu-west-1' }))).toEqual(
      one('spec', 'region must be one of the two platform regions'),
    );
    const withStatus = {
      ...network({ region: 'us-east-2' }),
      status: { vpcId: 'vpc-1', conditions: [{ type: 'Ready', status: 'True', reason: 'Available' }] },
    };
    expect(validateObject(catalog, withStatus)).toEqual(
      blocking('status.conditions[0].lastTransitionTime', 'Required value'),
    );
  });
  it('limits XR names to 63 characters', () => {
    expect(
      validateObject(catalog, network({ region: 'us-east-1' }, 'n'.repeat(64))).map((p) => p.path),
    ).toEqual(['metadata.name', RULES_NOTE.path]);
  });
});
