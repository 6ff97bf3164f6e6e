import { describe, expect, it } from 'vitest';
import {
  escapePropertyName,
  evaluateCel,
  isTransitionRule,
  optionalOf,
  toCelValue,
} from '../../../src/schema/cel.js';
import type { OpenApiSchema } from '../../../src/schema/openapi.js';

/**
 * The CEL engine against every rule shape in the stored upstream CRDs
 * (`grep -rh 'rule:' shared/schemas | sort | uniq -c`), each with a holding and a failing input,
 * plus the Kubernetes conventions around them.
 */

const managedSpec: OpenApiSchema = {
  type: 'object',
  properties: {
    managementPolicies: { type: 'array', items: { type: 'string' } },
    forProvider: { type: 'object', properties: { engine: { type: 'string' } } },
    initProvider: { type: 'object', properties: { engine: { type: 'string' } } },
  },
};
const requiredEngine =
  "!('*' in self.managementPolicies || 'Create' in self.managementPolicies || 'Update' in self.managementPolicies) || has(self.forProvider.engine) || (has(self.initProvider) && has(self.initProvider.engine))";

const ruleShapes: { rule: string; holds: unknown; fails: unknown; schema?: OpenApiSchema }[] = [
  {
    rule: requiredEngine,
    schema: managedSpec,
    holds: { managementPolicies: ['Observe'], forProvider: {} },
    fails: { managementPolicies: ['*'], forProvider: {} },
  },
  { rule: 'has(self.resourceRef) || has(self.resourceSelector)', holds: { resourceRef: {} }, fails: {} },
  {
    rule: '!(has(self.name) && has(self.matchLabels))',
    holds: { name: 'a' },
    fails: { name: 'a', matchLabels: {} },
  },
  { rule: 'self.plural == self.plural.lowerAscii()', holds: { plural: 'xs' }, fails: { plural: 'Xs' } },
  {
    rule: "self.matches('^[^\\\\.\\\\/]+(\\\\.[^\\\\.\\\\/]+)+(\\\\/[^\\\\/:@]+)+(:[^:@]+(@sha256.+)?|@sha256.+)$')",
    holds: 'xpkg.crossplane.io/crossplane-contrib/provider-aws-ec2:v2.6.0',
    fails: 'provider-aws-ec2:v2.6.0',
  },
  { rule: 'has(self.by) || has(self.reason)', holds: { reason: 'x' }, fails: {} },
  {
    rule: '!has(self.singular) || self.singular == self.singular.lowerAscii()',
    holds: {},
    fails: { singular: 'X' },
  },
  { rule: "duration(self) >= duration('60s')", holds: '1m30s', fails: '59s' },
  { rule: "duration(self) >= duration('1s')", holds: '1s', fails: '500ms' },
  {
    rule: '!has(self.maxDelay) || !has(self.baseDelay) || duration(self.maxDelay) >= duration(self.baseDelay)',
    holds: { baseDelay: '1s', maxDelay: '1m' },
    fails: { baseDelay: '2m', maxDelay: '1m' },
  },
  {
    rule: "!has(self.exponentialFailureRateLimiter) || !has(self.exponentialFailureRateLimiter.baseDelay) || duration(self.exponentialFailureRateLimiter.baseDelay) >= duration('1s')",
    holds: { exponentialFailureRateLimiter: {} },
    fails: { exponentialFailureRateLimiter: { baseDelay: '10ms' } },
  },
  {
    rule: "self.source == 'Secret' && has(self.secretRef)",
    holds: { source: 'Secret', secretRef: {} },
    fails: { source: 'Secret' },
  },
  { rule: 'size(self) > 0', holds: ['a'], fails: [] },
  {
    rule: "self.strategy == 'Webhook' && has(self.webhook)",
    holds: { strategy: 'Webhook', webhook: {} },
    fails: { strategy: 'None' },
  },
  {
    rule: "self.scope == 'LegacyCluster' || !has(self.connectionSecretKeys)",
    holds: { scope: 'LegacyCluster', connectionSecretKeys: [] },
    fails: { scope: 'Namespaced', connectionSecretKeys: [] },
  },
  {
    rule: "self.scope == 'LegacyCluster' || !has(self.claimNames)",
    holds: { scope: 'Namespaced' },
    fails: { scope: 'Cluster', claimNames: {} },
  },
  {
    rule: "self.mode == 'Pipeline' && has(self.pipeline)",
    holds: { mode: 'Pipeline', pipeline: [] },
    fails: { mode: 'Pipeline' },
  },
  {
    rule: 'has(self.by) || (!has(self.of.resourceRef) || !has(self.of.resourceRef.__namespace__))',
    schema: {
      type: 'object',
      properties: {
        of: {
          type: 'object',
          properties: { resourceRef: { type: 'object', properties: { namespace: { type: 'string' } } } },
        },
      },
    },
    holds: { of: { resourceRef: { name: 'a' } } },
    fails: { of: { resourceRef: { namespace: 'other' } } },
  },
  { rule: '!has(self.connectionSecretKeys)', holds: {}, fails: { connectionSecretKeys: [] } },
  { rule: '!has(self.claimNames)', holds: {}, fails: { claimNames: {} } },
];

