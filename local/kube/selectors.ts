import { isPlainObject } from '../../src/schema/openapi.js';
import { type KubeObject, labelsOf, nameOf, namespaceOf } from './object-meta.js';
import { badRequest } from './status.js';

/**
 * labelSelector and fieldSelector query parameters (k8s.io/apimachinery labels and fields), with
 * the apiserver's error wording for the mistakes clients make.
 */

export type Selector = (object: KubeObject) => boolean;

type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] };

const MATCH_ALL: Selector = () => true;

export function parseLabelSelector(text: string | null): Selector {
  if (!text || text.trim() === '') return MATCH_ALL;
  const requirements = splitRequirements(text).map(parseLabelRequirement);
  return (object) => {
    const labels = labelsOf(object);
    return requirements.every((requirement) => {
      const value = labels[requirement.key];
      switch (requirement.op) {
        case 'exists':
          return value !== undefined;
        case 'notexists':
          return value === undefined;
        case 'in':
          return value !== undefined && requirement.values.includes(value);
        case 'notin':
          return value === undefined || !requirement.values.includes(value);
        default:
          return false;
      }
    });
  };
}

/** Splits on commas outside parentheses; an unclosed set is the apiserver's parse error. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth++;
    if (char === ')') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  if (depth > 0) throw badRequest(`unable to parse requirement: found '', expected: ',' or ')'`);
  parts.push(current);
  return parts.map((part) => part.trim());
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function parseLabelRequirement(text: string): LabelRequirement {
  const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(text);
  if (set) {
    const [, key = '', op, values = ''] = set;
    checkKey(key);
    return { key, op: op === 'in' ? 'in' : 'notin', values: values.split(',').map((value) => value.trim()) };
  }
  const equality = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(text);
  if (equality) {
    const [, key = '', op, value = ''] = equality;
    checkKey(key);
    return { key, op: op === '!=' ? 'notin' : 'in', values: [value] };
  }
  if (text.startsWith('!')) {
    const key = text.slice(1).trim();
    checkKey(key);
    return { key, op: 'notexists' };
  }
  checkKey(text);
  return { key: text, op: 'exists' };
}

function checkKey(key: string): void {
  if (!LABEL_KEY.test(key) || key.length > 316) {
    throw badRequest(`unable to parse requirement: invalid label key "${key}"`);
  }
}

/** Field selectors every resource supports; CRDs add their `selectableFields`. */
const BUILTIN_FIELDS: Record<string, (object: KubeObject) => string> = {
  'metadata.name': nameOf,
  'metadata.namespace': namespaceOf,
};

export function parseFieldSelector(text: string | null, selectableFields: readonly string[] = []): Selector {
  if (!text || text.trim() === '') return MATCH_ALL;
  const checks = text.split(',').map((term) => {
    const match = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field = '', op, value = ''] = match;
    const read = fieldReader(field, selectableFields);
    if (!read) throw badRequest(`field label not supported: ${field}`);
    return (object: KubeObject) => (read(object) === value) === (op !== '!=');
  });
  return (object) => checks.every((check) => check(object));
}

function fieldReader(
  field: string,
  selectableFields: readonly string[],
): ((object: KubeObject) => string) | undefined {
  const builtin = BUILTIN_FIELDS[field];
  if (builtin) return builtin;
  if (!selectableFields.includes(`.${field}`)) return undefined;
  const segments = field.split('.');
  return (object) => {
    let value: unknown = object;
    for (const segment of segments) value = isPlainObject(value) ? value[segment] : undefined;
    return value === undefined || value === null ? '' : String(value);
  };
}
