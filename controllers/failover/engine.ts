/**
 * Runs an execution forward from its journal (ADR 0026). Every call is level-triggered: it starts
 * from the persisted status, skips finished steps, and (re)runs the first unfinished one, which
 * observes AWS and decides before it acts. The status is written *before* an action (state
 * Running, attempts+1) so a crash mid-call is visible, and after it, so the next reconcile moves on.
 *
 * One scope ({@link Execution}) holds the object as last stored; its phases are small methods:
 * start the journal, apply a cancel, take the plan lock, run a step, finish. Every status write
 * goes through `write`.
 */
import type { Failover, FailoverStatus } from '../../src/apis/index.js';
import { describeError, isConflict } from '../kube/api-errors.js';
import { type ConditionUpdate, findCondition, setConditions } from '../kube/conditions.js';
import type { EventType } from '../kube/events.js';
import { serverMeta } from '../kube/resources.js';
import { CANCELLED_CONDITION, type CancelCause, decideCancel } from './cancel.js';
import { isBeingDeleted } from './deletion.js';
import {
  type DecideInput,
  type ExecutionContext,
  type JournalEntry,
  type SkippedOutcome,
  type Step,
  type StepOutcome,
  type SucceededOutcome,
  skipped,
} from './model.js';
import { isTerminal, type PhaseChange, withPhase } from './phase.js';

export interface EngineOptions {
  /** Attempts of one read/action step before the execution fails. */
  maxStepAttempts: number;
  /** How often waits re-read AWS. */
  pollIntervalMs: number;
  /** How long a wait step may take before the execution fails. */
  waitTimeoutMs: number;
  /** How often an execution awaiting approval, the plan lock or a resume looks again. */
  recheckIntervalMs: number;
}

/** Held: the Failover as stored after taking the lock (its finalizer write changed it). */
export type LockState = { held: true; failover: Failover } | { held: false; holder: string };

export interface EngineObserver {
  stepFinished(step: string, outcome: 'succeeded' | 'skipped' | 'failed'): void;
  executionFinished(
    type: string,
    outcome: 'Succeeded' | 'Failed' | 'Cancelled',
    durationSeconds: number,
  ): void;
}

export interface EngineDeps {
  steps: Step[];
  context: Omit<ExecutionContext, 'journal' | 'observedLag' | 'failover'>;
  /** Writes the status at `failover`'s resourceVersion (409 when someone wrote since). */
  persist(failover: Failover, status: FailoverStatus): Promise<Failover>;
  event(type: EventType, reason: string, message: string): Promise<void>;
  acquireLock(failover: Failover): Promise<LockState>;
  observer?: EngineObserver;
  options: EngineOptions;
}

export interface AdvanceResult {
  requeueAfterMs?: number;
}

/** Thrown after a failed attempt was journaled, so the work queue retries with backoff. */
export class StepRetryError extends Error {}

/**
 * A status write was refused with 409: someone wrote the Failover since it was read (a new leader,
 * a person). Nothing may act on the stale read; the caller reads again and decides again.
 */
export class StatusConflictError extends Error {}

export const PAUSED_CONDITION = 'Paused';

/** The most calls one step makes in one run (one per Auto Scaling group; the plan lists ≤ 32). */
const MAX_CALLS_PER_STEP = 32;

/** Why an execution is being cancelled: a deletion is a cancel too (ADR 0007, "Deletion"). */
const cancelCauseOf = (failover: Failover): CancelCause | undefined =>
  isBeingDeleted(failover) ? 'deletion' : failover.spec.cancel ? 'spec.cancel' : undefined;

const stepMessage = (message: string) => message.slice(0, 1024);

/** How running one step ended: go on to the next, start over (a cancel arrived), or stop here. */
type StepEnd = { next: true } | { restart: true } | { stop: AdvanceResult };
const NEXT: StepEnd = { next: true };
const stop = (result: AdvanceResult = {}): StepEnd => ({ stop: result });

