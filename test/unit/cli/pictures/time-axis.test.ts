/** The timeline's axis: one scale between breaks, long idle stretches cut out and labelled. */
import { describe, expect, it } from 'vitest';
import { buildTimeAxis } from '../../../../src/cli/pictures/time-axis.js';

const layout = { x0: 200, x1: 780 };

describe('buildTimeAxis', () => {
  it('draws everything to one scale when no gap dominates', () => {
    const axis = buildTimeAxis(
      [
        { from: 0, to: 0 },
        { from: 10, to: 31 },
        { from: 40, to: 89 },
        { from: 340, to: 357 },
      ],
      layout,
    );
    expect(axis.breaks).toEqual([]);
    expect(axis.segments).toHaveLength(1);
    const perMs = (axis.x(89) - axis.x(40)) / 49;
    expect((axis.x(357) - axis.x(340)) / 17).toBeCloseTo(perMs, 6);
    expect(axis.x(0)).toBeGreaterThanOrEqual(layout.x0);
    expect(axis.x(357)).toBeLessThanOrEqual(layout.x1);
  });

  it('never cuts a gap under a second, however it compares', () => {
    const axis = buildTimeAxis(
      [
        { from: 0, to: 10 },
        { from: 900, to: 910 },
      ],
      layout,
    );
    expect(axis.breaks).toEqual([]);
  });

  it('cuts the long stretches between a fault, the steps and DNS, keeping the order of things', () => {
    const points = [-31_600, -990, 0, 10, 31, 340, 357, 364, 30_000];
    const axis = buildTimeAxis(
      [
        { from: -31_600, to: -31_600 },
        { from: -990, to: -990 },
        { from: 0, to: 0 },
        { from: 10, to: 31 },
        { from: 340, to: 357 },
        { from: 364, to: 364 },
        { from: 30_000, to: 30_000 },
      ],
      layout,
    );
    expect(axis.breaks.map(({ from, to }) => [from, to])).toEqual([
      [-31_600, -990],
      [364, 30_000],
    ]);
    const xs = points.map((t) => axis.x(t));
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    for (const x of xs) {
      expect(x).toBeGreaterThanOrEqual(layout.x0);
      expect(x).toBeLessThanOrEqual(layout.x1);
    }
    // The steps get most of the width rather than 1/60 of it.
    expect(axis.x(364) - axis.x(0)).toBeGreaterThan(0.2 * (layout.x1 - layout.x0));
    // Breaks sit between the segments they separate.
    const [first, second] = axis.breaks;
    expect(axis.x(-31_600)).toBeLessThan(first?.x0 as number);
    expect(axis.x(-990)).toBeGreaterThan(first?.x1 as number);
    expect(axis.x(30_000)).toBeGreaterThan(second?.x1 as number);
  });

  it('puts ticks at a 1-2-5 step, increasing, on the drawn segments only', () => {
    const axis = buildTimeAxis(
      [
        { from: 0, to: 364 },
        { from: 30_000, to: 30_000 },
      ],
      layout,
    );
    expect([1, 2, 5].map((f) => f * 10 ** Math.floor(Math.log10(axis.tickStepMs)))).toContain(
      axis.tickStepMs,
    );
    const ts = axis.ticks.map((tick) => tick.t);
    expect(ts).toContain(0);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    for (const tick of axis.ticks) {
      expect(axis.breaks.some((b) => tick.t > b.from && tick.t < b.to)).toBe(false);
      expect(tick.x).toBeCloseTo(axis.x(tick.t), 6);
    }
  });

  it('refuses an empty axis', () => {
    expect(() => buildTimeAxis([], layout)).toThrow();
  });
});
