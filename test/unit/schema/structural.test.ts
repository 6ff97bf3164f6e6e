import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  isRe2Compatible,
  StructuralSchemaError,
  toStructuralSchema,
} from '../../../src/schema/structural.js';
import { findStructuralProblems, findUnboundedValues } from '../../../src/schema/structural-check.js';
import {
  celRule,
  intOrString,
  listMap,
  listSet,
  preservedObject,
  withRules,
} from '../../../src/schema/x-kubernetes.js';

const loose = { requireBounds: false };

describe('toStructuralSchema', () => {
  it('types every property and lists required ones, leaving defaulted and optional ones out', () => {
    const schema = toStructuralSchema(
      z.strictObject({
        name: z.string().max(10),
        count: z.int32().optional(),
        enabled: z.boolean().default(true),
      }),
    );
    expect(schema).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 10 },
        count: { type: 'integer', format: 'int32' },
        enabled: { type: 'boolean', default: true },
      },
      required: ['name'],
    });
  });

  it('carries descriptions, enums, patterns and numeric bounds', () => {
    const schema = toStructuralSchema(
      z.strictObject({
        mode: z.enum(['A', 'B']).describe('the mode'),
        code: z
          .string()
          .min(2)
          .max(8)
          .regex(/^[a-z]+$/),
        ratio: z.number().min(0).max(1),
        port: z.int32().min(1).max(65535),
        big: z.int().min(0),
      }),
    );
    expect(schema.properties?.mode).toEqual({ type: 'string', enum: ['A', 'B'], description: 'the mode' });
    expect(schema.properties?.code).toEqual({
      type: 'string',
      minLength: 2,
      maxLength: 8,
      pattern: '^[a-z]+$',
    });
    expect(schema.properties?.ratio).toEqual({ type: 'number', minimum: 0, maximum: 1 });
    expect(schema.properties?.port).toEqual({ type: 'integer', format: 'int32', minimum: 1, maximum: 65535 });
    // z.int() is a safe integer: int64 without the ±2^53 bounds zod writes.
    expect(schema.properties?.big).toEqual({ type: 'integer', format: 'int64', minimum: 0 });
  });

  it("keeps the date-time format and drops zod's redundant regex (the apiserver checks the format)", () => {
    const schema = toStructuralSchema(z.strictObject({ at: z.iso.datetime({ offset: true }) }));
    expect(schema.properties?.at).toEqual({ type: 'string', format: 'date-time' });
  });

  it('marks nullable fields with nullable: true', () => {
    const schema = toStructuralSchema(z.strictObject({ note: z.string().max(5).nullable() }));
    expect(schema.properties?.note).toEqual({ type: 'string', maxLength: 5, nullable: true });
  });

  it('turns records into typed maps and open objects into preserve-unknown-fields', () => {
    const schema = toStructuralSchema(
      z.strictObject({
        labels: z.record(z.string(), z.string().max(63)),
        raw: preservedObject(),
        loose: z.looseObject({ kind: z.string().max(10) }),
      }),
      loose,
    );
    expect(schema.properties?.labels).toEqual({
      type: 'object',
      additionalProperties: { type: 'string', maxLength: 63 },
    });
    expect(schema.properties?.raw).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    expect(schema.properties?.loose).toEqual({
      type: 'object',
      properties: { kind: { type: 'string', maxLength: 10 } },
      required: ['kind'],
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  it('collapses unions of literals into one enum and emits int-or-string without anyOf', () => {
    const schema = toStructuralSchema(
      z.strictObject({
        size: z.union([z.literal('S'), z.enum(['M', 'L'])]),
        port: intOrString(),
      }),
    );
    expect(schema.properties?.size).toEqual({ type: 'string', enum: ['S', 'M', 'L'] });
    expect(schema.properties?.port).toEqual({ 'x-kubernetes-int-or-string': true });
  });

  it('emits list-type map/set extensions, and zod refuses duplicate keys', () => {
    const entries = listMap(z.strictObject({ region: z.string().max(20), n: z.int32() }), ['region'], {
      maxItems: 4,
    });
    const tags = listSet(z.string().max(8), { maxItems: 3 });
    const schema = toStructuralSchema(z.strictObject({ entries, tags }));
    expect(schema.properties?.entries).toMatchObject({
      type: 'array',
      maxItems: 4,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['region'],
    });
    expect(schema.properties?.tags).toMatchObject({ 'x-kubernetes-list-type': 'set', maxItems: 3 });
    const duplicate = entries.safeParse([
      { region: 'a', n: 1 },
      { region: 'a', n: 2 },
    ]);
    expect(duplicate.error?.issues[0]?.path).toEqual([1]);
    expect(tags.safeParse(['x', 'x']).success).toBe(false);
  });

  it('emits CEL rules from celRule() in order, and zod enforces them at the rule fieldPath', () => {
    const range = withRules(z.strictObject({ low: z.int32(), high: z.int32() }), [
      celRule({
        rule: 'self.low <= self.high',
        message: 'low must not exceed high',
        fieldPath: '.low',
        check: (self) => self.low <= self.high,
      }),
    ]);
    const stricter = withRules(range, [
      celRule({ rule: 'self.high < 100', message: 'high must be < 100', check: (self) => self.high < 100 }),
    ]);
    expect(toStructuralSchema(stricter)['x-kubernetes-validations']).toEqual([
      { rule: 'self.low <= self.high', message: 'low must not exceed high', fieldPath: '.low' },
      { rule: 'self.high < 100', message: 'high must be < 100' },
    ]);
    const issues = stricter.safeParse({ low: 200, high: 150 }).error?.issues ?? [];
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['low'], 'low must not exceed high'],
      [[], 'high must be < 100'],
    ]);
  });

  it('refuses unions of different shapes, naming the path', () => {
    const shape = z.strictObject({ target: z.union([z.string().max(3), z.strictObject({ a: z.int32() })]) });
    expect(() => toStructuralSchema(shape)).toThrow(StructuralSchemaError);
    expect(() => toStructuralSchema(shape)).toThrow(/target: union of different shapes/);
  });

  it('refuses unbounded strings, lists and maps unless bounds are waived', () => {
    const unbounded = z.strictObject({
      name: z.string(),
      items: z.array(z.int32()),
      tags: z.record(z.string(), z.boolean()),
    });
    try {
      toStructuralSchema(unbounded);
      expect.unreachable();
    } catch (error) {
      expect((error as StructuralSchemaError).problems.map((p) => p.path).sort()).toEqual([
        'items',
        'name',
        'tags',
      ]);
    }
    expect(() => toStructuralSchema(unbounded, loose)).not.toThrow();
  });

  it('refuses patterns the apiserver cannot compile (RE2: no lookaround)', () => {
    expect(isRe2Compatible('^[a-z]+$')).toBe(true);
    expect(isRe2Compatible('^(?!x)[a-z]+$')).toBe(false);
    expect(() =>
      toStructuralSchema(
        z.strictObject({
          s: z
            .string()
            .max(5)
            .regex(/^(?=a)\w+$/),
        }),
      ),
    ).toThrow(/s: pattern .* lookaround/);
  });

  it('refuses recursive schemas (they would need $ref)', () => {
    interface Tree {
      children: Tree[];
    }
    const tree: z.ZodType<Tree> = z.lazy(() => z.strictObject({ children: z.array(tree).max(2) }));
    expect(() => toStructuralSchema(tree)).toThrow();
  });
});

