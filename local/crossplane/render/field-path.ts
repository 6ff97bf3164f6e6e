/**
 * Crossplane field paths (crossplane-runtime `fieldpath`): `spec.forProvider.cidrBlock`,
 * `metadata.labels[platform.switchyard.dev/zone]`, `status.subnetIds[0]`. A bracketed integer is an
 * array index; anything else in brackets is a field name, dots included.
 */

export type Segment = { field: string } | { index: number };

export function parseFieldPath(path: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  let current = '';
  const flush = () => {
    if (current !== '') segments.push({ field: current });
    current = '';
  };
  while (i < path.length) {
    const char = path[i];
    if (char === '.') {
      flush();
      i++;
    } else if (char === '[') {
      flush();
      const end = path.indexOf(']', i);
      if (end < 0) throw new Error(`field path ${path}: unterminated [`);
      const inside = path.slice(i + 1, end);
      segments.push(/^[0-9]+$/.test(inside) ? { index: Number(inside) } : { field: inside });
      i = end + 1;
    } else {
      current += char;
      i++;
    }
  }
  flush();
  if (segments.length === 0) throw new Error('empty field path');
  return segments;
}

/** Marks "the path does not exist", which P&T treats differently from other errors. */
export class FieldNotFoundError extends Error {
  constructor(path: string) {
    super(`${path}: no such field`);
    this.name = 'FieldNotFoundError';
  }
}

type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getValue(object: Json, path: string): Json {
  let current = object;
  for (const segment of parseFieldPath(path)) {
    if ('index' in segment) {
      if (!Array.isArray(current) || segment.index >= current.length) throw new FieldNotFoundError(path);
      current = current[segment.index];
    } else {
      if (!isObject(current) || !(segment.field in current)) throw new FieldNotFoundError(path);
      current = current[segment.field];
    }
  }
  // An explicit null is "not found" to crossplane-runtime too (unstructured drops nulls).
  if (current === null || current === undefined) throw new FieldNotFoundError(path);
  return current;
}

export function hasValue(object: Json, path: string): boolean {
  try {
    getValue(object, path);
    return true;
  } catch (error) {
    if (error instanceof FieldNotFoundError) return false;
    throw error;
  }
}

/** Sets the value, creating objects and growing arrays (with nulls) along the way. */
export function setValue(object: Record<string, Json>, path: string, value: Json): void {
  const segments = parseFieldPath(path);
  let current: Json = object;
  segments.forEach((segment, position) => {
    const last = position === segments.length - 1;
    const next = segments[position + 1];
    const container = () => (next && 'index' in next ? [] : {});
    if ('index' in segment) {
      if (!Array.isArray(current)) throw new Error(`${path}: expected an array before [${segment.index}]`);
      while (current.length <= segment.index) current.push(null);
      if (last) current[segment.index] = value;
      else {
        if (current[segment.index] === null || typeof current[segment.index] !== 'object')
          current[segment.index] = container();
        current = current[segment.index];
      }
    } else {
      if (!isObject(current)) throw new Error(`${path}: expected an object before ${segment.field}`);
      if (last) current[segment.field] = value;
      else {
        if (current[segment.field] === null || typeof current[segment.field] !== 'object')
          current[segment.field] = container();
        current = current[segment.field];
      }
    }
  });
}
