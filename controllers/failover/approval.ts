/**
 * The RPO gate of an unplanned failover (pitfall 8): Aurora MySQL has no RPO cap, so the
 * controller compares the lag it read in the target region with the plan's budget, and above it
 * (or when it could not read any lag) the failover needs a person's approval in spec.approval.
 *
 * An approval names the data loss it accepts (maxDataLossSeconds) and counts only when it was given
 * for this Failover: not dated in the future, not dated before the Failover was created (each
 * within APPROVAL_CLOCK_SKEW_SECONDS). CEL has no clock, so the controller judges the time here and
 * reports it in the ApprovalValid condition.
 */
import {
  APPROVAL_CLOCK_SKEW_SECONDS,
  type FailoverPlanSpec,
  type FailoverSpec,
} from '../../src/apis/index.js';
import type { ConditionUpdate } from '../kube/conditions.js';
import { type DecideInput, defineStep, observeNothing, type StepOutcome, skipped } from './model.js';
import { formatLag } from './plan-view.js';

export const APPROVAL_VALID_CONDITION = 'ApprovalValid';

type Approval = NonNullable<FailoverSpec['approval']>;

/** Why approval is needed at this lag (undefined: unknown), or undefined when it is not needed. */
export function approvalNeededAt(plan: FailoverPlanSpec, lagMs: number | undefined): string | undefined {
  const { approval, rpoBudgetSeconds } = plan.automatic;
  if (approval === 'Always') return 'the plan requires approval for every failover';
  if (approval === 'Never') return undefined;
  const budgetMs = rpoBudgetSeconds * 1000;
  if (lagMs === undefined) return `replication lag is unknown; the RPO budget is ${formatLag(budgetMs)}`;
  if (lagMs > budgetMs)
    return `replication lag ${formatLag(lagMs)} exceeds the RPO budget ${formatLag(budgetMs)}`;
  return undefined;
}

/** Why approval is needed at the lag preflight recorded, or undefined when it is not. */
export function approvalNeeded(ctx: Pick<DecideInput<unknown>, 'plan' | 'observedLag'>): string | undefined {
  return approvalNeededAt(ctx.plan, ctx.observedLag?.replicationLagMilliseconds);
}

export interface ApprovalInput {
  plan: FailoverPlanSpec;
  /** The lag to judge (undefined when no datapoint could be read). */
  lagMs: number | undefined;
  approval: Approval | undefined;
  /** The Failover's metadata.creationTimestamp ('' when unknown: no approval can be judged valid). */
  failoverCreatedAt: string;
  now: Date;
}

export type ApprovalDecision =
  /** The plan's policy lets the failover go on at this lag without a person. */
  | { kind: 'notNeeded' }
  /** A valid approval covers this lag; `message` says who approved, what, and the lag it covered. */
  | { kind: 'approved'; message: string; condition: ConditionUpdate }
  /** Wait for a (new) approval; `condition` is absent when there is no approval to judge. */
  | { kind: 'wait'; reason: string; message: string; condition?: ConditionUpdate };

const PATCH_HINT =
  'set spec.approval {approvedBy, approvedAt, maxDataLossSeconds} (kubectl patch --type merge), or spec.cancel: true';

/**
 * An approval can only be replaced by a later one (CEL), so one dated in the future cannot be
 * corrected in place: say so, and point at the way out.
 */
const NEXT_STEP: Record<string, string> = {
  ApprovedInFuture:
    'it can only be replaced by a later approvedAt, so cancel this Failover (spec.cancel: true) and create a new one with a correct approval',
};

function invalid(need: string, reason: string, problem: string): ApprovalDecision {
  const next = NEXT_STEP[reason] ?? `waiting for a new approval with a later approvedAt: ${PATCH_HINT}`;
  return {
    kind: 'wait',
    reason,
    message: `${need}; ${problem}; ${next}`,
    condition: { type: APPROVAL_VALID_CONDITION, status: 'False', reason, message: problem },
  };
}

/** Whether the failover may go on at `lagMs`: the plan's policy, then the approval's time and lag. */
export function decideApproval(input: ApprovalInput): ApprovalDecision {
  const need = approvalNeededAt(input.plan, input.lagMs);
  if (!need) return { kind: 'notNeeded' };
  const { approval } = input;
  if (!approval) {
    return {
      kind: 'wait',
      reason: 'ApprovalRequired',
      message: `${need}; waiting for approval: ${PATCH_HINT}`,
    };
  }
  const who = `approval by ${approval.approvedBy} at ${approval.approvedAt}`;
  const skewMs = APPROVAL_CLOCK_SKEW_SECONDS * 1000;
  const approvedAt = Date.parse(approval.approvedAt);
  if (approvedAt > input.now.getTime() + skewMs) {
    return invalid(
      need,
      'ApprovedInFuture',
      `${who} is dated in the future (more than ${APPROVAL_CLOCK_SKEW_SECONDS} s ahead of the controller's clock)`,
    );
  }
  const createdAt = Date.parse(input.failoverCreatedAt);
  if (Number.isNaN(createdAt) || approvedAt < createdAt - skewMs) {
    return invalid(
      need,
      'ApprovalPredatesFailover',
      `${who} predates this Failover (created ${input.failoverCreatedAt || 'at an unknown time'}, ${APPROVAL_CLOCK_SKEW_SECONDS} s skew allowed): an approval is given for one Failover`,
    );
  }
  const accepted = `${approval.maxDataLossSeconds} s of data loss`;
  if (input.lagMs !== undefined && input.lagMs > approval.maxDataLossSeconds * 1000) {
    return invalid(
      need,
      'LagAboveApproval',
      `observed replication lag ${formatLag(input.lagMs)} is above the ${accepted} accepted by the ${who}`,
    );
  }
  const lagText =
    input.lagMs === undefined ? 'replication lag unknown' : `replication lag ${formatLag(input.lagMs)}`;
  const message = `${need}; ${who} accepts ${accepted}; ${lagText} when used`;
  return {
    kind: 'approved',
    message,
    condition: { type: APPROVAL_VALID_CONDITION, status: 'True', reason: 'Approved', message },
  };
}

/** The decision for this execution at `lagMs`, as a step outcome; undefined when it may go on. */
export function approvalOutcome(
  input: Pick<DecideInput<unknown>, 'plan' | 'spec' | 'failoverCreatedAt' | 'now'>,
  lagMs: number | undefined,
): StepOutcome | undefined {
  const decision = decideApproval({
    plan: input.plan,
    lagMs,
    approval: input.spec.approval,
    failoverCreatedAt: input.failoverCreatedAt,
    now: input.now,
  });
  if (decision.kind === 'wait') {
    return {
      type: 'awaitingApproval',
      reason: decision.reason,
      message: decision.message,
      ...(decision.condition ? { conditions: [decision.condition] } : {}),
    };
  }
  if (decision.kind === 'approved') {
    return { type: 'succeeded', message: decision.message, conditions: [decision.condition] };
  }
  return undefined;
}

export const approvalGate = defineStep({
  name: 'approval',
  kind: 'decision',
  describe: 'approval gate: needed when replication lag exceeds the RPO budget',
  observe: observeNothing,
  // The journal entry records the lag the approval was used at and who gave it.
  decide: (input) =>
    approvalOutcome(input, input.observedLag?.replicationLagMilliseconds) ??
    skipped('not needed: replication lag within the RPO budget'),
});