export async function advance(initial: Failover, deps: EngineDeps): Promise<AdvanceResult> {
  if (isTerminal(initial.status?.phase)) return {};
  const execution = new Execution(initial, deps);
  await execution.startJournal();
  // A cancel or deletion seen mid-run makes the steps to run change: decide them again from the
  // object as stored, in this loop (never by calling advance again).
  for (;;) {
    const cause = cancelCauseOf(execution.failover);
    const plan = await execution.applyCancel(cause);
    const end = await execution.runSteps(plan.steps, cause);
    if ('restart' in end) continue;
    if ('stop' in end) return end.stop;
    return plan.undoNames ? execution.finishCancelled(plan.undoNames) : execution.finishSucceeded();
  }
}

class Execution {
  failover: Failover;
  private status: FailoverStatus;
  private readonly generation: number;
  private readonly dryRun: boolean;

  constructor(
    initial: Failover,
    private readonly deps: EngineDeps,
  ) {
    this.failover = initial;
    this.status = initial.status ?? {};
    this.generation = Number((initial.metadata as { generation?: unknown }).generation ?? 0);
    this.dryRun = initial.spec.dryRun;
  }

  private now = () => this.deps.context.now();

  /** The one way to persist: at the resourceVersion read, keeping the object as stored. */
  private async write(next: FailoverStatus): Promise<void> {
    try {
      this.failover = await this.deps.persist(this.failover, next);
    } catch (error) {
      if (isConflict(error))
        throw new StatusConflictError(`Failover status changed since it was read: ${describeError(error)}`);
      throw error;
    }
    this.status = this.failover.status ?? next;
  }

  private event(type: EventType, reason: string, message: string) {
    return this.deps.event(type, reason, message);
  }

  private withPhase(change: PhaseChange, base: FailoverStatus = this.status, extra: ConditionUpdate[] = []) {
    return withPhase(base, change, this.generation, this.now(), extra);
  }

  private withConditions(base: FailoverStatus, updates: readonly ConditionUpdate[] | undefined) {
    if (!updates?.length) return base;
    return { ...base, conditions: setConditions(base.conditions, updates, this.generation, this.now()) };
  }

  private entryOf(name: string) {
    return (this.status.journal ?? []).find((e) => e.name === name);
  }

  private putEntry(entry: JournalEntry): FailoverStatus {
    return {
      ...this.status,
      currentStep: entry.name,
      journal: (this.status.journal ?? []).map((e) => (e.name === entry.name ? entry : e)),
    };
  }

  private secondsSinceStart(at: Date) {
    return (at.getTime() - Date.parse(this.status.startedAt ?? at.toISOString())) / 1000;
  }

  /** The first reconcile writes every step Pending, so the journal shows the whole run from the start. */
  async startJournal(): Promise<void> {
    if (this.status.journal) return;
    const { steps } = this.deps;
    const journal = steps.map(pendingEntry);
    await this.write(
      this.withPhase(
        {
          phase: 'Running',
          reason: 'Started',
          message: `${this.dryRun ? 'dry run of ' : ''}${steps.length} steps`,
        },
        { ...this.status, journal, startedAt: this.now().toISOString() },
      ),
    );
    await this.event(
      'Normal',
      'Started',
      `${this.dryRun ? 'Dry run' : 'Execution'}: ${steps.map((s) => s.name).join(' → ')}`,
    );
  }

  /**
   * The steps to run under `cause`: the plan's, plus the undo steps when a cancel is accepted
   * (`undoNames` then set). Past the one-way step a cancel is refused and said so once.
   */
  async applyCancel(
    cause: CancelCause | undefined,
  ): Promise<{ steps: readonly Step[]; undoNames?: string[] }> {
    const { steps } = this.deps;
    if (!cause) return { steps };
    if (cause === 'deletion' && !this.status.deletedDuringStep) await this.recordDeletion();
    const decision = decideCancel(
      steps,
      {
        journal: this.status.journal ?? [],
        conditions: this.status.conditions,
        awaitingApprovalAt: this.status.phase === 'AwaitingApproval' ? this.status.currentStep : undefined,
      },
      cause,
    );
    if (decision.kind === 'tooLate') {
      if (!findCondition(this.status.conditions, CANCELLED_CONDITION)) {
        await this.write(this.withConditions(this.status, [decision.condition]));
        await this.event('Warning', 'CancelRefused', decision.condition.message);
      }
      return { steps };
    }
    if (decision.begin) await this.beginCancel(decision.skip, decision.undo, cause);
    return { steps: [...steps, ...decision.undo], undoNames: decision.undo.map((u) => u.name) };
  }

