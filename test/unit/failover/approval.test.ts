/** The approval decision: the plan's policy, then the approval's time (clock skew) and lag budget. */
import { describe, expect, it } from 'vitest';
import { type ApprovalInput, decideApproval } from '../../../controllers/failover/approval.js';
import { APPROVAL_CLOCK_SKEW_SECONDS, type FailoverSpec } from '../../../src/apis/index.js';
import { Execution, plan, recordingAws, UNPLANNED_SPEC } from './recording-aws.js';

const withPolicy = (approval: 'Always' | 'Never' | 'WhenLagExceedsBudget') => ({
  ...plan,
  automatic: { ...plan.automatic, approval },
});

const CREATED = '2026-11-25T03:00:00Z';
const NOW = new Date('2026-11-25T03:10:00Z');
const at = (base: string | Date, seconds: number) =>
  new Date(new Date(base).getTime() + seconds * 1000).toISOString().replace('.000Z', 'Z');

const input = (over: Partial<ApprovalInput> = {}): ApprovalInput => ({
  plan,
  lagMs: 30_000,
  approval: { approvedBy: 'alice', approvedAt: at(CREATED, 60), maxDataLossSeconds: 45 },
  failoverCreatedAt: CREATED,
  now: NOW,
  ...over,
});
const approvedAt = (approvedAtText: string) =>
  input({ approval: { approvedBy: 'alice', approvedAt: approvedAtText, maxDataLossSeconds: 45 } });

describe('decideApproval', () => {
  it('the example plan budget is 5 s (the cases below rely on it)', () => {
    expect(plan.automatic.rpoBudgetSeconds).toBe(5);
    expect(plan.automatic.approval).toBe('WhenLagExceedsBudget');
  });

  it('within the RPO budget no approval is needed, whatever approval is set', () => {
    expect(decideApproval(input({ lagMs: 5_000 }))).toEqual({ kind: 'notNeeded' });
    expect(decideApproval(input({ lagMs: 60_000, plan: withPolicy('Never') }))).toEqual({
      kind: 'notNeeded',
    });
  });

  it('above the budget without an approval: waits, says how to approve, no ApprovalValid condition', () => {
    const decision = decideApproval(input({ approval: undefined }));
    expect(decision).toMatchObject({ kind: 'wait', reason: 'ApprovalRequired' });
    expect(decision.kind === 'wait' && decision.message).toMatch(
      /replication lag 30\.0 s exceeds the RPO budget 5\.0 s; waiting for approval: set spec\.approval \{approvedBy, approvedAt, maxDataLossSeconds\}/,
    );
    expect(decision.kind === 'wait' && decision.condition).toBeUndefined();
  });

  it('a valid approval covering the lag: approved, the message records who, what and the lag used', () => {
    const decision = decideApproval(input());
    expect(decision).toMatchObject({
      kind: 'approved',
      condition: { type: 'ApprovalValid', status: 'True', reason: 'Approved' },
    });
    expect(decision.kind === 'approved' && decision.message).toBe(
      'replication lag 30.0 s exceeds the RPO budget 5.0 s; approval by alice at 2026-11-25T03:01:00Z accepts 45 s of data loss; replication lag 30.0 s when used',
    );
  });

  it('an approval dated in the future (beyond the skew) is not valid: ApprovedInFuture', () => {
    const decision = decideApproval(approvedAt('2099-01-01T00:00:00Z'));
    expect(decision).toMatchObject({
      kind: 'wait',
      reason: 'ApprovedInFuture',
      condition: { type: 'ApprovalValid', status: 'False', reason: 'ApprovedInFuture' },
    });
    expect(decision.kind === 'wait' && decision.message).toMatch(/dated in the future/);
    const justBeyond = at(NOW, APPROVAL_CLOCK_SKEW_SECONDS + 1);
    expect(decideApproval(approvedAt(justBeyond))).toMatchObject({ reason: 'ApprovedInFuture' });
    const withinSkew = at(NOW, APPROVAL_CLOCK_SKEW_SECONDS);
    expect(decideApproval(approvedAt(withinSkew))).toMatchObject({ kind: 'approved' });
  });

  it('an approval older than the Failover (beyond the skew) is not valid: ApprovalPredatesFailover', () => {
    const stale = at(CREATED, -(APPROVAL_CLOCK_SKEW_SECONDS + 1));
    const decision = decideApproval(approvedAt(stale));
    expect(decision).toMatchObject({
      kind: 'wait',
      reason: 'ApprovalPredatesFailover',
      condition: { status: 'False', reason: 'ApprovalPredatesFailover' },
    });
    expect(decision.kind === 'wait' && decision.message).toMatch(
      /predates this Failover \(created 2026-11-25T03:00:00Z, 60 s skew allowed\)/,
    );
    expect(decideApproval(approvedAt(at(CREATED, -APPROVAL_CLOCK_SKEW_SECONDS)))).toMatchObject({
      kind: 'approved',
    });
    expect(decideApproval(input({ failoverCreatedAt: '' }))).toMatchObject({
      reason: 'ApprovalPredatesFailover',
    });
  });

  it('lag above what was approved: LagAboveApproval, observed lag vs approved in the message', () => {
    const decision = decideApproval(input({ lagMs: 45_001 }));
    expect(decision).toMatchObject({
      kind: 'wait',
      reason: 'LagAboveApproval',
      condition: { status: 'False', reason: 'LagAboveApproval' },
    });
    expect(decision.kind === 'wait' && decision.message).toMatch(
      /observed replication lag 45\.0 s is above the 45 s of data loss accepted by the approval by alice at 2026-11-25T03:01:00Z; waiting for a new approval with a later approvedAt/,
    );
    expect(decideApproval(input({ lagMs: 45_000 }))).toMatchObject({ kind: 'approved' });
  });

  it('policy Always binds the approval to its own figure, even within the plan budget', () => {
    const always = withPolicy('Always');
    const zero = { approvedBy: 'alice', approvedAt: at(CREATED, 1), maxDataLossSeconds: 0 };
    expect(decideApproval(input({ plan: always, lagMs: 3_000, approval: zero }))).toMatchObject({
      reason: 'LagAboveApproval',
    });
    expect(decideApproval(input({ plan: always, lagMs: 0, approval: zero }))).toMatchObject({
      kind: 'approved',
    });
  });

  it('lag unknown: a valid approval is used and says the lag was unknown', () => {
    const decision = decideApproval(input({ lagMs: undefined }));
    expect(decision.kind === 'approved' && decision.message).toMatch(/replication lag unknown when used$/);
  });
});

