/** How the timeline writes spans of time, in the table and in the picture alike. */

/** A step's length: `21 ms`, `2.4 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(1)} s`;
  const seconds = Math.round(value / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/**
 * An instant relative to the execution's start: `+0.010 s`, `-31.200 s`. Milliseconds throughout so
 * that a column of them lines up and steps a few ms apart stay distinguishable.
 */
export function formatOffset(ms: number, minus = '-'): string {
  const sign = ms < 0 ? minus : '+';
  return `${sign}${(Math.abs(ms) / 1000).toFixed(3)} s`;
}

/** An axis label for a tick every `stepMs`: as many decimals as the step needs, no more. */
export function formatTick(ms: number, stepMs: number, minus = '-'): string {
  const decimals = Math.max(0, Math.ceil(-Math.log10(stepMs / 1000) - 1e-9));
  const magnitude = (Math.abs(ms) / 1000).toFixed(decimals);
  if (Number(magnitude) === 0) return '0 s';
  return `${ms < 0 ? minus : '+'}${magnitude} s`;
}
