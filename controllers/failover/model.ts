/**
 * The step model (ARCHITECTURE §3, ADR 0026): an execution is a fixed list of steps, and every step
 * is three parts, the shape of crossplane-runtime's managed reconciler:
 * - `observe` reads AWS (and nothing else) into a value;
 * - `decide` is pure: from the spec, the plan, the journal and what was observed it returns an
 *   outcome (succeeded, skipped, waiting, awaiting approval, failed) or one action to take;
 * - `act` performs that action: at most one idempotent call.
 * Because `decide` reads whether the effect already happened before asking for the call, a restart
 * anywhere resumes without repeating it, and every decision can be tested without AWS.
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
 * - action: changes AWS; in a dry run it observes and decides, and the journal says what it would
 *   call; never acts before the plan lock is held;
 * - wait: read-only polling for the effect of an earlier action (skipped in a dry run, where that
 *   action was not taken).
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

export type SucceededOutcome = Extract<StepOutcome, { type: 'succeeded' }>;
export type SkippedOutcome = Extract<StepOutcome, { type: 'skipped' }>;

/**
 * One call to make. `call` names it for the journal and Events ("FailoverGlobalCluster to …");
 * `done` is the step's outcome once the call returned; with `again`, the step observes and decides
 * once more after the call (a step that sets several groups makes one call per round).
 */
export interface ActDecision<A> {
  type: 'act';
  action: A;
  call: string;
  done: SucceededOutcome;
  again?: boolean;
}

export type Decision<A> = StepOutcome | ActDecision<A>;

/** Everything `decide` may look at: values only, so a decision is a pure function of them. */
export interface DecideInput<O> {
  spec: FailoverSpec;
  plan: FailoverPlanSpec;
  /** Journal as persisted so far. */
  journal: readonly JournalEntry[];
  observed: O;
  /** The region to become primary (spec.targetRegion). */
  target: string;
  /** The plan's other region: the old primary of an unplanned failover, the current one of a switchover. */
  other: string;
  observedLag: ObservedLag | undefined;
  /** Whether the trigger (not a person) created this Failover. */
  automatic: boolean;
  /** The Failover's metadata.creationTimestamp ('' when unknown). */
  failoverCreatedAt: string;
  now: Date;
}

/** What `observe` and `act` may use: the AWS ports and the RegionHealth cache, nothing that writes Kubernetes. */
export interface ExecutionContext {
  failover: Failover;
  spec: FailoverSpec;
  plan: FailoverPlanSpec;
  target: string;
  other: string;
  aws: AwsPorts;
  /** RegionHealth objects of the Failover's namespace (informer cache). */
  regionHealth(region: string): RegionHealth[];
  /** Journal as persisted so far (read-only for steps). */
  journal: readonly JournalEntry[];
  observedLag: ObservedLag | undefined;
  automatic: boolean;
  now(): Date;
}

interface StepMeta {
  name: string;
  kind: StepKind;
  /** Region whose endpoint the step calls; absent for decisions. */
  region?: string;
  /** What the step would do, for dry-run journals and Events. */
  describe: string;
  /** The point of no return (promote, switchover): a cancel after it has started is refused. */
  oneWay?: boolean;
  /**
   * The step calls a region that may be gone (the old primary of an unplanned failover): an error
   * from observe or act skips the step with the error in its message instead of retrying it.
   */
  bestEffort?: boolean;
  /** Steps that reverse this one's effect when the execution is cancelled (run newest first). */
  undo?: Step[];
}

/** A step as written: the observed value `O` flows only into its own `decide`, the action `A` only into its own `act`. */
export interface StepDefinition<O, A> extends StepMeta {
  observe(ctx: ExecutionContext): Promise<O>;
  decide(input: DecideInput<O>): Decision<A>;
  act?(ctx: ExecutionContext, action: A): Promise<void>;
}

/** A step as the engine runs it, its observed and action types erased (see {@link defineStep}). */
export interface Step extends StepMeta {
  observe(ctx: ExecutionContext): Promise<unknown>;
  decide(input: DecideInput<unknown>): Decision<unknown>;
  act?(ctx: ExecutionContext, action: unknown): Promise<void>;
}

/**
 * Erases a step's observed and action types so different steps fit one list. Sound because the
 * engine hands `decide` only what this step's `observe` returned, and `act` only the action this
 * step's `decide` chose.
 */
export function defineStep<O, A = never>(definition: StepDefinition<O, A>): Step {
  return definition as unknown as Step;
}

/** Nothing to observe: a decision step, or one whose decision needs only the spec and journal. */
export const observeNothing = async (): Promise<undefined> => undefined;

export const succeeded = (message: string): SucceededOutcome => ({ type: 'succeeded', message });
export const skipped = (message: string): SkippedOutcome => ({ type: 'skipped', message });
export const waiting = (message: string): StepOutcome => ({ type: 'waiting', message });
export const failed = (reason: string, message: string): StepOutcome => ({ type: 'failed', reason, message });
export const act = <A>(
  action: A,
  call: string,
  done: SucceededOutcome | string,
  again = false,
): ActDecision<A> => ({
  type: 'act',
  action,
  call,
  done: typeof done === 'string' ? succeeded(done) : done,
  ...(again ? { again } : {}),
});
