/**
 * The seed design's failover schedule (issue 19: "detects a failure with a Lambda every 60 s plus
 * Route 53 checks every 30 s × 3 (≈ 4–6 min RTO, no fencing)"; ../shared/reference/
 * failover-anchors.md §5 "Seed" column and §6 "Seed design"), as pure logic: what one Lambda
 * invocation decides, and the bounds of the RTO the schedule allows. seed-actor.ts runs it on
 * the AWS simulator; the bench checks the measured RTO against these bounds.
 *
 * How the seed moves traffic without editing records (anchors §2.4: never call the Route 53 control
 * plane to fail over): failover records whose health checks ask each region's app whether its
 * database is writable. The standby answers 503 until its cluster is promoted, so Route 53 keeps
 * answering the primary (anchors §2.1: "secondary unhealthy ⇒ primary") until the promotion is
 * done and FailureThreshold checks have seen it; nothing fences the old primary.
 */

export interface SeedSchedule {
  /** The detector Lambda's schedule (EventBridge rate). */
  lambdaPeriodMs: number;
  /** Consecutive failed checks before the Lambda fails over. */
  failuresToAct: number;
  /** Route 53 RequestInterval and FailureThreshold of the records' checks. */
  checkIntervalMs: number;
  checkFailureThreshold: number;
}

/**
 * Every number as the seed describes it; one failed check acts, the most favourable reading for
 * the seed (anchors §5 row 5: "Lambda every 1 min"; §2.2 and §6: 30 s × 3).
 */
export const SEED_SCHEDULE: SeedSchedule = {
  lambdaPeriodMs: 60_000,
  failuresToAct: 1,
  checkIntervalMs: 30_000,
  checkFailureThreshold: 3,
};

export interface LambdaState {
  consecutiveFailures: number;
  /** The Lambda asked for the promotion already (its later runs only watch). */
  failoverRequested: boolean;
}

export const INITIAL_LAMBDA_STATE: LambdaState = { consecutiveFailures: 0, failoverRequested: false };

export type LambdaAction = 'none' | 'failover';

/** One invocation: the primary's check result in, the next state and what to do out. */
export function lambdaInvocation(
  state: LambdaState,
  primaryHealthy: boolean,
  schedule: Pick<SeedSchedule, 'failuresToAct'> = SEED_SCHEDULE,
): { state: LambdaState; action: LambdaAction } {
  if (state.failoverRequested) return { state, action: 'none' };
  const consecutiveFailures = primaryHealthy ? 0 : state.consecutiveFailures + 1;
  if (consecutiveFailures < schedule.failuresToAct) {
    return { state: { ...state, consecutiveFailures }, action: 'none' };
  }
  return { state: { consecutiveFailures, failoverRequested: true }, action: 'failover' };
}

export interface RtoBounds {
  /** Fault → Route 53 answers the standby: [earliest, latest] in ms. */
  dnsMs: [number, number];
  /** Plus the TTL a client may keep the old answer for: when every client resolves the standby. */
  clientMs: [number, number];
}

/**
 * What the schedule allows, in simulated ms, with the promotion taking `promotionMs` and answers
 * cached for `ttlMs`. The fault lands anywhere in a Lambda period, so the first failing check
 * comes within (0, period]; the promotion then takes its time; Route 53 probes at its own phase, so
 * the first check to see the promoted standby comes within (0, interval] and the standby turns
 * healthy FailureThreshold checks later.
 */
export function seedRtoBounds(schedule: SeedSchedule, promotionMs: number, ttlMs: number): RtoBounds {
  const detect: [number, number] = [
    (schedule.failuresToAct - 1) * schedule.lambdaPeriodMs,
    schedule.failuresToAct * schedule.lambdaPeriodMs,
  ];
  const healthy: [number, number] = [
    (schedule.checkFailureThreshold - 1) * schedule.checkIntervalMs,
    schedule.checkFailureThreshold * schedule.checkIntervalMs,
  ];
  const dnsMs: [number, number] = [
    detect[0] + promotionMs + healthy[0],
    detect[1] + promotionMs + healthy[1],
  ];
  return { dnsMs, clientMs: [dnsMs[0] + ttlMs, dnsMs[1] + ttlMs] };
}

/**
 * Where the fault lands in the Lambda's period decides the seed's detection: run `run` of `runs`
 * puts it (run + ½) / runs of a period before the next invocation, so the runs spread it evenly
 * instead of taking whatever phase the setup left.
 */
export function detectionDelayMs(run: number, runs: number, periodMs: number): number {
  return ((run + 0.5) / runs) * periodMs;
}
