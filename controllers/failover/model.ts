/**
 * The step model (ARCHITECTURE §3): an execution is a fixed list of steps; each step is a decision
 * over (spec, observed AWS state, journal) plus at most one idempotent action, and it reads whether
 * its effect already happened before acting, so a restart anywhere resumes without repeating it.
 */

import type {
  Failover,
  FailoverPlanSpec,
  FailoverSpec,
  FailoverStatus,
  RegionHealth,
} from '../../src/apis/index.js';
import type { AwsPorts } from '../aws/ports.js';
import type { ConditionUpdate } from '../kube/conditions.js';

export type JournalEntry = NonNullable<FailoverStatus['journal']>[number];
export type ObservedLag = NonNullable<FailoverStatus['observedLag']>;

/**
 * - read: read-only, also run in a dry run;
 * - decision: no AWS call, decides from what earlier steps recorded (also run in a dry run);
 * - action: changes AWS; never run in a dry run or before the plan lock is held;
 * - wait: read-only polling for the effect of an earlier action (skipped in a dry run).
 */
export type StepKind = 'read' | 'decision' | 'action' | 'wait';

/**
 * `conditions` are written with the outcome (e.g. ApprovalValid). An awaitingApproval `reason`
 * becomes the AwaitingApproval condition's reason (default ApprovalRequired); its status is
 * rewritten only when the message changes, so a step keeps its message stable while nothing new
 * happened and a recheck writes nothing.
 */
export type StepOutcome =
  | { type: 'succeeded'; message: string; observedLag?: ObservedLag; conditions?: ConditionUpdate[] }
  | { type: 'skipped'; message: string }
  | { type: 'waiting'; message: string }
  | { type: 'awaitingApproval'; message: string; reason?: string; conditions?: ConditionUpdate[] }
  | { type: 'failed'; reason: string; message: string };

export interface ExecutionContext {
  failover: Failover;
  spec: FailoverSpec;
  plan: FailoverPlanSpec;
  /** The region to become primary (spec.targetRegion). */
  target: string;
  /** The plan's other region: the old primary of an unplanned failover, the current one of a switchover. */
  other: string;
  aws: AwsPorts;
  /** RegionHealth objects of the Failover's namespace (informer cache). */
  regionHealth(region: string): RegionHealth[];
  /** Journal as persisted so far (read-only for steps). */
  journal: readonly JournalEntry[];
  observedLag: ObservedLag | undefined;
  /** Whether the trigger (not a person) created this Failover. */
  automatic: boolean;
  now(): Date;
}

export interface Step {
  name: string;
  kind: StepKind;
  /** Region whose endpoint the step calls; absent for decisions. */
  region?: string;
  /** What the step would do, for dry-run journals and Events. */
  describe: string;
  run(ctx: ExecutionContext): Promise<StepOutcome>;
  /** The point of no return (promote, switchover): a cancel after it has started is refused. */
  oneWay?: boolean;
  /** Steps that reverse this one's effect when the execution is cancelled (run newest first). */
  undo?: Step[];
}

export const succeeded = (message: string): StepOutcome => ({ type: 'succeeded', message });
export const skipped = (message: string): StepOutcome => ({ type: 'skipped', message });
export const waiting = (message: string): StepOutcome => ({ type: 'waiting', message });
export const failed = (reason: string, message: string): StepOutcome => ({ type: 'failed', reason, message });
