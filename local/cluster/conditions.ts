/**
 * Status conditions as Kubernetes controllers write them (metav1.Condition without
 * observedGeneration): a condition that did not change keeps its lastTransitionTime, so writing
 * the same status twice is no change and causes no event (which would start another reconcile).
 */
import { isPlainObject } from '../../src/schema/openapi.js';

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message?: string;
  lastTransitionTime: string;
}

/** Seconds precision, as metav1.Time serializes. */
export const conditionTime = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

export function condition(
  type: string,
  status: Condition['status'],
  reason: string,
  message?: string,
): Condition {
  return { type, status, reason, ...(message ? { message } : {}), lastTransitionTime: conditionTime() };
}

export function conditionsOf(object: Record<string, unknown>): Condition[] {
  const status = isPlainObject(object.status) ? object.status : {};
  return Array.isArray(status.conditions)
    ? (status.conditions.filter(isPlainObject) as unknown as Condition[])
    : [];
}

export const findCondition = (object: Record<string, unknown>, type: string) =>
  conditionsOf(object).find((candidate) => candidate.type === type);

export const hasCondition = (object: Record<string, unknown>, type: string, status?: Condition['status']) => {
  const found = findCondition(object, type);
  return found !== undefined && (status === undefined || found.status === status);
};

/**
 * `current` with `updates` set: an update equal in status, reason and message to the condition
 * already there keeps that one (its lastTransitionTime); the others are replaced or added.
 */
export function setConditions(current: Condition[], updates: Condition[]): Condition[] {
  const next = [...current];
  for (const update of updates) {
    const index = next.findIndex((existing) => existing.type === update.type);
    const existing = index >= 0 ? next[index] : undefined;
    const same =
      existing &&
      existing.status === update.status &&
      existing.reason === update.reason &&
      (existing.message ?? '') === (update.message ?? '');
    if (same) continue;
    if (index >= 0) next[index] = update;
    else next.push(update);
  }
  return next;
}
