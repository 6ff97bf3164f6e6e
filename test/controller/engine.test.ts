/**
 * The failover engine, table-driven, over in-memory AWS ports (test/support/fake-aws.ts): each case
 * sets AWS up, drives one Failover the way the reconciler does (test/support/engine-run.ts), and
 * checks what reached AWS, the journal and the phase. Expected step lists come from step-lists.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FailoverPlanResource, type FailoverPlanSpec, type FailoverSpec } from '../../src/apis/index.js';
import { EngineRun, PLANNED_SPEC, UNPLANNED_SPEC } from '../support/engine-run.js';
import { FakeAws, type FakeAwsOptions } from '../support/fake-aws.js';

const plan: FailoverPlanSpec = FailoverPlanResource.parse(
  parse(readFileSync(join(import.meta.dirname, '../../examples/failover/failover-plan.yaml'), 'utf8')),
).spec;

const UNPLANNED = UNPLANNED_SPEC;
const PLANNED = PLANNED_SPEC;
const BUDGET_MS = plan.automatic.rpoBudgetSeconds * 1000;

function start(
  spec: FailoverSpec,
  aws: FakeAwsOptions = {},
  options: ConstructorParameters<typeof EngineRun>[3] = {},
) {
  const fake = new FakeAws(plan, aws);
  return { aws: fake, run: new EngineRun(plan, fake, spec, options) };
}

const promotions = (aws: FakeAws) =>
  aws.count('FailoverGlobalCluster') + aws.count('SwitchoverGlobalCluster');
const target = (aws: FakeAws) => aws.memberArn('us-east-2');

/** Reconciles until the named step is the current one and waiting (or the run stops). */
async function runUntil(run: EngineRun, step: string, rounds = 50) {
  for (let i = 0; i < rounds; i++) {
    if (run.status.currentStep === step && run.entry(step)?.state === 'Running') return;
    try {
      const result = await run.reconcile();
      if (result.requeueAfterMs === undefined && run.status.currentStep !== step) return;
      run.tick(result.requeueAfterMs ?? 0);
    } catch {
      run.tick(1_000);
    }
  }
}

/**
 * An unplanned run held where the old primary's fence settles: fence, close-old and the scaling
 * done, the promotion not yet (the published fence waits for CloudWatch until `releaseAlarms`).
 */
async function heldAtFence(aws: FakeAwsOptions = {}) {
  const started = start(UNPLANNED, { ...aws, holdAlarms: true });
  await runUntil(started.run, 'fenced');
  return started;
}

interface Case {
  name: string;
  /** What it proves. */
  proves: string;
  act(): Promise<{ run: EngineRun; aws: FakeAws }>;
  expect(run: EngineRun, aws: FakeAws): void;
}

