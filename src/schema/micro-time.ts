/**
 * metav1.MicroTime as the apiserver's decoder reads it: exactly six fractional digits
 * (`2006-01-02T15:04:05.000000Z07:00`). A JavaScript Date serializes with three, which the server
 * refuses; the validator (builtin-schemas.ts) and the emulator (local/kube/micro-time.ts) both say so.
 */
export const MICRO_TIME_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

/** Go's time.Parse with the MicroTime layout, element by element, as far as its error names them. */
const ELEMENTS: [layout: string, pattern: RegExp][] = [
  ['2006', /^\d{4}/],
  ['-', /^-/],
  ['01', /^\d{2}/],
  ['-', /^-/],
  ['02', /^\d{2}/],
  ['T', /^T/],
  ['15', /^\d{2}/],
  [':', /^:/],
  ['04', /^\d{2}/],
  [':', /^:/],
  ['05', /^\d{2}/],
  ['.000000', /^\.\d{6}/],
  ['Z07:00', /^(Z|[+-]\d{2}:\d{2})/],
];

/** Why `value` is not a MicroTime, in Go's words, or undefined when it is one. */
export function microTimeError(value: string): string | undefined {
  const prefix = `parsing time ${JSON.stringify(value)}`;
  let rest = value;
  for (const [layout, pattern] of ELEMENTS) {
    const match = pattern.exec(rest);
    if (!match)
      return `${prefix} as "${MICRO_TIME_LAYOUT}": cannot parse ${JSON.stringify(rest)} as "${layout}"`;
    rest = rest.slice(match[0].length);
  }
  return rest === '' ? undefined : `${prefix}: extra text: ${JSON.stringify(rest)}`;
}