describe.each(ruleShapes)('rule $rule', ({ rule, holds, fails, schema }) => {
  it('holds and fails on the right inputs', () => {
    expect(evaluateCel(rule, { self: toCelValue(holds, schema) })).toBe(true);
    expect(evaluateCel(rule, { self: toCelValue(fails, schema) })).toBe(false);
  });
});

describe('transition rules', () => {
  it('are recognised by their use of oldSelf', () => {
    expect(isTransitionRule('self == oldSelf')).toBe(true);
    expect(isTransitionRule("self == oldSelf || oldSelf != 'Active'")).toBe(true);
    expect(isTransitionRule('self.oldSelfish == 1')).toBe(false);
  });
  it('self == oldSelf compares deeply', () => {
    expect(evaluateCel('self == oldSelf', { self: { a: [1n] }, oldSelf: { a: [1n] } })).toBe(true);
    expect(evaluateCel('self == oldSelf', { self: { a: [1n] }, oldSelf: { a: [2n] } })).toBe(false);
  });
  it("self == oldSelf || oldSelf != 'Active'", () => {
    const rule = "self == oldSelf || oldSelf != 'Active'";
    expect(evaluateCel(rule, { self: 'Inactive', oldSelf: 'Pending' })).toBe(true);
    expect(evaluateCel(rule, { self: 'Inactive', oldSelf: 'Active' })).toBe(false);
  });
  it('optionalOldSelf rules see optional.none() on create', () => {
    const rule = '!oldSelf.hasValue() || self == oldSelf.value()';
    expect(evaluateCel(rule, { self: 'a', oldSelf: optionalOf(undefined) }, true)).toBe(true);
    expect(evaluateCel(rule, { self: 'a', oldSelf: optionalOf('b') }, true)).toBe(false);
  });
});

describe('Kubernetes property-name escaping', () => {
  it.each([
    ['namespace', '__namespace__'],
    ['in', '__in__'],
    ['x-y', 'x__dash__y'],
    ['a.b', 'a__dot__b'],
    ['c/d', 'c__slash__d'],
    ['__e', '__underscores__e'],
    ['plain', 'plain'],
    ['has space', undefined],
  ])('%s → %s', (name, escaped) => {
    expect(escapePropertyName(name)).toBe(escaped);
  });
});

describe('typed values', () => {
  it('integer schema nodes are CEL ints; number nodes are doubles', () => {
    const schema: OpenApiSchema = {
      type: 'object',
      properties: { i: { type: 'integer' }, n: { type: 'number' } },
    };
    const self = toCelValue({ i: 3, n: 3 }, schema);
    expect(evaluateCel('type(self.i) == int && type(self.n) == double', { self })).toBe(true);
    expect(evaluateCel('self.i / 2 == 1', { self })).toBe(true);
  });
  it('untyped (preserve-unknown-fields) integral numbers are ints', () => {
    expect(evaluateCel('type(self.x) == int', { self: toCelValue({ x: 4 }, undefined) })).toBe(true);
  });
  it('int-or-string values keep their kind', () => {
    const schema: OpenApiSchema = { 'x-kubernetes-int-or-string': true };
    expect(evaluateCel('type(self) == int', { self: toCelValue(80, schema) })).toBe(true);
    expect(evaluateCel('type(self) == string', { self: toCelValue('http', schema) })).toBe(true);
  });
  it('map keys are not escaped', () => {
    const schema: OpenApiSchema = { type: 'object', additionalProperties: { type: 'string' } };
    expect(
      evaluateCel("self['app.kubernetes.io/name'] == 'x'", {
        self: toCelValue({ 'app.kubernetes.io/name': 'x' }, schema),
      }),
    ).toBe(true);
  });
});

describe('Kubernetes strings extension', () => {
  it.each([
    ["'AbC'.lowerAscii() == 'abc'", true],
    ["'abc'.upperAscii() == 'ABC'", true],
    ["'a-b-c'.replace('-', '.') == 'a.b.c'", true],
    ["'a-b-c'.replace('-', '.', 1) == 'a.b-c'", true],
    ["'abc'.charAt(1) == 'b'", true],
    ["'abc'.reverse() == 'cba'", true],
    ["'a,b'.split(',').size() == 2", true],
    ["' x '.trim() == 'x'", true],
    ["'abc'.indexOf('c') == 2", true],
    ["'abc'.substring(1) == 'bc'", true],
    ["'b' in ['a', 'b']", true],
  ])('%s', (expression, expected) => {
    expect(evaluateCel(expression, { self: null })).toBe(expected);
  });
});