const cases: Case[] = [
  {
    name: 'promotion already under way',
    proves:
      'a FailoverState towards the target (a call sent before a crash) is taken as accepted: no second call',
    async act() {
      const { aws, run } = start(UNPLANNED, { pendingPromotions: true });
      aws.failoverState = { status: 'failing-over', toClusterArn: target(aws), fromClusterArn: aws.writer };
      await runUntil(run, 'wait-writer');
      aws.completePromotion();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(aws.count('FailoverGlobalCluster')).toBe(0);
      expect(run.entry('promote')?.message).toMatch(
        /already accepted \(FailoverState failing-over\); not sent again/,
      );
    },
  },
  {
    name: 'answer lost after the call took effect',
    proves: 'a promotion whose answer was lost is retried by observing first: Aurora got it once',
    async act() {
      const { aws, run } = start(UNPLANNED, { pendingPromotions: true });
      aws.failNext('FailoverGlobalCluster', 'after');
      await runUntil(run, 'wait-writer');
      aws.completePromotion();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(aws.count('FailoverGlobalCluster')).toBe(1);
      expect(run.entry('promote')).toMatchObject({ state: 'Succeeded', attempts: 2 });
      expect(run.events.some((e) => e.reason === 'StepRetrying' && /connection reset/.test(e.message))).toBe(
        true,
      );
    },
  },
  {
    name: 'call refused before any effect',
    proves: 'a promotion that failed before reaching Aurora is sent again on retry, once more only',
    async act() {
      const { aws, run } = start(UNPLANNED);
      aws.failNext('FailoverGlobalCluster', 'before');
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(aws.count('FailoverGlobalCluster')).toBe(2);
      expect(aws.writer).toBe(target(aws));
    },
  },
  {
    name: 'cancel before the one-way step',
    proves: 'a cancel while the fence settles undoes what was done, newest first, and never promotes',
    async act() {
      const { aws, run } = await heldAtFence();
      run.patchSpec({ cancel: true });
      aws.releaseAlarms();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Cancelled');
      expect(promotions(aws)).toBe(0);
      expect(run.status.journal?.map((e) => e.name)).toEqual([
        ...run.expectedSteps(),
        'undo-scale-down-old',
        'undo-close-old',
        'undo-fence',
        'undo-fence-settled',
      ]);
      expect(run.entry('promote')).toMatchObject({ state: 'Skipped', message: 'cancelled' });
      expect(aws.alarms.get(plan.traffic.gates[0]?.fenceAlarmName ?? '')).toBe('OK');
      expect(aws.writer).toBe(aws.memberArn('us-east-1'));
    },
  },
  {
    name: 'cancel after the one-way step',
    proves: 'past the promotion a cancel is refused with a reason and the execution runs to the end',
    async act() {
      const { aws, run } = start(UNPLANNED, { pendingPromotions: true });
      await runUntil(run, 'wait-writer');
      run.patchSpec({ cancel: true });
      await run.reconcile();
      aws.completePromotion();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(run.condition('Cancelled')).toMatchObject({ status: 'False', reason: 'PastOneWayStep' });
      expect(run.status.journal?.map((e) => e.name)).toEqual(run.expectedSteps());
      expect(aws.count('FailoverGlobalCluster')).toBe(1);
    },
  },
  {
    name: 'deletion before the one-way step',
    proves: 'a deletion is a cancel: recorded in deletedDuringStep, undone, no promotion',
    async act() {
      const { aws, run } = await heldAtFence();
      run.delete();
      aws.releaseAlarms();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Cancelled');
      expect(run.status.deletedDuringStep).toBe('fenced');
      expect(promotions(aws)).toBe(0);
    },
  },
  {
    name: 'wait timeout',
    proves:
      'a promotion Aurora never finishes fails the execution at wait-writer after waitTimeoutMs, not before',
    async act() {
      const { aws, run } = start(UNPLANNED, { pendingPromotions: true });
      await runUntil(run, 'wait-writer');
      run.tick(run.options.waitTimeoutMs / 2);
      await run.reconcile();
      expect(run.phase).toBe('Running');
      await run.settle();
      return { run, aws };
    },
    expect(run) {
      expect(run.phase).toBe('Failed');
      expect(run.condition('Failed')?.reason).toBe('Timeout');
      expect(run.entry('wait-writer')).toMatchObject({ state: 'Failed' });
      expect(run.entry('wait-writer')?.message).toMatch(
        /did not finish within 60000 ms \(FailoverState failing-over\)/,
      );
    },
  },
  {
    name: 'promotion abandoned by Aurora',
    proves: 'no operation in progress and no new writer after the call fails the run with what Aurora did',
    async act() {
      const { aws, run } = start(UNPLANNED, { pendingPromotions: true });
      await runUntil(run, 'wait-writer');
      aws.abandonPromotion();
      await run.settle();
      return { run, aws };
    },
    expect(run) {
      expect(run.phase).toBe('Failed');
      expect(run.condition('Failed')?.reason).toBe('PromotionDidNotHappen');
    },
  },
  {
    name: 'retries exhausted',
    proves: 'a read that keeps failing fails the step after maxStepAttempts, each attempt journaled',
    async act() {
      const { aws, run } = start(UNPLANNED);
      aws.failAlways('DescribeGlobalClusters');
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Failed');
      expect(run.condition('Failed')?.reason).toBe('RetriesExhausted');
      expect(run.entry('preflight')).toMatchObject({ state: 'Failed', attempts: 3 });
      expect(aws.mutatingCalls()).toEqual([]);
    },
  },
  {
    name: 'lag above budget, approval arriving while waiting',
    proves:
      'an unplanned failover above the RPO budget waits with 0 calls, and goes on once a valid approval covers the lag',
    async act() {
      const { aws, run } = start(UNPLANNED, { lagMs: BUDGET_MS * 4 });
      await run.settle();
      expect(run.phase).toBe('AwaitingApproval');
      expect(run.status.currentStep).toBe('approval');
      expect(aws.mutatingCalls()).toEqual([]);
      const writes = run.statusWrites.length;
      run.tick(5_000);
      await run.reconcile();
      expect(run.statusWrites.length).toBe(writes);
      run.patchSpec({
        approval: {
          approvedBy: 'oncall',
          approvedAt: new Date(run.clock).toISOString(),
          maxDataLossSeconds: plan.automatic.rpoBudgetSeconds * 5,
        },
      });
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(run.condition('ApprovalValid')).toMatchObject({ status: 'True', reason: 'Approved' });
      expect(aws.count('FailoverGlobalCluster')).toBe(1);
      expect(run.entry('approval')?.message).toMatch(/approval by oncall/);
    },
  },
  {
    name: 'lag grows above the approval before the promotion',
    proves: 'the promotion judges the approval again at the lag it reads: above it, it waits for a new one',
    async act() {
      const { aws, run } = start(UNPLANNED, { lagMs: BUDGET_MS * 2, holdAlarms: true });
      await run.settle();
      run.patchSpec({
        approval: {
          approvedBy: 'oncall',
          approvedAt: new Date(run.clock).toISOString(),
          maxDataLossSeconds: plan.automatic.rpoBudgetSeconds * 3,
        },
      });
      await runUntil(run, 'fenced');
      aws.lagMs = BUDGET_MS * 10;
      aws.releaseAlarms();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('AwaitingApproval');
      expect(run.status.currentStep).toBe('promote');
      expect(run.condition('ApprovalValid')).toMatchObject({ status: 'False', reason: 'LagAboveApproval' });
      expect(aws.count('FailoverGlobalCluster')).toBe(0);
    },
  },
  {
    name: 'planned lag gate',
    proves:
      'a switchover waits while the lag is above the budget and calls SwitchoverGlobalCluster once it is within',
    async act() {
      const { aws, run } = start(PLANNED, { lagMs: BUDGET_MS * 3 });
      await runUntil(run, 'lag-gate');
      run.tick(5_000);
      await run.reconcile();
      expect(run.entry('lag-gate')?.message).toMatch(/exceeds the budget/);
      expect(aws.count('SwitchoverGlobalCluster')).toBe(0);
      aws.lagMs = 100;
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(aws.count('SwitchoverGlobalCluster', 'us-east-1')).toBe(1);
      expect(run.status.observedLag?.replicationLagMilliseconds).toBe(100);
    },
  },
  {
    name: 'dry run',
    proves:
      'every decision is journaled (the call it would make, or why none), reads happen, nothing is called',
    async act() {
      const { aws, run } = start({ ...UNPLANNED, dryRun: true });
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(run.condition('Succeeded')?.reason).toBe('DryRunCompleted');
      expect(aws.mutatingCalls()).toEqual([]);
      expect(aws.count('DescribeGlobalClusters')).toBeGreaterThan(0);
      expect(run.entry('promote')?.message).toBe(
        'dry run: would FailoverGlobalCluster(AllowDataLoss=true) to trading-global-us-east-2 on the us-east-2 endpoint',
      );
      expect(run.entry('fence')?.message).toMatch(/^dry run: would PutMetricData .*=1 in us-east-2$/);
      expect(run.entry('unfence-new')?.message).toMatch(
        /^dry run: nothing to call: fence alarm .* already INSUFFICIENT_DATA/,
      );
      expect(run.entry('wait-writer')?.message).toMatch(/^dry run: would wait until/);
      expect(run.status.journal?.every((e) => e.state === 'Succeeded' || e.state === 'Skipped')).toBe(true);
    },
  },
  {
    name: 'best effort into a region reported down',
    proves: 'an unplanned failover makes no call into the old primary once a vantage reports it down',
    async act() {
      const { aws, run } = start(UNPLANNED);
      run.reportedDown.add('us-east-1');
      aws.down.add('us-east-1');
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(aws.calls.filter((c) => c.region === 'us-east-1')).toEqual([]);
      expect(run.entry('scale-down-old')?.message).toMatch(/^not called: us-east-1 is reported unhealthy/);
      expect(run.entry('traffic-settled')?.message).toMatch(/us-east-1 not read/);
    },
  },
  {
    name: 'best effort into a region that stops answering',
    proves: 'a best-effort call that gets no answer skips its step with the error; the run goes on',
    async act() {
      const { aws, run } = start(UNPLANNED);
      aws.down.add('us-east-1');
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(run.entry('close-old')).toMatchObject({ state: 'Skipped', attempts: 1 });
      expect(run.entry('close-old')?.message).toMatch(
        /best effort, not blocking: us-east-1 did not answer \(connect ETIMEDOUT/,
      );
      expect(aws.writer).toBe(target(aws));
    },
  },
  {
    name: 'one call per group, capped by MaxSize',
    proves: 'scale-up makes one SetDesiredCapacity per group below the plan capacity, never above MaxSize',
    async act() {
      const { aws, run } = start(PLANNED, { group: { desiredCapacity: 0, maxSize: 4 } });
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(aws.mutatingCalls().filter((c) => c.operation === 'SetDesiredCapacity')).toEqual([
        { region: 'us-east-2', operation: 'SetDesiredCapacity', detail: 'trading-app-us-east-2=4' },
      ]);
      expect(run.entry('scale-up')?.message).toMatch(/0 → 4 \(capped by MaxSize 4\)/);
    },
  },
  {
    name: 'status written by someone else',
    proves:
      'a 409 on a status write stops the pass before any further call; the next pass decides from what is stored',
    async act() {
      const { aws, run } = await heldAtFence();
      aws.releaseAlarms();
      run.beforeNextWrite(() => run.writeStatusAsSomeoneElse({ ...run.status }));
      await expect(run.reconcile()).rejects.toThrow(/status changed since it was read/);
      expect(run.entry('fenced')?.state).toBe('Running');
      expect(aws.count('FailoverGlobalCluster')).toBe(0);
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(aws.count('FailoverGlobalCluster')).toBe(1);
    },
  },
  {
    name: 'crash after the Running write, before the call',
    proves:
      'a controller killed between journaling the promotion and calling resumes it as a new attempt, calling once',
    async act() {
      const { aws, run } = await heldAtFence();
      aws.releaseAlarms();
      // Writes: fenced Succeeded, then promote Running — the controller dies as that one lands.
      run.crashAtWrite(2, 'after');
      await expect(run.reconcile()).rejects.toThrow(/killed after/);
      expect(run.entry('promote')).toMatchObject({ state: 'Running', attempts: 1 });
      expect(aws.count('FailoverGlobalCluster')).toBe(0);
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(aws.count('FailoverGlobalCluster')).toBe(1);
      expect(run.entry('promote')).toMatchObject({ state: 'Succeeded', attempts: 2 });
    },
  },
  {
    name: 'crash after the call, before its result is written',
    proves:
      'a controller killed after FailoverGlobalCluster returned, before journaling it, does not send it again',
    async act() {
      const { aws, run } = await heldAtFence({ pendingPromotions: true });
      aws.releaseAlarms();
      // Writes: fenced Succeeded, promote Running, promote Succeeded — the last one never lands.
      run.crashAtWrite(3, 'before');
      await expect(run.reconcile()).rejects.toThrow(/killed before/);
      expect(aws.count('FailoverGlobalCluster')).toBe(1);
      expect(run.entry('promote')?.state).toBe('Running');
      await runUntil(run, 'wait-writer');
      aws.completePromotion();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(aws.count('FailoverGlobalCluster')).toBe(1);
      expect(run.entry('promote')?.message).toMatch(/not sent again/);
    },
  },
  {
    name: 'plan lock held by another execution',
    proves: 'a second execution of the plan waits Pending before its first action, with 0 calls',
    async act() {
      const { aws, run } = start(UNPLANNED);
      run.lockHeldBy = 'first';
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Pending');
      expect(run.condition('Progressing')?.reason).toBe('WaitingForActiveExecution');
      expect(run.status.currentStep).toBe('fence');
      expect(aws.mutatingCalls()).toEqual([]);
    },
  },
  {
    name: 'pause before the one-way step, then resume',
    proves: 'a pause holds before the next action with 0 further calls; resuming continues from the journal',
    async act() {
      const { aws, run } = await heldAtFence();
      run.patchSpec({ paused: true });
      aws.releaseAlarms();
      await run.settle();
      expect(run.phase).toBe('Paused');
      expect(run.status.currentStep).toBe('promote');
      expect(aws.count('FailoverGlobalCluster')).toBe(0);
      expect(run.condition('Paused')).toMatchObject({ status: 'True', reason: 'Paused' });
      const held = aws.mutatingCalls().length;
      const step = run.status.currentStep;
      run.tick(60_000);
      await run.reconcile();
      expect(aws.mutatingCalls().length).toBe(held);
      expect(run.status.currentStep).toBe(step);
      run.patchSpec({ paused: false });
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(run.condition('Paused')).toMatchObject({ status: 'False' });
      expect(run.events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Paused', 'Resumed']));
      expect(aws.count('FailoverGlobalCluster')).toBe(1);
      expect(run.status.journal?.every((e) => e.attempts <= 2)).toBe(true);
    },
  },
  {
    name: 'pause after the one-way step',
    proves:
      'after the promotion and the new gate the waits go on (the writer is seen) and the run holds before lifting the fence on the target',
    async act() {
      const { aws, run } = start(UNPLANNED, { pendingPromotions: true });
      await runUntil(run, 'wait-writer');
      run.patchSpec({ paused: true });
      await run.reconcile();
      expect(run.condition('Paused')).toMatchObject({ status: 'True', reason: 'PauseRequested' });
      aws.completePromotion();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Paused');
      expect(run.entry('wait-writer')?.state).toBe('Succeeded');
      expect(run.status.currentStep).toBe('unfence-new');
      expect(aws.writer).toBe(target(aws));
      const fenceOnTarget = plan.traffic.gates[1]?.fenceAlarmName ?? '-';
      expect(aws.mutatingCalls().some((c) => c.detail?.startsWith(fenceOnTarget))).toBe(false);
    },
  },
  {
    name: 'deletion overrides a pause',
    proves: 'a paused Failover being deleted runs its cancel instead of holding its finalizer forever',
    async act() {
      const { aws, run } = await heldAtFence();
      run.patchSpec({ paused: true });
      aws.releaseAlarms();
      await run.settle();
      expect(run.phase).toBe('Paused');
      run.delete();
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Cancelled');
      expect(promotions(aws)).toBe(0);
    },
  },
  {
    name: 'DNS in the timeline',
    proves: 'verify-dns, last, records that Route 53 answers the new primary',
    async act() {
      const { aws, run } = start(UNPLANNED);
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Succeeded');
      expect(run.status.journal?.at(-1)).toMatchObject({
        name: 'verify-dns',
        state: 'Succeeded',
        region: 'us-east-1',
      });
      expect(run.entry('verify-dns')?.message).toMatch(
        /^api\.trading\.example\.com answers us-east-2 \(10\.1\.0\.10\)/,
      );
      expect(aws.count('TestDNSAnswer', 'us-east-1')).toBeGreaterThan(0);
    },
  },
  {
    name: 'Route 53 API down',
    proves: "verify-dns never blocks or fails: Route 53's API not answering skips it and the run Succeeds",
    async act() {
      const { aws, run } = start(UNPLANNED);
      aws.failAlways('ListHostedZonesByName');
      await run.settle();
      return { run, aws };
    },
    expect(run) {
      expect(run.phase).toBe('Succeeded');
      expect(run.entry('verify-dns')).toMatchObject({ state: 'Skipped', attempts: 1 });
      expect(run.entry('verify-dns')?.message).toMatch(/^Route 53's API \(us-east-1\) did not answer/);
    },
  },
  {
    name: 'DNS that never moves',
    proves:
      'an answer stuck on the old region makes verify-dns give up at its deadline, Skipped, never Failed',
    async act() {
      const { aws, run } = start(PLANNED, {}, { options: { waitTimeoutMs: 10_000 } });
      aws.freezeDns();
      await run.settle();
      return { run, aws };
    },
    expect(run) {
      expect(run.phase).toBe('Succeeded');
      expect(run.entry('verify-dns')?.state).toBe('Skipped');
      expect(run.entry('verify-dns')?.message).toMatch(
        /gave up after 10000 ms: not yet: .* answers us-east-1/,
      );
    },
  },
  {
    name: 'data loss without consent',
    proves: 'a type Failover without allowDataLoss that bypassed the CRD fails at preflight with 0 AWS calls',
    async act() {
      const { aws, run } = start({ ...UNPLANNED, allowDataLoss: false });
      await run.settle();
      return { run, aws };
    },
    expect(run, aws) {
      expect(run.phase).toBe('Failed');
      expect(run.condition('Failed')?.reason).toBe('DataLossNotConsented');
      expect(aws.calls).toEqual([]);
    },
  },
];

describe('failover engine (fake AWS ports)', () => {
  it.each(cases.map((c) => [`${c.name}: ${c.proves}`, c] as const))('%s', async (_name, c) => {
    const { run, aws } = await c.act();
    c.expect(run, aws);
  });

  it('journals exactly the step list of step-lists.ts, in order, for both types', async () => {
    for (const spec of [UNPLANNED, PLANNED]) {
      const { run } = start(spec);
      await run.settle();
      expect(run.phase).toBe('Succeeded');
      expect(run.status.journal?.map((e) => e.name)).toEqual(run.expectedSteps());
    }
  });
});
