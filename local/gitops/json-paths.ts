/**
 * Concrete paths into JSON values (`['spec', 'items', 2, 'name']`) and the two ways an
 * ignoreDifferences rule names them: RFC 6901 JSON pointers and a subset of jq path expressions.
 * Argo CD runs `del(<expression>)` with gojq; the stand-in implements the expressions this project
 * can use and refuses every other one, naming what it supports.
 */
import { isPlainObject } from '../../src/schema/openapi.js';
import { sameValue } from '../kube/field-set.js';

export type Segment = string | number;
export type JsonPath = readonly Segment[];

export function valueAtPath(value: unknown, path: JsonPath): unknown {
  let node = value;
  for (const segment of path) {
    if (typeof segment === 'number') node = Array.isArray(node) ? node[segment] : undefined;
    else node = isPlainObject(node) ? node[segment] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

const clone = <T>(value: T): T => structuredClone(value);

/** A copy of `root` with the value at `path` set (parents created as objects), or removed when `value` is undefined. */
export function withValueAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return clone(value);
  const copy = clone(root);
  let node: unknown = copy;
  for (const [index, segment] of path.slice(0, -1).entries()) {
    const next = typeof segment === 'number' ? (Array.isArray(node) ? node[segment] : undefined) : undefined;
    if (typeof segment === 'number') {
      if (next === undefined) return copy; // an array item that does not exist: nothing to set
      node = next;
      continue;
    }
    if (!isPlainObject(node)) return copy;
    if (!isPlainObject(node[segment]) && !Array.isArray(node[segment])) {
      if (value === undefined) return copy;
      node[segment] = typeof path[index + 1] === 'number' ? [] : {};
    }
    node = node[segment];
  }
  const last = path[path.length - 1] as Segment;
  if (typeof last === 'number') {
    if (!Array.isArray(node) || last >= node.length) return copy;
    if (value === undefined) node.splice(last, 1);
    else node[last] = clone(value);
  } else if (isPlainObject(node)) {
    if (value === undefined) delete node[last];
    else node[last] = clone(value);
  }
  return copy;
}

/** A copy without the values at `paths`; array items are removed from the highest index down. */
export function withoutPaths(root: unknown, paths: readonly JsonPath[]): unknown {
  const ordered = [...paths].sort((a, b) => compareForRemoval(a, b));
  return ordered.reduce<unknown>((value, path) => withValueAt(value, path, undefined), root);
}

/** Longer paths and higher indexes first, so removing one path never shifts another. */
function compareForRemoval(a: JsonPath, b: JsonPath): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return String(x).localeCompare(String(y));
  }
  return b.length - a.length;
}

export class PathSyntaxError extends Error {}

/** RFC 6901: `/spec/items/0/name`; `~1` is `/`, `~0` is `~`. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PathSyntaxError(`JSON pointer "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The concrete path a pointer names in `value`, or undefined when it names nothing there. */
export function resolveJsonPointer(value: unknown, tokens: readonly string[]): JsonPath | undefined {
  const path: Segment[] = [];
  let node = value;
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      const index = Number(token);
      path.push(index);
      node = node[index];
    } else if (isPlainObject(node)) {
      path.push(token);
      node = node[token];
    } else return undefined;
    if (node === undefined) return undefined;
  }
  return path;
}

/** One step of a supported jq path: a field, an index, every item, or a filter on the current value. */
type JqStep =
  | { field: string }
  | { index: number }
  | { each: true }
  | { select: { path: JqStep[]; equals: unknown } };

export const JQ_SUPPORTED =
  'paths of .field, ."field", .["field"], [n] and [], joined by |, and select(<path> == <JSON literal>)';

/** Parses the supported jq subset; anything else is a PathSyntaxError that says what is supported. */
export function parseJqPath(expression: string): JqStep[] {
  const refuse = (why: string): never => {
    throw new PathSyntaxError(`jq expression "${expression}": ${why}; the stand-in supports ${JQ_SUPPORTED}`);
  };
  const steps: JqStep[] = [];
  for (const [index, raw] of expression.split('|').entries()) {
    const part = raw.trim();
    const select = /^select\((.+)\)$/.exec(part);
    if (select) {
      if (index === 0) refuse('select(…) needs a path before it');
      const comparison = /^(.+?)\s*==\s*(.+)$/.exec((select[1] ?? '').trim());
      if (!comparison) refuse('select(…) must compare a path with == to a literal');
      let equals: unknown;
      try {
        equals = JSON.parse(comparison?.[2] ?? '');
      } catch {
        refuse(`"${comparison?.[2]}" is not a JSON literal`);
      }
      steps.push({ select: { path: parseSimplePath(comparison?.[1] ?? '', refuse), equals } });
    } else {
      steps.push(...parseSimplePath(part, refuse));
    }
  }
  if (steps.length === 0) refuse('empty expression');
  return steps;
}

const SIMPLE_STEP =
  /^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\."((?:[^"\\]|\\.)*)"|\.?\["((?:[^"\\]|\\.)*)"\]|\.?\[(\d+)\]|\.?\[\])/;

function parseSimplePath(text: string, refuse: (why: string) => never): JqStep[] {
  const steps: JqStep[] = [];
  let rest = text.trim();
  if (rest === '.') return steps;
  if (!rest.startsWith('.')) refuse(`"${text}" must start with "."`);
  while (rest !== '') {
    const match = SIMPLE_STEP.exec(rest);
    if (!match) refuse(`cannot read "${rest}"`);
    const [whole = '', plain, dotted, bracketed, index] = match ?? [];
    if (plain !== undefined) steps.push({ field: plain });
    else if (dotted !== undefined) steps.push({ field: JSON.parse(`"${dotted}"`) as string });
    else if (bracketed !== undefined) steps.push({ field: JSON.parse(`"${bracketed}"`) as string });
    else if (index !== undefined) steps.push({ index: Number(index) });
    else steps.push({ each: true });
    rest = rest.slice(whole.length);
  }
  return steps;
}

/** Every concrete path the expression reaches in `value` (what `del(expression)` would delete). */
export function resolveJqPath(value: unknown, steps: readonly JqStep[]): JsonPath[] {
  let current: { path: Segment[]; node: unknown }[] = [{ path: [], node: value }];
  for (const step of steps) {
    const next: { path: Segment[]; node: unknown }[] = [];
    for (const { path, node } of current) {
      if ('field' in step) {
        if (isPlainObject(node) && node[step.field] !== undefined)
          next.push({ path: [...path, step.field], node: node[step.field] });
      } else if ('index' in step) {
        if (Array.isArray(node) && step.index < node.length)
          next.push({ path: [...path, step.index], node: node[step.index] });
      } else if ('each' in step) {
        if (Array.isArray(node))
          for (const [i, item] of node.entries()) next.push({ path: [...path, i], node: item });
        else if (isPlainObject(node))
          for (const [key, item] of Object.entries(node)) next.push({ path: [...path, key], node: item });
      } else {
        const selected = resolveJqPath(node, step.select.path);
        const matches = selected.some((inner) => sameValue(valueAtPath(node, inner), step.select.equals));
        if (matches) next.push({ path, node });
      }
    }
    current = next;
  }
  return current.map(({ path }) => path);
}