describe('findStructuralProblems / findUnboundedValues', () => {
  it('reports untyped nodes, $ref, additionalProperties beside properties and junctors', () => {
    const problems = findStructuralProblems({
      type: 'object',
      properties: {
        untyped: {},
        ref: { type: 'object', ...({ $ref: '#/x' } as object) },
        both: {
          type: 'object',
          properties: { a: { type: 'string' } },
          additionalProperties: { type: 'string' },
        },
        union: { type: 'string', anyOf: [{ type: 'string' }] },
        fine: { 'x-kubernetes-int-or-string': true },
      },
    });
    expect(problems).toEqual([
      { path: 'untyped', message: 'has no type' },
      { path: 'ref', message: 'uses $ref' },
      { path: 'both', message: 'has additionalProperties beside properties' },
      { path: 'union', message: 'uses anyOf' },
    ]);
  });

  it('requires list-map keys to be required properties of the items', () => {
    const problems = findStructuralProblems({
      type: 'array',
      maxItems: 2,
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
      items: { type: 'object', properties: { name: { type: 'string' } } },
    });
    expect(problems).toEqual([
      { path: '<root>', message: 'list-map key "name" must be required or defaulted' },
    ]);
  });

  it('accepts enum and date-time strings without maxLength', () => {
    expect(
      findUnboundedValues({
        type: 'object',
        properties: { e: { type: 'string', enum: ['a'] }, t: { type: 'string', format: 'date-time' } },
      }),
    ).toEqual([]);
  });
});
