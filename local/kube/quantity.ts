import { QUANTITY_PATTERN } from '../../src/schema/ajv-validator.js';

/**
 * resource.Quantity as the apiserver stores it: parsed (apimachinery's ParseQuantity syntax) and
 * written back in canonical form (`1000m` → `1`, `0.5` → `500m`, `2048Ki` → `2Mi`), keeping the
 * given text where Go keeps it (a value already canonical). Values are exact: nano units in a BigInt.
 */

export const QUANTITY_SYNTAX =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

interface Parsed {
  negative: boolean;
  /** The value in nano units (10^-9), rounded up away from zero as Go does. */
  nanos: bigint;
  format: Format;
  /** Go reuses the input text as the canonical form. */
  keepText: boolean;
}

const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

export function parseQuantity(text: string): Parsed | undefined {
  if (text === '0') return { negative: false, nanos: 0n, format: 'DecimalSI', keepText: true };
  if (!QUANTITY_PATTERN.test(text)) return undefined;
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text);
  if (!match) return undefined;
  const [, sign = '', num = '', denom = '', suffix = ''] = match;
  const negative = sign === '-';
  const digits = BigInt(`${num}${denom}` || '0');
  let format: Format;
  let nanos: bigint;
  let keepText = false;
  if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    const exponent = BINARY_SUFFIXES[suffix] ?? 0;
    nanos = ceilDiv(digits * 2n ** BigInt(exponent) * 10n ** 9n, 10n ** BigInt(denom.length));
    keepText = denom === '' && exponent % 10 === 0 && Number(BigInt(num || '0') & 7n) !== 0;
  } else {
    const exponent = /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : (DECIMAL_SUFFIXES[suffix] ?? 0);
    format = /^[eE]/.test(suffix) ? 'DecimalExponent' : 'DecimalSI';
    const scale = exponent - denom.length;
    nanos = scale + 9 >= 0 ? digits * 10n ** BigInt(scale + 9) : ceilDiv(digits, 10n ** BigInt(-(scale + 9)));
    const shifted = `${num}${denom}`;
    keepText =
      num.length + denom.length <= 18 &&
      scale >= -9 &&
      ((scale % 3) + 3) % 3 === 0 &&
      !shifted.endsWith('000') &&
      shifted[0] !== '0';
  }
  if (format === 'BinarySI' && nanos > 0n && nanos < 10n ** 9n) format = 'DecimalSI';
  return { negative, nanos, format, keepText };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** The text the apiserver stores for a quantity, or undefined when it does not parse. */
export function canonicalQuantity(text: string): string | undefined {
  const parsed = parseQuantity(text);
  if (!parsed) return undefined;
  if (parsed.keepText) return text;
  const { negative, nanos } = parsed;
  if (nanos === 0n) return '0';
  const sign = negative ? '-' : '';
  let format = parsed.format;
  if (format === 'BinarySI') {
    const whole = nanos % 10n ** 9n === 0n;
    if (nanos < 1024n * 10n ** 9n || !whole) format = 'DecimalSI';
    else {
      let value = nanos / 10n ** 9n;
      let exponent = 0;
      while (value % 1024n === 0n && exponent < 60) {
        value /= 1024n;
        exponent += 10;
      }
      const suffix = Object.entries(BINARY_SUFFIXES).find(([, e]) => e === exponent)?.[0] ?? '';
      return `${sign}${value}${suffix}`;
    }
  }
  // The largest exponent (a multiple of 3) that leaves no fractional digits.
  let exponent = -9;
  let mantissa = nanos;
  while (mantissa % 1000n === 0n && exponent < 18) {
    mantissa /= 1000n;
    exponent += 3;
  }
  if (format === 'DecimalExponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  const suffix = Object.entries(DECIMAL_SUFFIXES).find(([, e]) => e === exponent)?.[0] ?? '';
  return `${sign}${mantissa}${suffix}`;
}

/** A quantity's value as a number of nano units, for comparisons (requests ≤ limits). */
export function quantityNanos(text: string): bigint | undefined {
  const parsed = parseQuantity(text);
  if (!parsed) return undefined;
  return parsed.negative ? -parsed.nanos : parsed.nanos;
}