  private async recordDeletion(): Promise<void> {
    // The step the execution is at: the first not done (the last one once all are).
    const step =
      this.status.journal?.find((e) => e.state === 'Pending' || e.state === 'Running')?.name ??
      this.status.currentStep ??
      this.deps.steps[0]?.name ??
      'none';
    await this.write({ ...this.status, deletedDuringStep: step });
    await this.event('Warning', 'Deleting', `deleted during step ${step}: the deletion runs as a cancel`);
  }

  /** Skips what is left and appends the undo steps, in one status write. */
  private async beginCancel(skip: readonly string[], undo: readonly Step[], by: CancelCause): Promise<void> {
    const at = this.now().toISOString();
    const journal: JournalEntry[] = (this.status.journal ?? []).map((e) =>
      skip.includes(e.name)
        ? {
            ...e,
            state: 'Skipped',
            finishedAt: at,
            message: stepMessage(
              e.state === 'Running'
                ? `cancelled while running (${e.message ?? 'no result yet'})`
                : 'cancelled',
            ),
          }
        : e,
    );
    journal.push(...undo.map(pendingEntry));
    const message =
      undo.length > 0
        ? `cancelled by ${by} before the one-way step; undoing: ${undo.map((u) => u.name).join(' → ')}`
        : `cancelled by ${by} before any change in AWS; nothing to undo`;
    await this.write(
      this.withPhase({ phase: 'Running', reason: 'Cancelling', message }, { ...this.status, journal }, [
        { type: CANCELLED_CONDITION, status: 'Unknown', reason: 'Cancelling', message },
      ]),
    );
    await this.event('Warning', 'Cancelling', message);
  }

  async runSteps(steps: readonly Step[], cause: CancelCause | undefined): Promise<StepEnd> {
    for (const step of steps) {
      // Every status write returns the object as stored, spec and metadata included: a cancel or a
      // deletion while this call was running is seen before the next step, not after the execution.
      if (cancelCauseOf(this.failover) !== cause) return { restart: true };
      const entry = this.entryOf(step.name);
      if (!entry) throw new Error(`journal has no entry for step ${step.name}`);
      if (entry.state === 'Succeeded' || entry.state === 'Skipped') continue;
      const end = await this.runStep(step, entry, cause);
      if (!('next' in end)) return end;
    }
    return NEXT;
  }

  private async runStep(step: Step, entry: JournalEntry, cause: CancelCause | undefined): Promise<StepEnd> {
    if (this.dryRun && step.kind === 'wait') {
      // The action it would wait for was not taken.
      await this.finishStep(
        step,
        { ...entry, startedAt: this.now().toISOString() },
        skipped(`dry run: would ${step.describe}`),
      );
      return NEXT;
    }
    const pause = await this.checkPause(step, cause);
    if (pause) return pause;
    if (step.kind === 'action' && !this.dryRun) {
      const lock = await this.takeLock(step);
      if (lock) return lock;
    }
    const running = await this.markRunning(step, entry);
    const { waitTimeoutMs } = this.deps.options;
    if (step.kind === 'wait' && Date.parse(running.startedAt ?? '') + waitTimeoutMs < this.now().getTime()) {
      // A best-effort wait only informs (verify-dns): past the deadline it gives up, the run goes on.
      if (step.bestEffort) {
        await this.finishStep(
          step,
          running,
          skipped(`best effort, gave up after ${waitTimeoutMs} ms: ${entry.message ?? 'no answer yet'}`),
        );
        return NEXT;
      }
      return this.finishFailed(
        step,
        running,
        'Timeout',
        `${step.name} did not finish within ${waitTimeoutMs} ms (${entry.message ?? ''})`,
      );
    }
    let outcome: StepOutcome;
    try {
      outcome = await this.observeDecideAct(step);
    } catch (error) {
      return this.retryOrFail(step, running, error);
    }
    return this.record(step, running, outcome);
  }

