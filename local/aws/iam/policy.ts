/**
 * A small, honest IAM identity-policy evaluator for the simulator's enforcement mode (ADR 0012):
 * Allow statements with Action and Resource (`*` and `?` wildcards) and `StringEquals`
 * conditions; everything not allowed is denied. What it does not model (Deny, NotAction,
 * NotResource, other operators, policy variables, resource policies, SCPs, sessions) is refused
 * when a policy uses it, never silently ignored.
 */
import { wildcardRegExp } from '../../../src/common/wildcard.js';

export class PolicyError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'PolicyError';
  }
}

export interface AllowStatement {
  actions: string[];
  resources: string[];
  /** `StringEquals`: every key must be present in the request with one of the values. */
  stringEquals: Record<string, string[]>;
}

export interface Policy {
  statements: AllowStatement[];
}

/** What one request asks for: the IAM action, every resource it touches, its condition keys. */
export interface RequestContext {
  action: string;
  resources: string[];
  conditions: Record<string, string>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const STATEMENT_FIELDS = new Set(['Sid', 'Effect', 'Action', 'Resource', 'Condition']);

function strings(value: unknown, field: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v): v is string => typeof v === 'string' && v !== '')) {
    throw new PolicyError(field, 'must be a non-empty string or a non-empty list of strings');
  }
  return list;
}

function parseStatement(value: unknown, field: string): AllowStatement {
  if (!isRecord(value)) throw new PolicyError(field, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!STATEMENT_FIELDS.has(key)) {
      throw new PolicyError(
        `${field}.${key}`,
        'not modelled by the simulator (only Sid, Effect, Action, Resource, Condition)',
      );
    }
  }
  if (value.Effect !== 'Allow') {
    throw new PolicyError(
      `${field}.Effect`,
      `must be "Allow" (Deny is not modelled), got ${JSON.stringify(value.Effect)}`,
    );
  }
  const actions = strings(value.Action, `${field}.Action`);
  for (const action of actions) {
    if (action !== '*' && !/^[a-z0-9-]+:[A-Za-z0-9*?]+$/.test(action)) {
      throw new PolicyError(`${field}.Action`, `"${action}" is not service:Action`);
    }
  }
  const resources = strings(value.Resource, `${field}.Resource`);
  for (const resource of resources) {
    if (resource !== '*' && !resource.startsWith('arn:')) {
      throw new PolicyError(`${field}.Resource`, `"${resource}" is neither * nor an ARN`);
    }
  }
  const stringEquals: Record<string, string[]> = {};
  if (value.Condition !== undefined) {
    if (!isRecord(value.Condition)) throw new PolicyError(`${field}.Condition`, 'must be an object');
    for (const [operator, block] of Object.entries(value.Condition)) {
      if (operator !== 'StringEquals') {
        throw new PolicyError(`${field}.Condition.${operator}`, 'only StringEquals is modelled');
      }
      if (!isRecord(block)) throw new PolicyError(`${field}.Condition.StringEquals`, 'must be an object');
      for (const [key, values] of Object.entries(block)) {
        stringEquals[key] = strings(values, `${field}.Condition.StringEquals.${key}`);
      }
    }
  }
  return { actions, resources, stringEquals };
}

/** Reads a policy document (as JSON text or parsed); the first problem is a PolicyError naming its field. */
export function parsePolicy(input: unknown): Policy {
  let document = input;
  if (typeof input === 'string') {
    try {
      document = JSON.parse(input);
    } catch (error) {
      throw new PolicyError(
        '(document)',
        `not JSON: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (!isRecord(document)) throw new PolicyError('(document)', 'must be a JSON object');
  if (document.Version !== '2012-10-17') {
    throw new PolicyError('Version', `must be "2012-10-17", got ${JSON.stringify(document.Version)}`);
  }
  const raw = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  if (document.Statement === undefined || raw.length === 0) {
    throw new PolicyError('Statement', 'must be a statement or a non-empty list of statements');
  }
  return { statements: raw.map((s, i) => parseStatement(s, `Statement[${i}]`)) };
}

// IAM wildcards (`*`, `?`); action names are case-insensitive in IAM, ARNs are matched as written.
const actionMatches = (pattern: string, action: string) => wildcardRegExp(pattern, 'i').test(action);
const resourceMatches = (pattern: string, resource: string) => wildcardRegExp(pattern).test(resource);

function allows(statement: AllowStatement, request: RequestContext, resource: string): boolean {
  return (
    statement.actions.some((a) => actionMatches(a, request.action)) &&
    statement.resources.some((r) => resourceMatches(r, resource)) &&
    Object.entries(statement.stringEquals).every(([key, values]) => {
      const actual = request.conditions[key];
      return actual !== undefined && values.includes(actual);
    })
  );
}

/** The first resource no statement allows the action on, or undefined when the request is allowed. */
export function deniedResource(policy: Policy, request: RequestContext): string | undefined {
  return request.resources.find((resource) => !policy.statements.some((s) => allows(s, request, resource)));
}
