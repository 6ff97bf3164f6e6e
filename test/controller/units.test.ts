/** The controller's pure parts: work queue semantics, conditions, the RPO/approval rule, step lists. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { approvalNeeded } from '../../controllers/failover/approval.js';
import type { Step } from '../../controllers/failover/model.js';
import { plannedSteps, unplannedSteps } from '../../controllers/failover/step-lists.js';
import { setCondition } from '../../controllers/kube/conditions.js';
import { WorkQueue } from '../../controllers/kube/work-queue.js';
import { parseControllerArgs } from '../../controllers/main.js';
import type { FailoverPlanSpec } from '../../src/apis/index.js';
import { FailoverPlanResource } from '../../src/apis/index.js';
import { waitFor } from '../support/wait.js';
import { examples } from './platform.js';

const plan: FailoverPlanSpec = FailoverPlanResource.parse(
  parse(readFileSync(join(examples, 'failover-plan.yaml'), 'utf8')),
).spec;

describe('the controller command line', () => {
  it('elects a leader unless --no-leader-election says otherwise, and refuses both switches at once', () => {
    expect(parseControllerArgs(['--region=us-east-2'])).toMatchObject({ args: { leaderElection: true } });
    expect(parseControllerArgs(['--region=us-east-2'])).not.toHaveProperty('args.leaderElectionNamespace');
    expect(parseControllerArgs(['--region=us-east-2', '--no-leader-election'])).toMatchObject({
      args: { leaderElection: false },
    });
    expect(
      parseControllerArgs(['--region=us-east-2', '--no-leader-election', '--leader-election-namespace=x']),
    ).toEqual({ error: '--no-leader-election and --leader-election-namespace contradict each other' });
  });
});

describe('WorkQueue', () => {
  it('hands a key to one worker at a time and re-queues a change that arrives meanwhile', async () => {
    const queue = new WorkQueue({ workers: 4, baseRetryDelayMs: 1, maxRetryDelayMs: 10 });
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    let release: () => void = () => undefined;
    const firstCallBlocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    queue.start(async () => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      if (calls === 1) await firstCallBlocked;
      running--;
      return undefined;
    });
    queue.add('a');
    await waitFor(() => calls === 1, 'first call');
    queue.add('a');
    queue.add('a');
    release();
    await waitFor(() => calls === 2 && running === 0, 'exactly one more call');
    expect(maxRunning).toBe(1);
    await queue.stop();
  });

  it('retries failures with growing backoff and honours requeueAfter', async () => {
    const queue = new WorkQueue({ workers: 1, baseRetryDelayMs: 5, maxRetryDelayMs: 40 });
    const times: number[] = [];
    queue.start(async () => {
      times.push(Date.now());
      if (times.length < 4) throw new Error('transient');
      return times.length < 5 ? { requeueAfterMs: 5 } : undefined;
    });
    queue.add('k');
    await waitFor(() => times.length === 5, 'five calls');
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
    expect(gaps[1] ?? 0).toBeGreaterThanOrEqual(9);
    expect(gaps[2] ?? 0).toBeGreaterThanOrEqual(19);
    await queue.stop();
  });
});

describe('conditions', () => {
  it('keep lastTransitionTime while the status does not change', () => {
    const t0 = new Date('2026-11-25T00:00:00Z');
    const t1 = new Date('2026-11-25T00:01:00Z');
    const first = setCondition(
      undefined,
      { type: 'Ready', status: 'False', reason: 'A', message: 'a' },
      1,
      t0,
    );
    const same = setCondition(first, { type: 'Ready', status: 'False', reason: 'B', message: 'b' }, 2, t1);
    expect(same[0]).toMatchObject({
      reason: 'B',
      lastTransitionTime: '2026-11-25T00:00:00Z',
      observedGeneration: 2,
    });
    const flipped = setCondition(same, { type: 'Ready', status: 'True', reason: 'C', message: 'c' }, 2, t1);
    expect(flipped[0]?.lastTransitionTime).toBe('2026-11-25T00:01:00Z');
  });
});

describe('approval rule', () => {
  const at = '2026-11-25T00:00:00Z';
  const lag = (ms: number) => ({ replicationLagMilliseconds: ms, observedAt: at });
  it('needs approval above the budget or when the lag is unknown, per the plan policy', () => {
    expect(approvalNeeded({ plan, observedLag: lag(4_000) })).toBeUndefined();
    expect(approvalNeeded({ plan, observedLag: lag(6_000) })).toBe(
      'replication lag 6.0 s exceeds the RPO budget 5.0 s',
    );
    expect(approvalNeeded({ plan, observedLag: undefined })).toMatch(/unknown/);
    const always = { ...plan, automatic: { ...plan.automatic, approval: 'Always' as const } };
    expect(approvalNeeded({ plan: always, observedLag: lag(0) })).toMatch(/every failover/);
    const never = { ...plan, automatic: { ...plan.automatic, approval: 'Never' as const } };
    expect(approvalNeeded({ plan: never, observedLag: lag(60_000) })).toBeUndefined();
  });
});

describe('step lists', () => {
  // The order, kind and region of the steps each list is known to hold; a step added to a list
  // (anywhere) changes none of these expectations.
  const namedInOrder = (steps: readonly Step[], names: readonly string[]) =>
    steps.map((s) => s.name).filter((name) => names.includes(name));
  const kindsAndRegions = (steps: readonly Step[]) =>
    Object.fromEntries(steps.map((s) => [s.name, [s.kind, s.region]]));

  it('unplanned calls only the target region, except best-effort calls into the old one', () => {
    const steps = unplannedSteps(plan, 'us-east-2');
    const known = {
      preflight: ['read', 'us-east-2'],
      approval: ['decision', undefined],
      fence: ['action', 'us-east-2'],
      'close-old': ['action', 'us-east-1'],
      'scale-down-old': ['action', 'us-east-1'],
      'scale-up': ['action', 'us-east-2'],
      fenced: ['wait', 'us-east-2'],
      promote: ['action', 'us-east-2'],
      'open-new': ['action', 'us-east-2'],
      'wait-writer': ['wait', 'us-east-2'],
      'unfence-new': ['action', 'us-east-1'],
      verify: ['wait', 'us-east-2'],
      'traffic-settled': ['wait', 'us-east-2'],
    };
    expect(steps[0]?.name).toBe('preflight');
    expect(namedInOrder(steps, Object.keys(known))).toEqual(Object.keys(known));
    expect(kindsAndRegions(steps)).toMatchObject(known);
    // Every call into the old primary's region is best effort: it never holds the run up.
    const intoOld = steps.filter((s) => s.region === 'us-east-1');
    expect(intoOld.every((s) => s.describe.startsWith('best effort'))).toBe(true);
  });

  it('planned switches over in the primary, then moves traffic', () => {
    const steps = plannedSteps(plan, 'us-east-1');
    const known = {
      preflight: 'us-east-2',
      'lag-gate': 'us-east-1',
      'scale-up': 'us-east-1',
      switchover: 'us-east-2',
      'wait-writer': 'us-east-1',
      verify: 'us-east-1',
      'close-old': 'us-east-2',
      'open-new': 'us-east-1',
      'unfence-new': 'us-east-2',
      'traffic-settled': 'us-east-1',
    };
    expect(steps[0]?.name).toBe('preflight');
    expect(namedInOrder(steps, Object.keys(known))).toEqual(Object.keys(known));
    expect(Object.fromEntries(steps.map((s) => [s.name, s.region]))).toMatchObject(known);
  });
});