  /**
   * A pause holds the execution before its next action, never inside a call; reads and waits go
   * on (they change nothing), so after the one-way step Aurora's promotion is still seen through.
   * A deletion overrides a pause: it runs as a cancel.
   */
  private async checkPause(step: Step, cause: CancelCause | undefined): Promise<StepEnd | undefined> {
    const paused = this.failover.spec.paused && cause !== 'deletion';
    const condition = findCondition(this.status.conditions, PAUSED_CONDITION);
    if (!paused) {
      if (condition?.status !== 'True') return undefined;
      const message = `resumed at step ${step.name}: the execution goes on from its journal`;
      const resumed: ConditionUpdate = {
        type: PAUSED_CONDITION,
        status: 'False',
        reason: 'Resumed',
        message,
      };
      await this.write(
        this.status.phase === 'Paused'
          ? this.withPhase({ phase: 'Running', reason: 'Resumed', message }, this.status, [resumed])
          : this.withConditions(this.status, [resumed]),
      );
      await this.event('Normal', 'Resumed', message);
      return undefined;
    }
    if (step.kind !== 'action') {
      if (condition?.reason === 'PauseRequested' && condition.status === 'True') return undefined;
      const message = `paused: step ${step.name} (${step.kind}) changes nothing and goes on; the execution holds before its next action`;
      await this.write(
        this.withConditions(this.status, [
          { type: PAUSED_CONDITION, status: 'True', reason: 'PauseRequested', message },
        ]),
      );
      await this.event('Normal', 'PauseRequested', message);
      return undefined;
    }
    if (this.status.phase !== 'Paused' || this.status.currentStep !== step.name) {
      const message = `paused before step ${step.name} (${step.describe}); set spec.paused: false to resume`;
      await this.write(
        this.withPhase(
          { phase: 'Paused', reason: 'Paused', message },
          { ...this.status, currentStep: step.name },
        ),
      );
      await this.event('Normal', 'Paused', message);
    }
    return stop({ requeueAfterMs: this.deps.options.recheckIntervalMs });
  }

  /** The plan lock (one execution per plan); undefined once held. */
  private async takeLock(step: Step): Promise<StepEnd | undefined> {
    const lock = await this.deps.acquireLock(this.failover);
    if (lock.held) {
      this.failover = lock.failover;
      return undefined;
    }
    const message = `plan ${this.failover.spec.planRef.name} is being executed by Failover ${lock.holder}; this one waits for it to finish`;
    if (this.status.phase !== 'Pending' || this.status.currentStep !== step.name) {
      await this.write(
        this.withPhase(
          { phase: 'Pending', reason: 'WaitingForActiveExecution', message },
          { ...this.status, currentStep: step.name },
        ),
      );
      await this.event('Normal', 'WaitingForActiveExecution', message);
    }
    return stop({ requeueAfterMs: this.deps.options.recheckIntervalMs });
  }

  /**
   * Wait polls do not count as attempts; entering a step, a retry and a resume after a crash do.
   * A step awaiting approval is looked at again every recheck; like a wait poll, that is not a
   * new attempt and writes nothing until the answer changes (no status write, no Event).
   */
  private async markRunning(step: Step, entry: JournalEntry): Promise<JournalEntry> {
    const { status } = this;
    const awaiting =
      status.phase === 'AwaitingApproval' && status.currentStep === step.name && entry.state === 'Running';
    const polling = (step.kind === 'wait' && entry.state === 'Running') || awaiting;
    const running: JournalEntry = {
      ...entry,
      state: 'Running',
      attempts: Math.min(1000, entry.attempts + (polling ? 0 : 1)),
      startedAt: entry.startedAt ?? this.now().toISOString(),
    };
    if (!polling || (status.phase !== 'Running' && !awaiting)) {
      await this.write(
        this.withPhase(
          { phase: 'Running', reason: 'StepRunning', message: `step ${step.name}: ${step.describe}` },
          this.putEntry(running),
        ),
      );
      if (entry.state === 'Pending')
        await this.event('Normal', 'StepStarted', `${step.name}: ${step.describe}`);
    }
    return running;
  }

