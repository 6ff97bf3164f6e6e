/**
 * Kubernetes schema extensions carried on zod schemas, so one zod schema yields both the CRD
 * (via the structural generator) and the runtime validation.
 *
 * CEL rules are the one place where a rule exists twice: as a CEL string the apiserver evaluates
 * and as a TypeScript predicate zod evaluates. `celRule` keeps both, and the message, in one
 * object so they are written and reviewed side by side; test/unit/apis/cel-agreement.test.ts
 * evaluates the CEL strings with a CEL interpreter and checks both sides agree.
 */
import { z } from 'zod';
import type { ValidationRule } from './json-schema-props.js';

declare module 'zod/v4/core' {
  interface GlobalMeta {
    'x-kubernetes-validations'?: ValidationRule[];
    'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
    'x-kubernetes-list-map-keys'?: string[];
    'x-kubernetes-map-type'?: 'atomic' | 'granular';
    'x-kubernetes-int-or-string'?: boolean;
    'x-kubernetes-preserve-unknown-fields'?: boolean;
  }
}

type Reason = NonNullable<ValidationRule['reason']>;

interface RuleText {
  /** The CEL expression, evaluated by the apiserver with `self` bound to the annotated node. */
  rule: string;
  message: string;
  /** A JSON path relative to the node (`.targetRegion`), so errors point at the offending field. */
  fieldPath?: string;
  reason?: Reason;
}

/** A rule over one value: the apiserver runs `rule`, zod runs `check`; both must agree. */
export interface CelRule<T> extends RuleText {
  kind: 'value';
  check: (self: T) => boolean;
}

/**
 * A transition rule (mentions `oldSelf`): the apiserver runs it on update only, so zod cannot run
 * it during a plain parse; `checkTransition` runs it when a caller has both versions.
 */
export interface TransitionRule<T> extends RuleText {
  kind: 'transition';
  check: (self: T, oldSelf: T) => boolean;
}

export type AnyRule<T> = CelRule<T> | TransitionRule<T>;

export function celRule<T>(rule: RuleText & { check: (self: T) => boolean }): CelRule<T> {
  return { ...rule, kind: 'value' };
}

export function transitionRule<T>(
  rule: RuleText & { check: (self: T, oldSelf: T) => boolean },
): TransitionRule<T> {
  if (!/\boldSelf\b/.test(rule.rule))
    throw new Error(`transition rule "${rule.rule}" does not mention oldSelf`);
  return { ...rule, kind: 'transition' };
}

/**
 * Transition checks live in their own registry (not in the JSON-schema metadata) because they are
 * functions; a zod registry follows a schema through `.optional()`/`.describe()` clones.
 */
const transitionRegistry = z.registry<{ rules: TransitionRule<never>[] }>();

/** Attaches CEL rules to a schema: emitted as `x-kubernetes-validations`, enforced by zod refinements. */
export function withRules<S extends z.ZodType>(schema: S, rules: readonly AnyRule<z.output<S>>[]): S {
  const valueRules = rules.filter((rule): rule is CelRule<z.output<S>> => rule.kind === 'value');
  const transitions = rules.filter((rule): rule is TransitionRule<z.output<S>> => rule.kind === 'transition');

  const refined = valueRules.length
    ? schema.superRefine((value, ctx) => {
        for (const rule of valueRules) {
          if (!rule.check(value)) {
            ctx.addIssue({ code: 'custom', message: rule.message, path: fieldPathSegments(rule.fieldPath) });
          }
        }
      })
    : schema;

  const inherited = z.globalRegistry.get(schema)?.['x-kubernetes-validations'] ?? [];
  const annotated = refined.meta({
    'x-kubernetes-validations': [...inherited, ...rules.map(toValidationRule)],
  });
  if (transitions.length) {
    const previous = transitionRegistry.get(schema)?.rules ?? [];
    transitionRegistry.add(annotated, { rules: [...previous, ...(transitions as TransitionRule<never>[])] });
  }
  return annotated;
}

export interface TransitionViolation {
  message: string;
  /** Segments relative to the annotated node. */
  path: (string | number)[];
}

/** Runs the transition rules attached to `schema` (not its children) against an update. */
export function checkTransition<S extends z.ZodType>(
  schema: S,
  next: z.output<S>,
  previous: z.output<S>,
): TransitionViolation[] {
  const rules = (transitionRegistry.get(schema)?.rules ?? []) as TransitionRule<z.output<S>>[];
  return rules
    .filter((rule) => !rule.check(next, previous))
    .map((rule) => ({ message: rule.message, path: fieldPathSegments(rule.fieldPath) }));
}

function toValidationRule(rule: RuleText): ValidationRule {
  const out: ValidationRule = { rule: rule.rule, message: rule.message };
  if (rule.fieldPath) out.fieldPath = rule.fieldPath;
  if (rule.reason) out.reason = rule.reason;
  return out;
}

/** `.spec.regions` → ['spec', 'regions']; only the dotted form is used by our rules. */
function fieldPathSegments(fieldPath: string | undefined): string[] {
  if (!fieldPath) return [];
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(fieldPath)) {
    throw new Error(`fieldPath "${fieldPath}" must be dotted field names, e.g. ".spec.region"`);
  }
  return fieldPath.slice(1).split('.');
}

/**
 * A list keyed like a map (`x-kubernetes-list-type: map`): server-side apply merges entries by
 * key, and the apiserver rejects duplicate keys; zod enforces the same uniqueness.
 */
export function listMap<T extends z.ZodObject, K extends keyof z.output<T> & string>(
  item: T,
  keys: [K, ...K[]],
  bounds: { maxItems: number; minItems?: number },
): z.ZodArray<T> {
  return uniqueList(
    item,
    bounds,
    (entry) => JSON.stringify(keys.map((name) => (entry as Record<string, unknown>)[name])),
    (key) => `duplicate entry with ${keys.join(', ')} ${key}`,
  ).meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys });
}

/** A list of unique scalars (`x-kubernetes-list-type: set`). */
export function listSet<T extends z.ZodType>(
  item: T,
  bounds: { maxItems: number; minItems?: number },
): z.ZodArray<T> {
  return uniqueList(
    item,
    bounds,
    (entry) => JSON.stringify(entry),
    (key) => `duplicate value ${key}`,
  ).meta({
    'x-kubernetes-list-type': 'set',
  });
}

/** A bounded list whose entries must differ by `keyOf`; a repeat is reported at its index. */
function uniqueList<T extends z.ZodType>(
  item: T,
  bounds: { maxItems: number; minItems?: number },
  keyOf: (entry: z.output<T>) => string,
  duplicateMessage: (key: string) => string,
): z.ZodArray<T> {
  let list = z.array(item).max(bounds.maxItems);
  if (bounds.minItems !== undefined) list = list.min(bounds.minItems);
  return list.superRefine((entries, ctx) => {
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      const key = keyOf(entry);
      if (seen.has(key)) ctx.addIssue({ code: 'custom', message: duplicateMessage(key), path: [index] });
      seen.add(key);
    });
  });
}

/** Kubernetes IntOrString (ports, percentages): emitted as `x-kubernetes-int-or-string`. */
export function intOrString(maxLength = 64) {
  return z.union([z.int(), z.string().max(maxLength)]).meta({ 'x-kubernetes-int-or-string': true });
}

/** An opaque object the apiserver keeps as is (`x-kubernetes-preserve-unknown-fields`). */
export function preservedObject() {
  return z.record(z.string(), z.unknown()).meta({ 'x-kubernetes-preserve-unknown-fields': true });
}
