/**
 * Per-call deadlines for AWS requests. A blackholed region holds the connection open and the SDK's
 * own requestTimeout did not end such a request (docs/adr/0004), so every call on the failover path
 * carries an AbortSignal that fires after a short deadline.
 */
export interface CallPolicy {
  /** Deadline of one attempt of one call, in ms. */
  timeoutMs: number;
  /** SDK attempts per call (1 = no SDK retry); the engine retries whole steps on top of this. */
  maxAttempts: number;
}

export const FAILOVER_PATH_POLICY: CallPolicy = { timeoutMs: 5_000, maxAttempts: 2 };

/** Best-effort calls into a region that may be gone: one short attempt, never blocking the run. */
export const BEST_EFFORT_POLICY: CallPolicy = { timeoutMs: 2_000, maxAttempts: 1 };

/** The whole call (all SDK attempts) must end within this many ms. */
export function callDeadline(policy: CallPolicy): AbortSignal {
  return AbortSignal.timeout(policy.timeoutMs * policy.maxAttempts);
}
