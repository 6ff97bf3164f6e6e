import { isPlainObject } from '../../src/schema/openapi.js';

/**
 * The JSONPath subset CRD printer columns use: `.a.b`, `.a[0]`, `.a[*].b` and filters such as
 * `.status.conditions[?(@.type=="Ready")].status`. Returns every match (a column shows the first).
 */
export function evaluateJsonPath(root: unknown, path: string): unknown[] {
  let nodes: unknown[] = [root];
  for (const step of steps(path)) nodes = nodes.flatMap((node) => applyStep(node, step));
  return nodes.filter((node) => node !== undefined);
}

type Step =
  | { field: string }
  | { index: number }
  | { all: true }
  | { filter: { field: string; value: string } };

function steps(path: string): Step[] {
  const result: Step[] = [];
  const pattern = /\.((?:\\.|[^.[\\])+)|\[\?\(@\.([\w.-]+)\s*==\s*["']([^"']*)["']\)\]|\[(\d+)\]|\[\*\]/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) result.push({ field: match[1].replace(/\\(.)/g, '$1') });
    else if (match[2] !== undefined) result.push({ filter: { field: match[2], value: match[3] ?? '' } });
    else if (match[4] !== undefined) result.push({ index: Number(match[4]) });
    else result.push({ all: true });
  }
  return result;
}

function applyStep(node: unknown, step: Step): unknown[] {
  if ('field' in step) return isPlainObject(node) ? [node[step.field]] : [];
  if (!Array.isArray(node)) return [];
  if ('index' in step) return [node[step.index]];
  if ('all' in step) return node;
  const { field, value } = step.filter;
  return node.filter((item) => isPlainObject(item) && String(item[field]) === value);
}
