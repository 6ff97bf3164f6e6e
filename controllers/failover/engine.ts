/**
 * Runs an execution forward from its journal. Every call is level-triggered: it starts from the
 * persisted status, skips finished steps, and (re)runs the first unfinished one, which reads AWS
 * before acting. The status is written *before* an action (state Running, attempts+1) so a crash
 * mid-call is visible, and after it, so the next reconcile moves on.
 */
import type { Failover, FailoverStatus } from '../../src/apis/index.js';
import { describeError, isConflict } from '../kube/api-errors.js';
import { setConditions } from '../kube/conditions.js';
import type { EventType } from '../kube/events.js';
import { CANCELLED_CONDITION, type CancelCause, decideCancel } from './cancel.js';
import { isBeingDeleted } from './deletion.js';
import type { ExecutionContext, JournalEntry, Step, StepOutcome } from './model.js';
import { isTerminal, type PhaseChange, withPhase } from './phase.js';

export interface EngineOptions {
  /** Attempts of one read/action step before the execution fails. */
  maxStepAttempts: number;
  /** How often waits re-read AWS. */
  pollIntervalMs: number;
  /** How long a wait step may take before the execution fails. */
  waitTimeoutMs: number;
  /** How often an execution awaiting approval or the plan lock looks again. */
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

/** Why an execution is being cancelled: a deletion is a cancel too (ADR 0007, "Deletion"). */
const cancelCauseOf = (failover: Failover): CancelCause | undefined =>
  isBeingDeleted(failover) ? 'deletion' : failover.spec.cancel ? 'spec.cancel' : undefined;

const stepMessage = (message: string) => message.slice(0, 1024);

export async function advance(initial: Failover, deps: EngineDeps): Promise<AdvanceResult> {
  let failover = initial;
  if (isTerminal(failover.status?.phase)) return {};
  const { steps, options } = deps;
  const now = () => deps.context.now();
  const generation = Number((failover.metadata as { generation?: unknown }).generation ?? 0);
  const dryRun = failover.spec.dryRun;

  let status: FailoverStatus = failover.status ?? {};
  const write = async (next: FailoverStatus) => {
    try {
      failover = await deps.persist(failover, next);
    } catch (error) {
      if (isConflict(error))
        throw new StatusConflictError(`Failover status changed since it was read: ${describeError(error)}`);
      throw error;
    }
    status = failover.status ?? next;
  };
  const entryOf = (name: string) => (status.journal ?? []).find((e) => e.name === name);
  const putEntry = (entry: JournalEntry): FailoverStatus => ({
    ...status,
    currentStep: entry.name,
    journal: (status.journal ?? []).map((e) => (e.name === entry.name ? entry : e)),
  });
  const phase = (change: PhaseChange, base: FailoverStatus = status) =>
    withPhase(base, change, generation, now());

  if (!status.journal) {
    const startedAt = now().toISOString();
    const journal: JournalEntry[] = steps.map((s) => ({
      name: s.name,
      state: 'Pending',
      attempts: 0,
      ...(s.region ? { region: s.region } : {}),
    }));
    await write(
      phase(
        {
          phase: 'Running',
          reason: 'Started',
          message: `${dryRun ? 'dry run of ' : ''}${steps.length} steps`,
        },
        { ...status, journal, startedAt },
      ),
    );
    await deps.event(
      'Normal',
      'Started',
      `${dryRun ? 'Dry run' : 'Execution'}: ${steps.map((s) => s.name).join(' → ')}`,
    );
  }

  let active: readonly Step[] = steps;
  let cancelled = false;
  const cause = cancelCauseOf(failover);
  if (cause === 'deletion' && !status.deletedDuringStep) {
    // The step the execution is at: the first not done (the last one once all are).
    const step =
      status.journal?.find((e) => e.state === 'Pending' || e.state === 'Running')?.name ??
      status.currentStep ??
      steps[0]?.name ??
      'none';
    await write({ ...status, deletedDuringStep: step });
    await deps.event('Warning', 'Deleting', `deleted during step ${step}: the deletion runs as a cancel`);
  }
  if (cause) {
    const decision = decideCancel(
      steps,
      {
        journal: status.journal ?? [],
        conditions: status.conditions,
        awaitingApprovalAt: status.phase === 'AwaitingApproval' ? status.currentStep : undefined,
      },
      cause,
    );
    if (decision.kind === 'tooLate') {
      if (!status.conditions?.some((c) => c.type === CANCELLED_CONDITION)) {
        await write({
          ...status,
          conditions: setConditions(status.conditions, [decision.condition], generation, now()),
        });
        await deps.event('Warning', 'CancelRefused', decision.condition.message);
      }
    } else {
      cancelled = true;
      active = [...steps, ...decision.undo];
      if (decision.begin) await beginCancel(decision.skip, decision.undo, cause);
    }
  }

  for (const step of active) {
    // Every status write returns the object as stored, spec and metadata included: a cancel or a
    // deletion while this call was running is seen before the next step, not after the execution.
    if (cancelCauseOf(failover) !== cancelCauseOf(initial)) return advance(failover, deps);
    const entry = entryOf(step.name);
    if (!entry) throw new Error(`journal has no entry for step ${step.name}`);
    if (entry.state === 'Succeeded' || entry.state === 'Skipped') continue;

    if (dryRun && (step.kind === 'action' || step.kind === 'wait')) {
      const at = now().toISOString();
      await write(
        putEntry({
          ...entry,
          state: 'Skipped',
          startedAt: at,
          finishedAt: at,
          message: stepMessage(`dry run: would ${step.describe}`),
        }),
      );
      continue;
    }

    if (step.kind === 'action' && !dryRun) {
      const lock = await deps.acquireLock(failover);
      if (lock.held) failover = lock.failover;
      else {
        const message = `plan ${failover.spec.planRef.name} is being executed by Failover ${lock.holder}; this one waits for it to finish`;
        if (status.phase !== 'Pending' || status.currentStep !== step.name) {
          await write(
            phase(
              { phase: 'Pending', reason: 'WaitingForActiveExecution', message },
              { ...status, currentStep: step.name },
            ),
          );
          await deps.event('Normal', 'WaitingForActiveExecution', message);
        }
        return { requeueAfterMs: options.recheckIntervalMs };
      }
    }

    // Wait polls do not count as attempts; entering a step, a retry and a resume after a crash do.
    // A step awaiting approval is looked at again every recheck; like a wait poll, that is not a
    // new attempt and writes nothing until the answer changes (no status write, no Event).
    const awaiting =
      status.phase === 'AwaitingApproval' && status.currentStep === step.name && entry.state === 'Running';
    const polling = (step.kind === 'wait' && entry.state === 'Running') || awaiting;
    const running: JournalEntry = {
      ...entry,
      state: 'Running',
      attempts: Math.min(1000, entry.attempts + (polling ? 0 : 1)),
      startedAt: entry.startedAt ?? now().toISOString(),
    };
    if (!polling || (status.phase !== 'Running' && !awaiting)) {
      await write(
        phase(
          { phase: 'Running', reason: 'StepRunning', message: `step ${step.name}: ${step.describe}` },
          putEntry(running),
        ),
      );
      if (entry.state === 'Pending')
        await deps.event('Normal', 'StepStarted', `${step.name}: ${step.describe}`);
    }

    if (
      step.kind === 'wait' &&
      Date.parse(running.startedAt ?? '') + options.waitTimeoutMs < now().getTime()
    ) {
      return finishFailed(
        step,
        running,
        'Timeout',
        `${step.name} did not finish within ${options.waitTimeoutMs} ms (${entry.message ?? ''})`,
      );
    }

    let outcome: StepOutcome;
    try {
      outcome = await step.run({
        ...deps.context,
        failover,
        journal: status.journal ?? [],
        observedLag: status.observedLag,
      });
    } catch (error) {
      const message = `attempt ${running.attempts} failed: ${describeError(error)}`;
      if (running.attempts >= options.maxStepAttempts) {
        return finishFailed(step, running, 'RetriesExhausted', `${step.name}: ${message}`);
      }
      await write(putEntry({ ...running, message: stepMessage(message) }));
      await deps.event('Warning', 'StepRetrying', `${step.name}: ${message}`);
      throw new StepRetryError(`${step.name}: ${message}`);
    }

    switch (outcome.type) {
      case 'succeeded':
      case 'skipped': {
        const state = outcome.type === 'succeeded' ? 'Succeeded' : 'Skipped';
        const done: JournalEntry = {
          ...running,
          state,
          finishedAt: now().toISOString(),
          message: stepMessage(outcome.message),
        };
        const next = withOutcomeConditions(putEntry(done), outcome);
        await write(
          outcome.type === 'succeeded' && outcome.observedLag
            ? { ...next, observedLag: outcome.observedLag }
            : next,
        );
        deps.observer?.stepFinished(step.name, outcome.type);
        await deps.event(
          'Normal',
          state === 'Succeeded' ? 'StepSucceeded' : 'StepSkipped',
          `${step.name}: ${outcome.message}`,
        );
        continue;
      }
      case 'waiting':
        if (running.message !== outcome.message)
          await write(putEntry({ ...running, message: stepMessage(outcome.message) }));
        return { requeueAfterMs: options.pollIntervalMs };
      case 'awaitingApproval': {
        if (dryRun) {
          const at = now().toISOString();
          await write(
            putEntry({
              ...running,
              state: 'Skipped',
              finishedAt: at,
              message: stepMessage(`dry run: approval would be required: ${outcome.message}`),
            }),
          );
          continue;
        }
        // Written when the answer changes (a new approval judged, say), never per recheck.
        if (status.phase !== 'AwaitingApproval' || running.message !== stepMessage(outcome.message)) {
          await write(
            withOutcomeConditions(
              phase(
                {
                  phase: 'AwaitingApproval',
                  reason: outcome.reason ?? 'ApprovalRequired',
                  message: outcome.message,
                },
                putEntry({ ...running, message: stepMessage(outcome.message) }),
              ),
              outcome,
            ),
          );
          await deps.event('Warning', 'AwaitingApproval', outcome.message);
        }
        return { requeueAfterMs: options.recheckIntervalMs };
      }
      case 'failed':
        return finishFailed(step, running, outcome.reason, `${step.name}: ${outcome.message}`);
    }
  }

  if (cancelled) return finishCancelled(active.slice(steps.length).map((u) => u.name));

  // Every step is done.
  const completedAt = now();
  const startedAt = Date.parse(status.startedAt ?? completedAt.toISOString());
  const seconds = Math.max(0, Math.round((completedAt.getTime() - startedAt) / 1000));
  const recovered = dryRun ? {} : { recoveryTimeSeconds: seconds };
  const reason = dryRun ? 'DryRunCompleted' : 'Completed';
  const message = dryRun
    ? 'dry run complete: the journal lists every call the execution would make; none was made'
    : `${failover.spec.targetRegion} is primary; recovery took ${seconds} s`;
  await write(
    phase(
      { phase: 'Succeeded', reason, message },
      { ...status, ...recovered, completedAt: completedAt.toISOString() },
    ),
  );
  deps.observer?.executionFinished(
    failover.spec.type,
    'Succeeded',
    (completedAt.getTime() - startedAt) / 1000,
  );
  await deps.event('Normal', reason, message);
  return {};

  /** The conditions a step's outcome carries (e.g. ApprovalValid), set on the status written with it. */
  function withOutcomeConditions(base: FailoverStatus, outcome: StepOutcome): FailoverStatus {
    const updates = 'conditions' in outcome ? outcome.conditions : undefined;
    if (!updates?.length) return base;
    return { ...base, conditions: setConditions(base.conditions, updates, generation, now()) };
  }

  /** Skips what is left and appends the undo steps, in one status write. */
  async function beginCancel(skip: readonly string[], undo: readonly Step[], by: CancelCause): Promise<void> {
    const at = now().toISOString();
    const journal: JournalEntry[] = (status.journal ?? []).map((e) =>
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
    journal.push(
      ...undo.map((u) => ({
        name: u.name,
        state: 'Pending' as const,
        attempts: 0,
        ...(u.region ? { region: u.region } : {}),
      })),
    );
    const message =
      undo.length > 0
        ? `cancelled by ${by} before the one-way step; undoing: ${undo.map((u) => u.name).join(' → ')}`
        : `cancelled by ${by} before any change in AWS; nothing to undo`;
    await write(
      withPhase(
        { ...status, journal },
        { phase: 'Running', reason: 'Cancelling', message },
        generation,
        now(),
        [{ type: CANCELLED_CONDITION, status: 'Unknown', reason: 'Cancelling', message }],
      ),
    );
    await deps.event('Warning', 'Cancelling', message);
  }

  async function finishCancelled(undoNames: readonly string[]): Promise<AdvanceResult> {
    const at = now();
    const undone = (status.journal ?? []).filter(
      (e) => undoNames.includes(e.name) && e.state === 'Succeeded',
    );
    const message =
      undone.length > 0
        ? `cancelled before the one-way step; undone: ${undone.map((e) => e.name).join(', ')}`
        : 'cancelled before any change in AWS';
    await write(
      withPhase(
        { ...status, completedAt: at.toISOString() },
        { phase: 'Cancelled', reason: 'Cancelled', message },
        generation,
        at,
      ),
    );
    deps.observer?.executionFinished(
      failover.spec.type,
      'Cancelled',
      (at.getTime() - Date.parse(status.startedAt ?? at.toISOString())) / 1000,
    );
    await deps.event('Normal', 'Cancelled', message);
    return {};
  }

  async function finishFailed(
    step: Step,
    running: JournalEntry,
    reason: string,
    message: string,
  ): Promise<AdvanceResult> {
    const at = now();
    const entry: JournalEntry = {
      ...running,
      state: 'Failed',
      finishedAt: at.toISOString(),
      message: stepMessage(message),
    };
    await write(
      phase({ phase: 'Failed', reason, message }, { ...putEntry(entry), completedAt: at.toISOString() }),
    );
    deps.observer?.stepFinished(step.name, 'failed');
    deps.observer?.executionFinished(
      failover.spec.type,
      'Failed',
      (at.getTime() - Date.parse(status.startedAt ?? at.toISOString())) / 1000,
    );
    await deps.event('Warning', 'StepFailed', message);
    return {};
  }
}
