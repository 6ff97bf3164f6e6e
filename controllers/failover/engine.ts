/**
 * Runs an execution forward from its journal. Every call is level-triggered: it starts from the
 * persisted status, skips finished steps, and (re)runs the first unfinished one, which reads AWS
 * before acting. The status is written *before* an action (state Running, attempts+1) so a crash
 * mid-call is visible, and after it, so the next reconcile moves on.
 */
import type { Failover, FailoverStatus } from '../../src/apis/index.js';
import { describeError } from '../kube/api-errors.js';
import type { EventType } from '../kube/events.js';
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

export type LockState = { held: true } | { held: false; holder: string };

export interface EngineObserver {
  stepFinished(step: string, outcome: 'succeeded' | 'skipped' | 'failed'): void;
  executionFinished(type: string, outcome: 'Succeeded' | 'Failed', durationSeconds: number): void;
}

export interface EngineDeps {
  steps: Step[];
  context: Omit<ExecutionContext, 'journal' | 'observedLag' | 'failover'>;
  persist(status: FailoverStatus): Promise<Failover>;
  event(type: EventType, reason: string, message: string): Promise<void>;
  acquireLock(): Promise<LockState>;
  observer?: EngineObserver;
  options: EngineOptions;
}

export interface AdvanceResult {
  requeueAfterMs?: number;
}

/** Thrown after a failed attempt was journaled, so the work queue retries with backoff. */
export class StepRetryError extends Error {}

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
    failover = await deps.persist(next);
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

  for (const step of steps) {
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
      const lock = await deps.acquireLock();
      if (!lock.held) {
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
    const polling = step.kind === 'wait' && entry.state === 'Running';
    const running: JournalEntry = {
      ...entry,
      state: 'Running',
      attempts: Math.min(1000, entry.attempts + (polling ? 0 : 1)),
      startedAt: entry.startedAt ?? now().toISOString(),
    };
    if (!polling || status.phase !== 'Running') {
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
        const next = putEntry(done);
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
        if (status.phase !== 'AwaitingApproval') {
          await write(
            phase(
              { phase: 'AwaitingApproval', reason: 'ApprovalRequired', message: outcome.message },
              putEntry({ ...running, message: stepMessage(outcome.message) }),
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
