/**
 * Durations as Argo CD reads them in `syncPolicy.retry.backoff` (types.go parseStringToDuration):
 * a bare integer is seconds, anything else Go's time.ParseDuration (`10s`, `1m30s`, `500ms`).
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const GO_DURATION = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g;

/** Milliseconds, or undefined when Argo CD could not parse the text either. */
export function parseGoDuration(text: string): number | undefined {
  if (/^[+-]?\d+$/.test(text)) return Number.parseInt(text, 10) * 1_000;
  if (text === '0') return 0;
  const match = GO_DURATION.exec(text);
  if (!match) return undefined;
  let total = 0;
  for (const [, amount = '0', unit = 's'] of text.matchAll(PART))
    total += Number(amount) * (UNIT_MS[unit] ?? 0);
  return match[1] === '-' ? -total : total;
}
