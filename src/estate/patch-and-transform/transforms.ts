/** Builders for the transforms the estate uses; each returns the exact P&T input shape. */
import type { ConvertTransform, MapTransform, MathTransform, StringTransform, Transform } from './types.js';

/** Looks the input up as a key; an unknown key is an error (P&T fails the whole render). */
export const mapValues = (map: Record<string, string>): MapTransform => ({ type: 'map', map });

/** Go fmt with one verb; use `%s` on strings only (numbers arrive as float64 in Go). */
export const format = (fmt: string): StringTransform => ({ type: 'string', string: { type: 'Format', fmt } });

export const toLower = (): StringTransform => ({
  type: 'string',
  string: { type: 'Convert', convert: 'ToLower' },
});
export const toUpper = (): StringTransform => ({
  type: 'string',
  string: { type: 'Convert', convert: 'ToUpper' },
});
/** Standard base64 with padding (Go's base64.StdEncoding), e.g. EC2 user data. */
export const toBase64 = (): StringTransform => ({
  type: 'string',
  string: { type: 'Convert', convert: 'ToBase64' },
});

/** Go RE2 regular expression; `group` picks a capture group (0 = whole match). */
export const regexp = (match: string, group?: number): StringTransform => ({
  type: 'string',
  string: { type: 'Regexp', regexp: group === undefined ? { match } : { match, group } },
});

export const multiply = (by: number): MathTransform => ({
  type: 'math',
  math: { type: 'Multiply', multiply: by },
});
export const clampMin = (min: number): MathTransform => ({
  type: 'math',
  math: { type: 'ClampMin', clampMin: min },
});
export const clampMax = (max: number): MathTransform => ({
  type: 'math',
  math: { type: 'ClampMax', clampMax: max },
});

export const convertTo = (toType: ConvertTransform['convert']['toType']): ConvertTransform => ({
  type: 'convert',
  convert: { toType },
});

export type { Transform };
