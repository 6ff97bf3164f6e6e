import { afterAll, beforeAll } from 'vitest';

/**
 * Starts a component in beforeAll and stops it in afterAll, but does not let a startup failure
 * fail the hook: vitest would then report every test of the file as skipped, and the CI summary
 * line would read "0 failed". Instead the error is kept and thrown by the accessor, so each test
 * fails with the real reason (e.g. "run npm run real:setup first", or the server's log tail).
 */
export function startedForFile<T>(
  start: () => Promise<T>,
  stop: (started: T) => Promise<void>,
): {
  get(): T;
  /** The started value, or undefined before/after or on failure (for failure-log hooks). */
  peek(): T | undefined;
} {
  let started: T | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      started = await start();
    } catch (error) {
      failure = error;
    }
  });
  afterAll(async () => {
    if (started !== undefined) await stop(started);
  });
  return {
    get() {
      if (failure !== undefined) throw failure;
      if (started === undefined) throw new Error('component not started yet');
      return started;
    },
    peek: () => started,
  };
}

/** Stops components in the reverse of the order they were started in (each after what uses it). */
export async function stopAll(startOrder: readonly { stop(): Promise<void> }[]): Promise<void> {
  for (const component of [...startOrder].reverse()) await component.stop();
}
