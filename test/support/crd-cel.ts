/**
 * Just enough of the apiserver to check our CEL strings in tests: apply schema defaults, then run
 * every `x-kubernetes-validations` rule with `self` (and `oldSelf` on updates) bound, as the
 * apiserver does after defaulting. Integers become CEL ints (bigint) and date-time strings CEL
 * timestamps (compared as instants, whatever their offset), as they are on the server.
 * This is a test oracle for src/apis, not the project's validator.
 */
import { evaluate } from '@marcbachmann/cel-js';
import type { JSONSchemaProps } from '../../src/schema/json-schema-props.js';

export interface RuleFailure {
  /** Where the apiserver reports it: the node's path plus the rule's fieldPath. */
  path: string;
  rule: string;
  message: string;
}

type Json = unknown;

export function applyDefaults(schema: JSONSchemaProps, value: Json): Json {
  const items = schema.items;
  if (Array.isArray(value)) return items ? value.map((item) => applyDefaults(items, item)) : value;
  if (!isObject(value)) return value;
  const out: Record<string, Json> = { ...value };
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    if (out[name] === undefined && child.default !== undefined) out[name] = structuredClone(child.default);
    if (out[name] !== undefined) out[name] = applyDefaults(child, out[name]);
  }
  return out;
}

/** Evaluates every rule under `schema`; a rule that errors counts as failed, as on the apiserver. */
export function failingRules(
  schema: JSONSchemaProps,
  value: Json,
  oldValue?: Json,
  path = '',
): RuleFailure[] {
  const failures: RuleFailure[] = [];
  for (const validation of schema['x-kubernetes-validations'] ?? []) {
    const isTransition = /\boldSelf\b/.test(validation.rule);
    if (isTransition && oldValue === undefined) continue;
    let ok: unknown;
    try {
      const context: Record<string, unknown> = { self: toCel(schema, value) };
      if (isTransition) context.oldSelf = toCel(schema, oldValue);
      ok = evaluate(validation.rule, context);
    } catch (error) {
      ok = `error: ${(error as Error).message}`;
    }
    if (ok !== true) {
      // The apiserver reports a failed rule at the node's path plus the rule's fieldPath.
      const reportedAt = `${path}${validation.fieldPath ?? ''}`;
      failures.push({ path: reportedAt, rule: validation.rule, message: validation.message ?? String(ok) });
    }
  }
  if (isObject(value)) {
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      if (value[name] === undefined) continue;
      const old = isObject(oldValue) ? oldValue[name] : undefined;
      failures.push(...failingRules(child, value[name], old, path ? `${path}.${name}` : name));
    }
  }
  const items = schema.items;
  if (Array.isArray(value) && items) {
    value.forEach((item, index) => {
      failures.push(...failingRules(items, item, undefined, `${path}[${index}]`));
    });
  }
  return failures;
}

function toCel(schema: JSONSchemaProps, value: Json): Json {
  if (schema.type === 'integer' && typeof value === 'number') return BigInt(value);
  if (schema.format === 'date-time' && typeof value === 'string') return new Date(value);
  const items = schema.items;
  if (Array.isArray(value)) return items ? value.map((item) => toCel(items, item)) : value;
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, child]) => {
      const childSchema =
        schema.properties?.[name] ??
        (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      return [name, childSchema ? toCel(childSchema, child) : child];
    }),
  );
}

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