  /**
   * Observe → decide → act. A decision to act makes one call; with `again` the step observes and
   * decides once more. In a dry run the decision is journaled instead of acted on. A best-effort
   * step that gets no answer is skipped, never retried.
   */
  private async observeDecideAct(step: Step): Promise<StepOutcome> {
    const done: string[] = [];
    try {
      for (let calls = 0; ; calls++) {
        const ctx = this.executionContext();
        const decision = step.decide(this.decideInput(await step.observe(ctx)));
        if (decision.type !== 'act') {
          return decision.type === 'succeeded' && done.length > 0
            ? { ...decision, message: [...done, decision.message].join('; ') }
            : decision;
        }
        if (this.dryRun) return skipped(`dry run: would ${decision.call}`);
        if (!step.act) throw new Error(`step ${step.name} decided to call ${decision.call} but cannot act`);
        if (calls >= MAX_CALLS_PER_STEP)
          throw new Error(`${step.name} still wants ${decision.call} after ${calls} calls`);
        await step.act(ctx, decision.action);
        if (!decision.again) {
          return done.length > 0
            ? { ...decision.done, message: [...done, decision.done.message].join('; ') }
            : decision.done;
        }
        done.push(decision.done.message);
      }
    } catch (error) {
      if (!step.bestEffort) throw error;
      const made = done.length > 0 ? `${done.join('; ')}; then ` : '';
      return skipped(
        `best effort, not blocking: ${made}${step.region ?? 'the region'} did not answer (${describeError(error)})`,
      );
    }
  }

  private executionContext(): ExecutionContext {
    return {
      ...this.deps.context,
      failover: this.failover,
      journal: this.status.journal ?? [],
      observedLag: this.status.observedLag,
    };
  }

  private decideInput<O>(observed: O): DecideInput<O> {
    const { context } = this.deps;
    return {
      spec: this.failover.spec,
      plan: context.plan,
      journal: this.status.journal ?? [],
      observed,
      target: context.target,
      other: context.other,
      observedLag: this.status.observedLag,
      automatic: context.automatic,
      failoverCreatedAt: serverMeta(this.failover).creationTimestamp,
      now: this.now(),
    };
  }

  private async retryOrFail(step: Step, running: JournalEntry, error: unknown): Promise<StepEnd> {
    const message = `attempt ${running.attempts} failed: ${describeError(error)}`;
    if (running.attempts >= this.deps.options.maxStepAttempts) {
      return this.finishFailed(step, running, 'RetriesExhausted', `${step.name}: ${message}`);
    }
    await this.write(this.putEntry({ ...running, message: stepMessage(message) }));
    await this.event('Warning', 'StepRetrying', `${step.name}: ${message}`);
    throw new StepRetryError(`${step.name}: ${message}`);
  }

  /** Writes what a step's decision means for the execution. */
  private async record(step: Step, running: JournalEntry, outcome: StepOutcome): Promise<StepEnd> {
    switch (outcome.type) {
      case 'succeeded':
      case 'skipped':
        // A dry run changes nothing, so no action step of it Succeeded: it says what it would do.
        if (this.dryRun && step.kind === 'action' && outcome.type === 'succeeded')
          await this.finishStep(step, running, skipped(`dry run: nothing to call: ${outcome.message}`));
        else await this.finishStep(step, running, outcome);
        return NEXT;
      case 'waiting':
        if (this.dryRun && step.kind === 'action') {
          await this.finishStep(step, running, skipped(`dry run: would wait: ${outcome.message}`));
          return NEXT;
        }
        if (running.message !== outcome.message)
          await this.write(this.putEntry({ ...running, message: stepMessage(outcome.message) }));
        return stop({ requeueAfterMs: this.deps.options.pollIntervalMs });
      case 'awaitingApproval':
        if (this.dryRun) {
          await this.finishStep(
            step,
            running,
            skipped(`dry run: approval would be required: ${outcome.message}`),
          );
          return NEXT;
        }
        return this.awaitApproval(running, outcome);
      case 'failed':
        return this.finishFailed(step, running, outcome.reason, `${step.name}: ${outcome.message}`);
    }
  }

