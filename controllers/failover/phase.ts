/** The Failover's phase and the conditions that mirror it (Kubernetes conventions, one place). */
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

function conditionsFor({ phase, reason, message }: PhaseChange): ConditionUpdate[] {
  const c = (type: string, status: 'True' | 'False', r: string, m: string) => ({
    type,
    status,
    reason: r,
    message: m,
  });
  switch (phase) {
    case 'Succeeded':
      return [
        c('Succeeded', 'True', reason, message),
        c('Ready', 'True', reason, message),
        c('Progressing', 'False', reason, message),
        c('Failed', 'False', reason, message),
        c('AwaitingApproval', 'False', reason, message),
      ];
    case 'Failed':
      return [
        c('Failed', 'True', reason, message),
        c('Succeeded', 'False', reason, message),
        c('Ready', 'False', reason, message),
        c('Progressing', 'False', reason, message),
        c('AwaitingApproval', 'False', reason, message),
      ];
    case 'Cancelled':
      return [
        c('Cancelled', 'True', reason, message),
        c('Succeeded', 'False', reason, message),
        c('Failed', 'False', reason, message),
        c('Ready', 'False', reason, message),
        c('Progressing', 'False', reason, message),
        c('AwaitingApproval', 'False', reason, message),
      ];
    case 'AwaitingApproval':
      return [
        c('AwaitingApproval', 'True', reason, message),
        c('Progressing', 'False', reason, message),
        c('Ready', 'False', reason, message),
        c('Succeeded', 'False', 'InProgress', 'the execution has not finished'),
        c('Failed', 'False', 'InProgress', 'the execution has not finished'),
      ];
    case 'Pending':
      return [
        c('Progressing', 'False', reason, message),
        c('Ready', 'False', reason, message),
        c('Succeeded', 'False', 'InProgress', 'the execution has not finished'),
        c('Failed', 'False', 'InProgress', 'the execution has not finished'),
      ];
    case 'Running':
      return [
        c('Progressing', 'True', reason, message),
        c('Ready', 'False', reason, message),
        c('Succeeded', 'False', 'InProgress', 'the execution has not finished'),
        c('Failed', 'False', 'InProgress', 'the execution has not finished'),
        c('AwaitingApproval', 'False', reason, message),
      ];
  }
}

export function withPhase(
  status: FailoverStatus,
  change: PhaseChange,
  generation: number,
  now: Date,
  extra: ConditionUpdate[] = [],
): FailoverStatus {
  return {
    ...status,
    phase: change.phase,
    observedGeneration: generation,
    conditions: setConditions(status.conditions, [...conditionsFor(change), ...extra], generation, now),
  };
}
