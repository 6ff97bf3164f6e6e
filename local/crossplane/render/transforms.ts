/**
 * function-patch-and-transform v0.10 transforms, for the subset the estate emits
 * (src/estate/patch-and-transform/types.ts). Errors carry P&T's wording where a test compares it.
 */
import type { Transform } from '../../../src/estate/patch-and-transform/types.js';

export class TransformError extends Error {
  override name = 'TransformError';
}

export function applyTransforms(transforms: readonly Transform[] | undefined, input: unknown): unknown {
  let value = input;
  (transforms ?? []).forEach((transform, index) => {
    try {
      value = applyTransform(transform, value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new TransformError(`transform at index ${index} returned error: ${message}`);
    }
  });
  return value;
}

function applyTransform(transform: Transform, input: unknown): unknown {
  switch (transform.type) {
    case 'map': {
      if (typeof input !== 'string')
        throw new Error(`input is required to be a string for map transform, got ${typeof input}`);
      if (!Object.hasOwn(transform.map, input)) throw new Error(`key ${input} is not found in map`);
      return transform.map[input];
    }
    case 'math': {
      if (typeof input !== 'number') throw new Error(`input is required to be a number for math transformer`);
      const math = transform.math;
      if (math.type === 'Multiply') return input * math.multiply;
      if (math.type === 'ClampMin') return Math.max(input, math.clampMin);
      return Math.min(input, math.clampMax);
    }
    case 'string':
      return applyString(transform.string, input);
    case 'convert':
      return convert(input, transform.convert.toType);
  }
}

function applyString(string: Extract<Transform, { type: 'string' }>['string'], input: unknown): unknown {
  switch (string.type) {
    case 'Format':
      return goSprintf(string.fmt, input);
    case 'Convert': {
      if (typeof input !== 'string') throw new Error('input is required to be a string for Convert');
      if (string.convert === 'ToBase64') return Buffer.from(input, 'utf8').toString('base64');
      return string.convert === 'ToUpper' ? input.toUpperCase() : input.toLowerCase();
    }
    case 'Regexp': {
      if (typeof input !== 'string') throw new Error('input is required to be a string for Regexp');
      const group = string.regexp.group ?? 0;
      const match = new RegExp(string.regexp.match).exec(input);
      if (!match || match[group] === undefined)
        throw new Error(`regexp ${JSON.stringify(string.regexp.match)} had no matches for group ${group}`);
      return match[group];
    }
  }
}

/** Go's fmt.Sprintf for one value and the verbs the estate uses (%s, %d, %v, %%). */
function goSprintf(fmt: string, value: unknown): string {
  return fmt.replace(/%[sdv%]/g, (verb) => {
    if (verb === '%%') return '%';
    if (verb === '%d' && typeof value === 'number') return String(Math.trunc(value));
    if (verb === '%d') return `%!d(${typeof value}=${String(value)})`;
    if (verb === '%s' && typeof value !== 'string') return `%!s(${typeof value}=${String(value)})`;
    return String(value);
  });
}

function convert(input: unknown, toType: string): unknown {
  switch (toType) {
    case 'string':
      return String(input);
    case 'int':
    case 'int64': {
      if (typeof input === 'number') return Math.trunc(input);
      if (typeof input === 'boolean') return input ? 1 : 0;
      if (typeof input === 'string' && /^-?[0-9]+$/.test(input)) return Number(input);
      throw new Error(`cannot convert ${JSON.stringify(input)} to ${toType}`);
    }
    case 'float64': {
      const number = Number(input);
      if (Number.isNaN(number)) throw new Error(`cannot convert ${JSON.stringify(input)} to float64`);
      return number;
    }
    case 'bool': {
      if (typeof input === 'boolean') return input;
      if (input === 'true' || input === '1') return true;
      if (input === 'false' || input === '0') return false;
      throw new Error(`cannot convert ${JSON.stringify(input)} to bool`);
    }
    default:
      throw new Error(`unsupported conversion to ${toType}`);
  }
}
