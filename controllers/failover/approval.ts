/**
 * The RPO gate of an unplanned failover (pitfall 8): Aurora MySQL has no RPO cap, so the
 * controller compares the lag it read in the target region with the plan's budget, and above it
 * (or when it could not read any lag) the failover needs a person's approval in spec.approval.
 */
import { type ExecutionContext, type Step, skipped, succeeded } from './model.js';
import { formatLag } from './plan-view.js';

/** Why approval is needed, or undefined when the failover may go ahead on its own. */
export function approvalNeeded(ctx: Pick<ExecutionContext, 'plan' | 'observedLag'>): string | undefined {
  const { approval, rpoBudgetSeconds } = ctx.plan.automatic;
  if (approval === 'Always') return 'the plan requires approval for every failover';
  if (approval === 'Never') return undefined;
  const lag = ctx.observedLag?.replicationLagMilliseconds;
  const budgetMs = rpoBudgetSeconds * 1000;
  if (lag === undefined) return `replication lag is unknown; the RPO budget is ${formatLag(budgetMs)}`;
  if (lag > budgetMs)
    return `replication lag ${formatLag(lag)} exceeds the RPO budget ${formatLag(budgetMs)}`;
  return undefined;
}

export const approvalGate: Step = {
  name: 'approval',
  kind: 'decision',
  describe: 'approval gate: needed when replication lag exceeds the RPO budget',
  async run(ctx) {
    const need = approvalNeeded(ctx);
    if (!need) return skipped('not needed: replication lag within the RPO budget');
    const approval = ctx.spec.approval;
    if (approval) return succeeded(`${need}; approved by ${approval.approvedBy} at ${approval.approvedAt}`);
    return {
      type: 'awaitingApproval',
      message: `${need}; waiting for approval: set spec.approval {approvedBy, approvedAt} (kubectl patch --type merge), or spec.cancel: true`,
    };
  },
};
