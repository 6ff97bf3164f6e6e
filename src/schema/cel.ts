import { Environment, Optional, type ParseResult } from '@marcbachmann/cel-js';
import { isPlainObject, type OpenApiSchema } from './openapi.js';

/**
 * Kubernetes flavoured CEL on top of @marcbachmann/cel-js: the variables `self` and `oldSelf`,
 * the Kubernetes strings extension functions cel-js lacks, property-name escaping, and the
 * conversion of JSON values to CEL values the way the apiserver types them from the schema
 * (integer → int, number → double, date-time → timestamp, byte → bytes).
 */

/** CEL reserved words; a property with such a name is reached as `__name__`. */
const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);
const ESCAPABLE = /^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/;
const ESCAPES: Record<string, string> = {
  __: '__underscores__',
  '.': '__dot__',
  '-': '__dash__',
  '/': '__slash__',
};

/**
 * The CEL name of an object property (apiextensions-apiserver `Escape`), or undefined when the
 * property cannot be reached from CEL at all.
 */
export function escapePropertyName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!ESCAPABLE.test(name)) return undefined;
  return name.replace(/__|[.\-/]/g, (match) => ESCAPES[match] ?? match);
}

/**
 * `optionalOldSelf` rules see oldSelf as `optional<dyn>` (cel-js dispatches hasValue()/value()
 * on the declared type, so the two kinds of rule need separate environments).
 */
function createEnvironment(optionalOldSelf: boolean): Environment {
  return (
    new Environment({ homogeneousAggregateLiterals: false, enableOptionalTypes: true })
      .registerVariable('self', 'dyn')
      .registerVariable('oldSelf', optionalOldSelf ? 'optional<dyn>' : 'dyn')
      // Kubernetes strings extension (cel-go ext.Strings) functions that cel-js does not ship.
      .registerFunction('string.replace(string, string): string', (text: string, from: string, to: string) =>
        text.split(from).join(to),
      )
      .registerFunction(
        'string.replace(string, string, int): string',
        (text: string, from: string, to: string, limit: bigint) =>
          replaceLimited(text, from, to, Number(limit)),
      )
      .registerFunction('string.charAt(int): string', (text: string, index: bigint) => {
        const position = Number(index);
        if (position < 0 || position > text.length) throw new Error(`index out of range: ${position}`);
        return text.charAt(position);
      })
      .registerFunction('string.reverse(): string', (text: string) => [...text].reverse().join(''))
  );
}

function replaceLimited(text: string, from: string, to: string, limit: number): string {
  if (limit < 0) return text.split(from).join(to);
  let result = text;
  let start = 0;
  for (let count = 0; count < limit; count++) {
    const at = result.indexOf(from, start);
    if (at < 0) break;
    result = result.slice(0, at) + to + result.slice(at + from.length);
    start = at + to.length;
  }
  return result;
}

const environments = new Map<boolean, Environment>();
const programs = new Map<string, ParseResult>();

/** Parsed once per distinct expression: the same rule text recurs across dozens of provider CRDs. */
export function celProgram(expression: string, optionalOldSelf = false): ParseResult {
  const key = `${optionalOldSelf ? '?' : '='}${expression}`;
  let program = programs.get(key);
  if (!program) {
    let environment = environments.get(optionalOldSelf);
    if (!environment) {
      environment = createEnvironment(optionalOldSelf);
      environments.set(optionalOldSelf, environment);
    }
    program = environment.parse(expression);
    programs.set(key, program);
  }
  return program;
}

/** Whether a rule compares against the previous object (a transition rule). */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

export type CelBindings = {
  self: unknown;
  /** Omitted on create; an Optional for rules with optionalOldSelf. */
  oldSelf?: unknown;
};

export function evaluateCel(expression: string, bindings: CelBindings, optionalOldSelf = false): unknown {
  return celProgram(expression, optionalOldSelf)(bindings);
}

export function optionalOf(value: unknown): unknown {
  return value === undefined ? Optional.none() : Optional.of(value);
}

/**
 * A JSON value as CEL sees it, typed by its schema. Unknown (preserve-unknown-fields) parts become
 * dyn, with integral numbers as ints because that is what the apiserver's JSON decoder yields.
 */
export function toCelValue(value: unknown, schema: OpenApiSchema | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    const wantsInt =
      schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true || !schema?.type;
    return wantsInt && Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'string') {
    if (schema?.format === 'date-time') {
      const time = new Date(value);
      return Number.isNaN(time.getTime()) ? value : time;
    }
    if (schema?.format === 'byte') return new Uint8Array(Buffer.from(value, 'base64'));
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => toCelValue(item, schema?.items));
  if (!isPlainObject(value)) return value;
  const mapValues =
    typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const propertySchema = schema?.properties?.[key];
    if (propertySchema) {
      const name = escapePropertyName(key);
      if (name !== undefined) result[name] = toCelValue(child, propertySchema);
    } else if (mapValues) {
      // Map keys are data, not field names: no escaping.
      result[key] = toCelValue(child, mapValues);
    } else {
      const name = escapePropertyName(key);
      if (name !== undefined) result[name] = toCelValue(child, undefined);
    }
  }
  return result;
}
