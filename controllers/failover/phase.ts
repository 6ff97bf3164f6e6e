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

type ConditionType =
  | 'Succeeded'
  | 'Failed'
  | 'Cancelled'
  | 'Ready'
  | 'Progressing'
  | 'AwaitingApproval'
  | 'Paused';

/**
 * Rows: phases; columns: the conditions each phase writes, in the order a condition first appears
 * in the status (the phase's own condition first), which is the order kubectl describe lists them.
 */
export const PHASE_CONDITIONS: Record<Phase, Partial<Record<ConditionType, Cell>>> = {
  Pending: { Progressing: 'False', Ready: 'False', Succeeded: 'InProgress', Failed: 'InProgress' },
  // Paused keeps its own condition while a pause waits for the next action (PauseRequested).
  Running: {
    Progressing: 'True',
    Ready: 'False',
    Succeeded: 'InProgress',
    Failed: 'InProgress',
    AwaitingApproval: 'False',
  },
  AwaitingApproval: {
    AwaitingApproval: 'True',
    Progressing: 'False',
    Ready: 'False',
    Succeeded: 'InProgress',
    Failed: 'InProgress',
  },
  Paused: {
    Paused: 'True',
    Progressing: 'False',
    Ready: 'False',
    Succeeded: 'InProgress',
    Failed: 'InProgress',
    AwaitingApproval: 'False',
  },
  Succeeded: {
    Succeeded: 'True',
    Ready: 'True',
    Progressing: 'False',
    Failed: 'False',
    AwaitingApproval: 'False',
    Paused: 'IfSet',
  },
  Failed: {
    Failed: 'True',
    Succeeded: 'False',
    Ready: 'False',
    Progressing: 'False',
    AwaitingApproval: 'False',
    Paused: 'IfSet',
  },
  Cancelled: {
    Cancelled: 'True',
    Succeeded: 'False',
    Failed: 'False',
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
  const row = Object.entries(PHASE_CONDITIONS[phase]) as [ConditionType, Cell][];
  return row.flatMap(([type, cell]): ConditionUpdate[] => {
    if (cell === 'IfSet' && !present.has(type)) return [];
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
