import { celProgram, evaluateCel, isTransitionRule, optionalOf, toCelValue } from './cel.js';
import type { OpenApiSchema, ValidationRule } from './openapi.js';
import { forEachSchemaNode, hasDeclaredType, joinField, walkSchema } from './schema-walk.js';

/**
 * Evaluates every `x-kubernetes-validations` rule at the node it is declared on, once per value
 * there (so a rule on an array's item schema runs for each item, at `path[i]`).
 *
 * Transition rules (those using `oldSelf`) need a previous object: without `oldObject` (create)
 * they are skipped, like the apiserver does, unless the rule sets `optionalOldSelf`, in which case
 * `oldSelf` is `optional.none()`.
 */
export interface RuleProblem {
  path: string;
  message: string;
}

const REASON_PREFIX: Record<NonNullable<ValidationRule['reason']>, string> = {
  FieldValueInvalid: 'Invalid value: ',
  FieldValueForbidden: 'Forbidden: ',
  FieldValueRequired: 'Required value: ',
  FieldValueDuplicate: 'Duplicate value: ',
};

export function celRuleProblems(object: unknown, schema: OpenApiSchema, oldObject?: unknown): RuleProblem[] {
  const problems: RuleProblem[] = [];
  walkSchema(object, oldObject, schema, '', (value, nodeSchema, path, oldValue) => {
    const rules = nodeSchema['x-kubernetes-validations'];
    if (!rules?.length || !hasDeclaredType(value, nodeSchema)) return;
    let self: unknown;
    let oldSelf: unknown;
    for (const rule of rules) {
      const transition = isTransitionRule(rule.rule);
      if (transition && oldValue === undefined && !rule.optionalOldSelf) continue;
      // Converted lazily and once per node: most nodes carry one rule, spec carries dozens.
      self ??= toCelValue(value, nodeSchema);
      if (transition && oldValue !== undefined) oldSelf ??= toCelValue(oldValue, nodeSchema);
      const bindings = transition
        ? { self, oldSelf: rule.optionalOldSelf ? optionalOf(oldSelf) : oldSelf }
        : { self };
      const problem = checkRule(rule, bindings);
      if (problem) problems.push({ path: fieldPath(path, rule.fieldPath), message: problem });
    }
  });
  return problems;
}

/** The failure message of a rule, or undefined when it holds. */
function checkRule(rule: ValidationRule, bindings: { self: unknown; oldSelf?: unknown }): string | undefined {
  let result: unknown;
  try {
    result = evaluateCel(rule.rule, bindings, rule.optionalOldSelf === true);
  } catch (error) {
    return `failed to evaluate rule "${rule.rule}": ${firstLine(error)}`;
  }
  if (result === true) return undefined;
  if (typeof result !== 'boolean') return `rule "${rule.rule}" did not return a bool`;
  const prefix = rule.reason ? REASON_PREFIX[rule.reason] : '';
  return `${prefix}${ruleMessage(rule, bindings)}`;
}

function ruleMessage(rule: ValidationRule, bindings: { self: unknown; oldSelf?: unknown }): string {
  if (rule.messageExpression) {
    // As in Kubernetes: a messageExpression that fails or yields "" falls back to message.
    try {
      const message = evaluateCel(rule.messageExpression, bindings, rule.optionalOldSelf === true);
      if (typeof message === 'string' && message.trim() !== '') return message;
    } catch {
      // fall through
    }
  }
  return rule.message ?? `failed rule: ${rule.rule}`;
}

/** `fieldPath` is relative to the node, e.g. `.forProvider.engine` or `.tags['env']`. */
function fieldPath(base: string, relativePath: string | undefined): string {
  if (!relativePath) return base;
  const normalized = relativePath.replace(/\[['"]([^'"]*)['"]\]/g, '[$1]').replace(/^\./, '');
  return normalized.startsWith('[') ? `${base}${normalized}` : joinField(base, normalized);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/** Parses every rule (and messageExpression) below `schema`; returns how many rules it saw. */
export function compileCelRules(schema: OpenApiSchema): number {
  let count = 0;
  forEachSchemaNode(schema, (node) => {
    for (const rule of node['x-kubernetes-validations'] ?? []) {
      count++;
      celProgram(rule.rule, rule.optionalOldSelf === true);
      if (rule.messageExpression) celProgram(rule.messageExpression, rule.optionalOldSelf === true);
    }
  });
  return count;
}

const ruleCounts = new WeakMap<OpenApiSchema, number>();

/** Whether any node of `schema` carries CEL rules (cached: checked once per validated object). */
export function hasCelRules(schema: OpenApiSchema): boolean {
  let count = ruleCounts.get(schema);
  if (count === undefined) {
    let rules = 0;
    forEachSchemaNode(schema, (node) => {
      rules += node['x-kubernetes-validations']?.length ?? 0;
    });
    count = rules;
    ruleCounts.set(schema, count);
  }
  return count > 0;
}
