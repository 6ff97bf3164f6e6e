import { describe, expect, it } from 'vitest';
import { type Condition, setConditions } from '../../../local/cluster/conditions.js';

const at = (
  time: string,
  type: string,
  status: Condition['status'],
  reason: string,
  message?: string,
): Condition => ({
  type,
  status,
  reason,
  ...(message ? { message } : {}),
  lastTransitionTime: time,
});

describe('setConditions', () => {
  it('keeps a condition that did not change, with its time, so a repeated write changes nothing', () => {
    const current = [at('2026-01-01T00:00:00Z', 'Ready', 'True', 'Available')];
    expect(setConditions(current, [at('2026-02-02T00:00:00Z', 'Ready', 'True', 'Available')])).toEqual(
      current,
    );
  });

  it('replaces one whose status, reason or message changed and adds new types', () => {
    const current = [at('2026-01-01T00:00:00Z', 'Ready', 'False', 'Creating')];
    const next = setConditions(current, [
      at('2026-02-02T00:00:00Z', 'Ready', 'True', 'Available'),
      at('2026-02-02T00:00:00Z', 'Synced', 'False', 'ReconcileError', 'boom'),
    ]);
    expect(next).toEqual([
      at('2026-02-02T00:00:00Z', 'Ready', 'True', 'Available'),
      at('2026-02-02T00:00:00Z', 'Synced', 'False', 'ReconcileError', 'boom'),
    ]);
  });
});
