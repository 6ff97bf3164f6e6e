import { isPlainObject } from '../../src/schema/openapi.js';
import { sameValue } from './field-set.js';
import { badRequest, invalidWithoutDetails } from './status.js';

/**
 * RFC 7386 JSON merge patch and RFC 6902 JSON patch, the two non-apply patch types the apiserver
 * accepts for custom resources. Both return new values; inputs are not modified.
 */

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

interface Operation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parseOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) {
    const found = isPlainObject(patch) ? 'object' : typeof patch;
    throw badRequest(
      `error decoding patch: json: cannot unmarshal ${found} into Go value of type []handlers.jsonPatchOp`,
    );
  }
  return patch.map((operation) => {
    if (!isPlainObject(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
      throw badRequest('error decoding patch: invalid JSON patch operation');
    }
    return operation as unknown as Operation;
  });
}

/** The apiserver answers every failed operation (test, missing path) with this bare 422. */
const rejected = () =>
  invalidWithoutDetails('the server rejected our request due to an error in our request');

export function jsonPatch(target: unknown, patch: unknown): unknown {
  let document = structuredClone(target);
  for (const operation of parseOperations(patch)) document = applyOperation(document, operation);
  return document;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw rejected();
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(document: unknown, tokens: string[]): unknown {
  let node = document;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isPlainObject(node)) node = node[token];
    else return undefined;
  }
  return node;
}

function applyOperation(document: unknown, { op, path, from, value }: Operation): unknown {
  switch (op) {
    case 'add':
      return addAt(document, pointer(path), value);
    case 'remove':
      return removeAt(document, pointer(path));
    case 'replace':
      return addAt(removeAt(document, pointer(path)), pointer(path), value);
    case 'move': {
      if (from === undefined) throw rejected();
      const moved = getAt(document, pointer(from));
      if (moved === undefined) throw rejected();
      return addAt(removeAt(document, pointer(from)), pointer(path), moved);
    }
    case 'copy': {
      if (from === undefined) throw rejected();
      const copied = getAt(document, pointer(from));
      if (copied === undefined) throw rejected();
      return addAt(document, pointer(path), structuredClone(copied));
    }
    case 'test':
      // Key order does not matter for `test`.
      if (!sameValue(getAt(document, pointer(path)), value)) throw rejected();
      return document;
    default:
      throw badRequest(`error decoding patch: unexpected operation ${JSON.stringify(op)}`);
  }
}

function parentOf(document: unknown, tokens: string[]): { parent: unknown; last: string } {
  const last = tokens[tokens.length - 1];
  if (last === undefined) throw rejected();
  const parent = getAt(document, tokens.slice(0, -1));
  if (!Array.isArray(parent) && !isPlainObject(parent)) throw rejected();
  return { parent, last };
}

function addAt(document: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(document, tokens);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw rejected();
    parent.splice(index, 0, value);
  } else (parent as Record<string, unknown>)[last] = value;
  return document;
}

function removeAt(document: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) throw rejected();
  const { parent, last } = parentOf(document, tokens);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) throw rejected();
    parent.splice(index, 1);
  } else {
    const record = parent as Record<string, unknown>;
    if (!(last in record)) throw rejected();
    delete record[last];
  }
  return document;
}
