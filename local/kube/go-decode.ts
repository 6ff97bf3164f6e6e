import { isPlainObject } from '../../src/schema/openapi.js';
import { goStructName, goTypeName, type KindSchema } from './builtin-schema.js';
import { parseQuantity, QUANTITY_SYNTAX } from './quantity.js';

/**
 * What decoding a JSON body into a built-in kind's Go types does, which the apiserver reports
 * before any validation: a value of the wrong JSON type is a 400 in encoding/json's words (the
 * first one, as the decoder keeps the first error and goes on), unknown fields are collected
 * (warned about, or refused under fieldValidation=Strict), `null` leaves a field at its zero value,
 * `[]byte` fields must be base64 and quantities must parse. The result is the object as the Go
 * struct holds it, unknown fields and nulls gone.
 */

export interface Decoded {
  object: Record<string, unknown>;
  /** Paths of unknown fields in document order, e.g. `spec.replica`, `spec.ports[0].nodeport`. */
  unknownFields: string[];
  /** The first decoding error in Go's words, if any. */
  error?: string;
}

interface Walk {
  unknown: string[];
  error?: string;
}

export function decodeAsGo(object: Record<string, unknown>, schema: KindSchema): Decoded {
  const walk: Walk = { unknown: [] };
  const decoded = decodeStruct(object, schema, '', '', walk) as Record<string, unknown>;
  return { object: decoded, unknownFields: walk.unknown, ...(walk.error ? { error: walk.error } : {}) };
}

/** encoding/json's name for the JSON value that did not fit. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function typeError(walk: Walk, value: string, struct: string, field: string, type: string): void {
  walk.error ??=
    struct === ''
      ? `json: cannot unmarshal ${value} into Go value of type ${type}`
      : `json: cannot unmarshal ${value} into Go struct field ${struct}.${field} of type ${type}`;
}

const INT_RANGE: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/**
 * One value. `struct` is the Go struct holding the field and `field` the dotted JSON path from the
 * root without list indices, as encoding/json reports them; `path` is the path with indices.
 */
function decodeValue(
  value: unknown,
  schema: KindSchema | undefined,
  path: string,
  struct: string,
  field: string,
  walk: Walk,
): unknown {
  if (!schema || schema['x-kubernetes-preserve-unknown-fields']) return value;
  if (schema.quantity) {
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') {
      typeError(walk, jsonKind(value), struct, field, 'resource.Quantity');
      return value;
    }
    if (!parseQuantity(value)) walk.error ??= QUANTITY_SYNTAX;
    return value;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isInteger(value) && inRange(value, 'int32')) return value;
    // IntOrString decodes a non-string into an int32 with its own json.Unmarshal call.
    walk.error ??= `json: cannot unmarshal ${numberShown(value)} into Go value of type int32`;
    return value;
  }
  const type = goTypeName(schema);
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') {
        typeError(walk, jsonKind(value), struct, field, type);
        return value;
      }
      if (schema.format === 'byte') {
        const bad = base64Problem(value);
        if (bad !== undefined) walk.error ??= `illegal base64 data at input byte ${bad}`;
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') typeError(walk, jsonKind(value), struct, field, type);
      return value;
    case 'integer':
      if (typeof value !== 'number') typeError(walk, jsonKind(value), struct, field, type);
      else if (!Number.isInteger(value) || !inRange(value, type))
        typeError(walk, `number ${String(value)}`, struct, field, type);
      return value;
    case 'number':
      if (typeof value !== 'number') typeError(walk, jsonKind(value), struct, field, type);
      return value;
    case 'array': {
      if (!Array.isArray(value)) {
        typeError(walk, jsonKind(value), struct, field, type);
        return value;
      }
      return value.map((item, index) =>
        item === null ? item : decodeValue(item, schema.items, `${path}[${index}]`, struct, field, walk),
      );
    }
    default:
      if (schema.properties) {
        if (!isPlainObject(value)) {
          typeError(walk, jsonKind(value), struct, field, type);
          return value;
        }
        return decodeStruct(value, schema, path, field, walk);
      }
      if (typeof schema.additionalProperties === 'object') {
        if (!isPlainObject(value)) {
          typeError(walk, jsonKind(value), struct, field, type);
          return value;
        }
        const values = schema.additionalProperties;
        const result: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
          if (item === null || item === undefined) continue;
          result[key] = decodeValue(item, values, `${path}[${key}]`, struct, field, walk);
        }
        return result;
      }
      return value;
  }
}

function decodeStruct(
  value: Record<string, unknown>,
  schema: KindSchema,
  path: string,
  field: string,
  walk: Walk,
): unknown {
  const struct = goStructName(schema);
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const childSchema = schema.properties?.[key];
    if (!childSchema) {
      walk.unknown.push(childPath);
      continue;
    }
    // null leaves the Go field at its zero value; undefined is a field a writer just removed.
    if (child === null || child === undefined) continue;
    result[key] = decodeValue(
      child,
      childSchema,
      childPath,
      struct,
      field === '' ? key : `${field}.${key}`,
      walk,
    );
  }
  return result;
}

function inRange(value: number, type: string): boolean {
  const [min, max] = INT_RANGE[type] ?? INT_RANGE.int64 ?? [0, 0];
  return value >= min && value <= max;
}

function numberShown(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? `number ${value}` : `number ${value}`;
  return jsonKind(value);
}

const BASE64 = /^[A-Za-z0-9+/]$/;

/** encoding/base64 StdEncoding: the input byte Go names when a value does not decode, or undefined. */
export function base64Problem(text: string): number | undefined {
  const bytes = [...Buffer.from(text, 'latin1').toString('latin1')];
  let si = 0;
  const newline = (c: string | undefined) => c === '\n' || c === '\r';
  while (si < bytes.length) {
    // One quantum of up to four characters (decodeQuantum).
    for (let j = 0; j < 4; j++) {
      if (si === bytes.length) {
        if (j === 0) return undefined;
        return si - j;
      }
      const c = bytes[si++] as string;
      if (BASE64.test(c)) continue;
      if (newline(c)) {
        j--;
        continue;
      }
      if (c !== '=') return si - 1;
      if (j === 0 || j === 1) return si - 1;
      if (j === 2) {
        while (si < bytes.length && newline(bytes[si])) si++;
        if (si === bytes.length) return bytes.length;
        if (bytes[si] !== '=') return si - 1;
        si++;
      }
      while (si < bytes.length && newline(bytes[si])) si++;
      return si < bytes.length ? si : undefined;
    }
  }
  return undefined;
}
