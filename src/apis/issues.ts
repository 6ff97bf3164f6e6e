/**
 * Turns zod issues into one-line, path-first messages in the style of the apiserver
 * (`spec.targetRegion: must be one of "us-east-1", "us-east-2"`), so a person reading
 * `switchyard validate` output or a controller event knows which field to fix.
 */
import type { z } from 'zod';

export interface FieldIssue {
  /** e.g. `spec.journal[2].state`; empty for the object itself. */
  path: string;
  message: string;
}

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

export function describeIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }));
    }
    return [{ path: formatPath(issue.path), message: describeIssue(issue) }];
  });
}

export function issueLines(issues: readonly FieldIssue[]): string[] {
  return issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'required'
        : `must be ${article(issue.expected)}, got ${kindOf(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return boundMessage('at least', issue.origin, issue.minimum, issue.inclusive ?? true);
    case 'too_big':
      return boundMessage('at most', issue.origin, issue.maximum, issue.inclusive ?? true);
    case 'invalid_format':
      // Our patterns carry a human message (`.regex(re, 'must be ...')`); zod's default starts "Invalid".
      if (issue.format === 'regex' && !issue.message.startsWith('Invalid')) return issue.message;
      if (issue.format === 'regex') return `must match ${issue.pattern ?? 'the pattern'}`;
      if (issue.format === 'datetime') return 'must be an RFC 3339 date-time such as 2026-01-02T15:04:05Z';
      return `must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

function boundMessage(
  direction: 'at least' | 'at most',
  origin: string,
  bound: number | bigint,
  inclusive: boolean,
) {
  if (origin === 'string') return `must be ${direction} ${bound} characters long`;
  if (origin === 'array' || origin === 'set') return `must have ${direction} ${bound} items`;
  if (!inclusive) return `must be ${direction === 'at least' ? 'greater' : 'less'} than ${bound}`;
  return `must be ${direction === 'at least' ? '>=' : '<='} ${bound}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
