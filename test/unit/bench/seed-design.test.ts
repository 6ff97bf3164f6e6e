/**
 * The seed design's schedule (test/bench/seed-design.ts), the pure part of the modelled-RTO bench:
 * what one Lambda run decides, the RTO bounds the schedule allows, and how runs spread the fault
 * over the Lambda's period.
 */
import { describe, expect, it } from 'vitest';
import {
  detectionDelayMs,
  INITIAL_LAMBDA_STATE,
  type LambdaState,
  lambdaInvocation,
  SEED_SCHEDULE,
  seedRtoBounds,
} from '../../../test/bench/seed-design.js';

/** Feeds check results through successive invocations; returns each invocation's action. */
function play(results: boolean[], failuresToAct: number): string[] {
  let state: LambdaState = INITIAL_LAMBDA_STATE;
  return results.map((healthy) => {
    const next = lambdaInvocation(state, healthy, { failuresToAct });
    state = next.state;
    return next.action;
  });
}

describe('the seed Lambda', () => {
  it('fails over on the first failed check with the seed schedule, once', () => {
    expect(SEED_SCHEDULE.failuresToAct).toBe(1);
    expect(play([true, true, false, false, false], 1)).toEqual(['none', 'none', 'failover', 'none', 'none']);
  });

  it('needs consecutive failures when asked for more than one; a healthy check starts again', () => {
    expect(play([false, true, false, false, true, false], 2)).toEqual([
      'none',
      'none',
      'none',
      'failover',
      'none',
      'none',
    ]);
  });

  it('a healthy primary after the request changes nothing: no automatic failback', () => {
    expect(play([false, true, true], 1)).toEqual(['failover', 'none', 'none']);
  });
});

describe('the seed schedule in time', () => {
  it('bounds: detection within a period, the promotion, then FailureThreshold checks, then the TTL', () => {
    expect(seedRtoBounds(SEED_SCHEDULE, 65_000, 60_000)).toEqual({
      // (0, 60] + 65 + (60, 90]
      dnsMs: [125_000, 215_000],
      clientMs: [185_000, 275_000],
    });
  });

  it('each further failure the Lambda waits for costs a whole period', () => {
    const bounds = seedRtoBounds({ ...SEED_SCHEDULE, failuresToAct: 3 }, 65_000, 0);
    expect(bounds.dnsMs).toEqual([245_000, 335_000]);
  });

  it('runs spread the fault evenly over the period', () => {
    expect([0, 1, 2].map((run) => detectionDelayMs(run, 3, 60_000))).toEqual([10_000, 30_000, 50_000]);
  });
});
