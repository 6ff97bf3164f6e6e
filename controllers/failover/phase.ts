/** The Failover's phase and the conditions that mirror it (Kubernetes conventions, one table). */
import { type FailoverStatus, TERMINAL_PHASES } from '../../src/apis/index.js';
import { type ConditionUpdate, setConditions } from '../kube/conditions.js';

export type Phase = NonNullable<FailoverStatus['phase']>;

export const isTerminal = (phase: string | undefined) =>
  (TERMINAL_PHASES as readonly (string | undefined)[]).includes(phase);

export interface PhaseChange {
  phase: Phase;
  reason: string;
  message: string;
}

/**
 * How one condition reads in a phase:
 * - True / False: with the phase change's reason and message;
 * - InProgress: False, reason InProgress (the execution has not finished);
 * - IfSet: False with the phase's reason, but only when the condition was ever written (a Failover
 *   never paused carries no Paused condition);
 * - absent: left as it is.
 */
type Cell = 'True' | 'False' | 'InProgress' | 'IfSet';

const CONDITION_TYPES = [
  'Succeeded',
  'Failed',
  'Cancelled',
  'Ready',
  'Progressing',
  'AwaitingApproval',
  'Paused',
] as const;
type ConditionType = (typeof CONDITION_TYPES)[number];

/** Rows: phases; columns: the conditions each phase writes. */
export const PHASE_CONDITIONS: Record<Phase, Partial<Record<ConditionType, Cell>>> = {
  Pending: { Succeeded: 'InProgress', Failed: 'InProgress', Ready: 'False', Progressing: 'False' },
  // Paused keeps its own condition while a pause waits for the next action (PauseRequested).
  Running: {
    Succeeded: 'InProgress',
    Failed: 'InProgress',
    Ready: 'False',
    Progressing: 'True',
    AwaitingApproval: 'False',
  },
  AwaitingApproval: {
    Succeeded: 'InProgress',
    Failed: 'InProgress',
    Ready: 'False',
    Progressing: 'False',
    AwaitingApproval: 'True',
  },
  Paused: {
    Succeeded: 'InProgress',
    Failed: 'InProgress',
    Ready: 'False',
    Progressing: 'False',
    AwaitingApproval: 'False',
    Paused: 'True',
  },
  Succeeded: {
    Succeeded: 'True',
    Failed: 'False',
    Ready: 'True',
    Progressing: 'False',
    AwaitingApproval: 'False',
    Paused: 'IfSet',
  },
  Failed: {
    Succeeded: 'False',
    Failed: 'True',
    Ready: 'False',
    Progressing: 'False',
    AwaitingApproval: 'False',
    Paused: 'IfSet',
  },
  Cancelled: {
    Succeeded: 'False',
    Failed: 'False',
    Cancelled: 'True',
    Ready: 'False',
    Progressing: 'False',
    AwaitingApproval: 'False',
    Paused: 'IfSet',
  },
};

function conditionsFor(
  { phase, reason, message }: PhaseChange,
  present: ReadonlySet<string>,
): ConditionUpdate[] {
  const row = PHASE_CONDITIONS[phase];
  return CONDITION_TYPES.flatMap((type): ConditionUpdate[] => {
    const cell = row[type];
    if (cell === undefined || (cell === 'IfSet' && !present.has(type))) return [];
    if (cell === 'InProgress')
      return [{ type, status: 'False', reason: 'InProgress', message: 'the execution has not finished' }];
    return [{ type, status: cell === 'True' ? 'True' : 'False', reason, message }];
  });
}

export function withPhase(
  status: FailoverStatus,
  change: PhaseChange,
  generation: number,
  now: Date,
  extra: ConditionUpdate[] = [],
): FailoverStatus {
  const present = new Set((status.conditions ?? []).map((c) => c.type));
  // What the caller adds for a type wins over the table (e.g. Paused=True while a pause waits).
  const overridden = new Set(extra.map((c) => c.type));
  const table = conditionsFor(change, present).filter((c) => !overridden.has(c.type));
  return {
    ...status,
    phase: change.phase,
    observedGeneration: generation,
    conditions: setConditions(status.conditions, [...table, ...extra], generation, now),
  };
}
