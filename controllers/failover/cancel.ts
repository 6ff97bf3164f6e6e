/**
 * Cancelling an execution (spec.cancel). Before the one-way step (promote, switchover) nothing is
 * irreversible: what is left is skipped and the undo steps of what was done run, newest first, so
 * the old primary — still the writer — serves again. Once the one-way step has started there is
 * nothing safe to go back to; the execution runs to the end and the Cancelled condition says why.
 *
 * The decision is recomputed from the journal on every reconcile, so a crash while undoing resumes.
 */
import type { ConditionUpdate } from '../kube/conditions.js';
import type { JournalEntry, Step } from './model.js';

export const CANCELLED_CONDITION = 'Cancelled';

/** spec.cancel, or the Failover's deletion (metadata.deletionTimestamp), which cancels the same way. */
export type CancelCause = 'spec.cancel' | 'deletion';

export type CancelDecision =
  /** Refused: the point of no return has been passed. */
  | { kind: 'tooLate'; condition: ConditionUpdate }
  /** Cancelling: `undo` joins the step list; `begin` when this reconcile starts it. */
  | { kind: 'cancel'; undo: Step[]; begin: boolean; skip: string[] };

/** Where the execution stands: its journal, conditions, and the step it waits at for approval. */
export interface CancelState {
  journal: readonly JournalEntry[];
  conditions?: ReadonlyArray<{ type: string; reason?: string }> | undefined;
  /** status.currentStep while the phase is AwaitingApproval. */
  awaitingApprovalAt?: string | undefined;
}

export function decideCancel(
  steps: readonly Step[],
  { journal, conditions, awaitingApprovalAt }: CancelState,
  cause: CancelCause = 'spec.cancel',
): CancelDecision {
  const entry = (name: string) => journal.find((e) => e.name === name);
  const allUndo = steps.flatMap((s) => s.undo ?? []);
  const underway = conditions?.some((c) => c.type === CANCELLED_CONDITION && c.reason === 'Cancelling');
  if (underway) {
    return { kind: 'cancel', undo: allUndo.filter((u) => entry(u.name)), begin: false, skip: [] };
  }
  const oneWay = steps.find((s) => s.oneWay);
  const oneWayState = oneWay ? entry(oneWay.name)?.state : undefined;
  // A one-way step waiting for approval has sent nothing: it decides on the approval before its
  // call, and after a lost call it finds the operation under way and succeeds instead of waiting.
  const onlyWaitingForApproval = oneWay !== undefined && awaitingApprovalAt === oneWay.name;
  if (oneWay && oneWayState !== undefined && oneWayState !== 'Pending' && !onlyWaitingForApproval) {
    return {
      kind: 'tooLate',
      condition: {
        type: CANCELLED_CONDITION,
        status: 'False',
        reason: 'PastOneWayStep',
        message:
          cause === 'deletion'
            ? `deleted after ${oneWay.name} started (${oneWayState}): the execution runs to the end, then the Failover goes. To go back, create a Switchover once it has finished.`
            : `cancel refused: ${oneWay.name} has started (${oneWayState}); the execution runs to the end. To go back, create a Switchover once it has finished.`,
      },
    };
  }
  // A step still Running may have taken effect before the cancel arrived: undo it too (undo
  // steps read before they act, so undoing an effect that never happened changes nothing).
  const done = steps.filter((s) => {
    const state = entry(s.name)?.state;
    return s.undo && (state === 'Succeeded' || state === 'Running');
  });
  const skip = steps
    .filter((s) => ['Pending', 'Running'].includes(entry(s.name)?.state ?? 'Pending'))
    .map((s) => s.name);
  return { kind: 'cancel', undo: done.reverse().flatMap((s) => s.undo ?? []), begin: true, skip };
}
