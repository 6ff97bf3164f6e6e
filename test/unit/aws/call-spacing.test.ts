/** Route 53 calls start one at a time, at least the spacing apart, and a failed call holds none up. */
import { describe, expect, it } from 'vitest';
import { CallSpacing } from '../../../controllers/aws/sdk-ports.js';

describe('CallSpacing', () => {
  it('starts calls made at once one spacing apart, in order, a failure included', async () => {
    const spacing = new CallSpacing(40);
    const starts: Array<[number, number]> = [];
    const call = (id: number, fails = false) =>
      spacing.run(async () => {
        starts.push([id, performance.now()]);
        if (fails) throw new Error(`call ${id} failed`);
        return id;
      });
    const results = await Promise.allSettled([call(1), call(2, true), call(3)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(starts.map(([id]) => id)).toEqual([1, 2, 3]);
    const gaps = starts.slice(1).map(([, at], i) => at - (starts[i]?.[1] ?? 0));
    // Timers may fire a little early; never a whole spacing early.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(35);
  });
});
