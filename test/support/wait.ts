/**
 * Waiting, for tests, benches and the real-platform support alike (so nothing here needs vitest).
 * In a vitest test whose wait is a set of assertions, `vi.waitFor` is the better tool: it retries
 * until the assertions pass, and a timeout fails with the last assertion's diff.
 */

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface WaitOptions {
  /** Default 3 s. */
  timeoutMs?: number;
  /** Pause between probes; default 5 ms, so a test moves on as soon as the state is there. */
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than undefined/false and returns that value. A probe
 * that throws is retried (the state it reads may not exist yet); the timeout error names `what`
 * (evaluated then, so it can describe the last state seen) and the last error. A number for
 * `options` is the timeout.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string | (() => string),
  options: number | WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 3_000, intervalMs = 5 } =
    typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const description = typeof what === 'string' ? what : what();
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${description}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}