  private async finishStep(
    step: Step,
    running: JournalEntry,
    outcome: SucceededOutcome | SkippedOutcome,
  ): Promise<void> {
    const state = outcome.type === 'succeeded' ? 'Succeeded' : 'Skipped';
    const done: JournalEntry = {
      ...running,
      state,
      finishedAt: this.now().toISOString(),
      message: stepMessage(outcome.message),
    };
    const next = this.withConditions(
      this.putEntry(done),
      outcome.type === 'succeeded' ? outcome.conditions : undefined,
    );
    await this.write(
      outcome.type === 'succeeded' && outcome.observedLag
        ? { ...next, observedLag: outcome.observedLag }
        : next,
    );
    this.deps.observer?.stepFinished(step.name, outcome.type);
    await this.event(
      'Normal',
      state === 'Succeeded' ? 'StepSucceeded' : 'StepSkipped',
      `${step.name}: ${outcome.message}`,
    );
  }

  /** Written when the answer changes (a new approval judged, say), never per recheck. */
  private async awaitApproval(
    running: JournalEntry,
    outcome: Extract<StepOutcome, { type: 'awaitingApproval' }>,
  ): Promise<StepEnd> {
    if (this.status.phase !== 'AwaitingApproval' || running.message !== stepMessage(outcome.message)) {
      await this.write(
        this.withConditions(
          this.withPhase(
            {
              phase: 'AwaitingApproval',
              reason: outcome.reason ?? 'ApprovalRequired',
              message: outcome.message,
            },
            this.putEntry({ ...running, message: stepMessage(outcome.message) }),
          ),
          outcome.conditions,
        ),
      );
      await this.event('Warning', 'AwaitingApproval', outcome.message);
    }
    return stop({ requeueAfterMs: this.deps.options.recheckIntervalMs });
  }

  async finishSucceeded(): Promise<AdvanceResult> {
    const completedAt = this.now();
    const seconds = Math.max(0, Math.round(this.secondsSinceStart(completedAt)));
    const reason = this.dryRun ? 'DryRunCompleted' : 'Completed';
    const message = this.dryRun
      ? 'dry run complete: the journal lists every call the execution would make; none was made'
      : `${this.failover.spec.targetRegion} is primary; recovery took ${seconds} s`;
    await this.write(
      this.withPhase(
        { phase: 'Succeeded', reason, message },
        {
          ...this.status,
          ...(this.dryRun ? {} : { recoveryTimeSeconds: seconds }),
          completedAt: completedAt.toISOString(),
        },
      ),
    );
    this.deps.observer?.executionFinished(
      this.failover.spec.type,
      'Succeeded',
      this.secondsSinceStart(completedAt),
    );
    await this.event('Normal', reason, message);
    return {};
  }

  async finishCancelled(undoNames: readonly string[]): Promise<AdvanceResult> {
    const at = this.now();
    const undone = (this.status.journal ?? []).filter(
      (e) => undoNames.includes(e.name) && e.state === 'Succeeded',
    );
    const message =
      undone.length > 0
        ? `cancelled before the one-way step; undone: ${undone.map((e) => e.name).join(', ')}`
        : 'cancelled before any change in AWS';
    await this.write(
      this.withPhase(
        { phase: 'Cancelled', reason: 'Cancelled', message },
        { ...this.status, completedAt: at.toISOString() },
      ),
    );
    this.deps.observer?.executionFinished(this.failover.spec.type, 'Cancelled', this.secondsSinceStart(at));
    await this.event('Normal', 'Cancelled', message);
    return {};
  }

  private async finishFailed(
    step: Step,
    running: JournalEntry,
    reason: string,
    message: string,
  ): Promise<StepEnd> {
    const at = this.now();
    const entry: JournalEntry = {
      ...running,
      state: 'Failed',
      finishedAt: at.toISOString(),
      message: stepMessage(message),
    };
    await this.write(
      this.withPhase(
        { phase: 'Failed', reason, message },
        { ...this.putEntry(entry), completedAt: at.toISOString() },
      ),
    );
    this.deps.observer?.stepFinished(step.name, 'failed');
    this.deps.observer?.executionFinished(this.failover.spec.type, 'Failed', this.secondsSinceStart(at));
    await this.event('Warning', 'StepFailed', message);
    return stop();
  }
}

function pendingEntry(step: Step): JournalEntry {
  return { name: step.name, state: 'Pending', attempts: 0, ...(step.region ? { region: step.region } : {}) };
}