describe('the promotion judges the approval again at the lag read just before it', () => {
  const spec: FailoverSpec = {
    ...UNPLANNED_SPEC,
    approval: { approvedBy: 'alice', approvedAt: '2026-11-25T03:01:00Z', maxDataLossSeconds: 20 },
  };

  it('lag grown past the approval between the gate and promote: AwaitingApproval, no FailoverGlobalCluster, quiet rechecks; a later, larger approval lets it promote', async () => {
    // Preflight reads 10 s, which the approval (20 s) covers; the next read (promote's) 30 s.
    let lagMs = 30_000;
    let reads = 0;
    const { ports, calls } = recordingAws(() => (reads++ === 0 ? 10_000 : lagMs));
    const execution = new Execution(spec, ports);
    const waiting = await execution.settle();
    expect(waiting.status?.journal?.find((e) => e.name === 'approval')?.message).toMatch(
      /approval by alice at 2026-11-25T03:01:00Z accepts 20 s of data loss; replication lag 10\.0 s when used/,
    );

    expect(waiting.status?.phase).toBe('AwaitingApproval');
    expect(waiting.status?.currentStep).toBe('promote');
    const awaiting = waiting.status?.conditions?.find((c) => c.type === 'AwaitingApproval');
    expect(awaiting).toMatchObject({ status: 'True', reason: 'LagAboveApproval' });
    expect(awaiting?.message).toMatch(
      /^before promoting \(LagAboveApproval, approval 2026-11-25T03:01:00Z\): .*observed replication lag 30\.0 s is above the 20 s of data loss accepted/,
    );
    expect(waiting.status?.conditions?.find((c) => c.type === 'ApprovalValid')).toMatchObject({
      status: 'False',
      reason: 'LagAboveApproval',
    });
    expect(calls.filter((c) => c.operation === 'FailoverGlobalCluster')).toEqual([]);

    // The lag keeps moving while it waits: a recheck writes nothing (no status churn).
    const writes = execution.writes;
    lagMs = 31_000;
    await execution.advance();
    expect(execution.writes).toBe(writes);

    execution.patchSpec({
      approval: { approvedBy: 'bob', approvedAt: '2026-11-25T03:04:00Z', maxDataLossSeconds: 60 },
    });
    const done = await execution.settle();
    expect(done.status?.phase).toBe('Succeeded');
    expect(done.status?.journal?.find((e) => e.name === 'promote')?.message).toMatch(
      /FailoverGlobalCluster\(AllowDataLoss=true\) accepted by us-east-2; .*approval by bob at 2026-11-25T03:04:00Z accepts 60 s of data loss; replication lag 31\.0 s when used/,
    );
    expect(done.status?.conditions?.find((c) => c.type === 'ApprovalValid')).toMatchObject({
      status: 'True',
      reason: 'Approved',
    });
    expect(calls.filter((c) => c.operation === 'FailoverGlobalCluster')).toEqual([
      { region: 'us-east-2', operation: 'FailoverGlobalCluster', consent: { allowDataLoss: true } },
    ]);
  });

  it('a cancel while promote waits for a new approval is honoured: nothing was sent, the fence is undone', async () => {
    let reads = 0;
    const { ports, calls } = recordingAws(() => (reads++ === 0 ? 10_000 : 30_000));
    const execution = new Execution(spec, ports);
    expect((await execution.settle()).status?.currentStep).toBe('promote');
    execution.patchSpec({ cancel: true });
    const cancelled = await execution.settle();
    expect(cancelled.status?.phase).toBe('Cancelled');
    expect(cancelled.status?.journal?.find((e) => e.name === 'promote')).toMatchObject({ state: 'Skipped' });
    expect(cancelled.status?.journal?.find((e) => e.name === 'undo-fence')).toMatchObject({
      state: 'Succeeded',
    });
    expect(calls.filter((c) => c.operation === 'FailoverGlobalCluster')).toEqual([]);
  });

  it('without an approval, the budget binds: lag that grew past it before promote waits for one', async () => {
    let reads = 0;
    const { ports, calls } = recordingAws(() => (reads++ === 0 ? 2_000 : 6_000));
    const { approval: _none, ...unapproved } = spec;
    const waiting = await new Execution(unapproved, ports).settle();
    expect(waiting.status?.journal?.find((e) => e.name === 'approval')?.state).toBe('Skipped');
    expect(waiting.status?.currentStep).toBe('promote');
    expect(waiting.status?.conditions?.find((c) => c.type === 'AwaitingApproval')).toMatchObject({
      reason: 'ApprovalRequired',
      message: expect.stringMatching(/replication lag 6\.0 s exceeds the RPO budget 5\.0 s/),
    });
    expect(calls.filter((c) => c.operation === 'FailoverGlobalCluster')).toEqual([]);
  });
});
