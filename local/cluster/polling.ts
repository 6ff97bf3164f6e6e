/**
 * A controller that looks at everything it cares about every `intervalMs` and fixes what is not
 * as it should be: the simplest shape of reconcile, for controllers whose objects are few (the
 * package manager, the XRD controller, the workload status stand-in). A failed pass is retried on
 * the next tick; only one that keeps failing is reported by `failure()`.
 */
import type { Logger } from 'pino';

export interface PollingController {
  /** The error of the last pass, if it failed (a test reports it rather than hanging on health). */
  failure(): unknown;
  /** Resolves once a whole pass has run after the call, that is: what existed then has been seen. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function startPollingController(options: {
  name: string;
  pass: () => Promise<void>;
  intervalMs: number;
  log: Logger;
}): PollingController {
  let running = true;
  let failure: unknown;
  let passes = 0;
  const waiters: { after: number; resolve: () => void }[] = [];
  const loop = (async () => {
    while (running) {
      const started = passes;
      const error = await options.pass().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      if (error && !failure) options.log.warn({ err: error, controller: options.name }, 'pass failed');
      failure = error;
      passes = started + 1;
      for (const waiter of waiters.filter((candidate) => candidate.after < passes)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (running) await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    }
  })();
  return {
    failure: () => failure,
    idle: () =>
      new Promise((resolve) => {
        // The pass under way may have missed what the caller just wrote: wait for the next one.
        waiters.push({ after: passes + 1, resolve });
      }),
    async stop() {
      running = false;
      await loop;
      for (const waiter of waiters.splice(0)) waiter.resolve();
    },
  };
}
