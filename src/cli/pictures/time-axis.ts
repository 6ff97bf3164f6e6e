/**
 * A time axis that stays readable when the things on it happen at very different scales: a region
 * goes down, detection takes seconds, the steps take milliseconds, DNS follows seconds later. Long
 * empty stretches are cut out of the axis (drawn as a labelled break) so that the steps are not a
 * sliver; everything between the breaks shares one scale, so bars stay comparable.
 */

export interface Interval {
  /** Milliseconds relative to the execution's start; `from === to` for an instant. */
  from: number;
  to: number;
}

/** A stretch of the axis drawn to scale. */
export interface AxisSegment extends Interval {
  x0: number;
  x1: number;
}

/** A stretch cut out of the axis: nothing happened in it. */
export interface AxisBreak extends Interval {
  x0: number;
  x1: number;
}

export interface AxisTick {
  t: number;
  x: number;
}

export interface TimeAxis {
  segments: AxisSegment[];
  breaks: AxisBreak[];
  ticks: AxisTick[];
  /** Milliseconds between ticks. */
  tickStepMs: number;
  x(t: number): number;
}

export interface AxisLayout {
  x0: number;
  x1: number;
  /** Width a break takes. */
  breakWidth?: number;
  /** Room kept on both sides of every segment, so bars and markers do not touch a break. */
  edge?: number;
  /** Preferred room between ticks. */
  tickSpacing?: number;
}

/** A gap shorter than this is never cut: cutting 50 ms between two steps would only confuse. */
const MIN_BREAK_MS = 1000;
/** A gap is cut while it takes more than this share of the time still drawn to scale. */
const BREAK_SHARE = 0.2;

/** Sorted, merged stretches with something in them (instants stay zero-length). */
function clusters(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: Interval[] = [];
  for (const { from, to } of sorted) {
    const last = merged.at(-1);
    if (last && from <= last.to) last.to = Math.max(last.to, to);
    else merged.push({ from, to: Math.max(from, to) });
  }
  return merged;
}

/** Indexes of the gaps (between cluster i and i+1) to cut. */
function gapsToCut(parts: Interval[]): Set<number> {
  const gaps = parts.slice(1).map((part, i) => ({ i, length: part.from - (parts[i] as Interval).to }));
  const cut = new Set<number>();
  let drawn = (parts.at(-1) as Interval).to - (parts[0] as Interval).from;
  for (const gap of gaps.sort((a, b) => b.length - a.length || a.i - b.i)) {
    if (gap.length < MIN_BREAK_MS || gap.length <= BREAK_SHARE * drawn) break;
    cut.add(gap.i);
    drawn -= gap.length;
  }
  return cut;
}

/** 1, 2 or 5 times a power of ten: the tick step nearest above `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 5, 10]) if (factor * power >= rough) return factor * power;
  return 10 * power;
}

/** An axis over `intervals` (at least one; include the execution's start so 0 is on it). */
export function buildTimeAxis(intervals: Interval[], layout: AxisLayout): TimeAxis {
  if (intervals.length === 0) throw new Error('a time axis needs at least one interval');
  const breakWidth = layout.breakWidth ?? 44;
  const edge = layout.edge ?? 10;
  const tickSpacing = layout.tickSpacing ?? 80;
  const parts = clusters(intervals);
  const cut = gapsToCut(parts);

  // Group clusters between cuts into segments drawn to scale.
  const spans: Interval[] = [];
  parts.forEach((part, i) => {
    const last = spans.at(-1);
    if (last && !cut.has(i - 1)) last.to = part.to;
    else spans.push({ ...part });
  });
  const scaled = spans.reduce((sum, span) => sum + (span.to - span.from), 0);
  const free = layout.x1 - layout.x0 - (spans.length - 1) * breakWidth - spans.length * 2 * edge;
  // Nothing but instants: any scale draws them; one that makes a second 100 px keeps ticks sane.
  const scale = scaled > 0 ? Math.max(free, 0) / scaled : 0.1;

  const segments: AxisSegment[] = [];
  const breaks: AxisBreak[] = [];
  let x = layout.x0;
  spans.forEach((span, i) => {
    const width = (span.to - span.from) * scale + 2 * edge;
    segments.push({ ...span, x0: x, x1: x + width });
    x += width;
    const next = spans[i + 1];
    if (next) {
      breaks.push({ from: span.to, to: next.from, x0: x, x1: x + breakWidth });
      x += breakWidth;
    }
  });

  const slack = edge / scale;
  const first = segments[0] as AxisSegment;
  const last = segments.at(-1) as AxisSegment;
  const onSegment = (segment: AxisSegment, t: number) => segment.x0 + edge + (t - segment.from) * scale;
  const position = (t: number): number => {
    const segment = segments.find((s) => t >= s.from - slack && t <= s.to + slack);
    if (segment) return onSegment(segment, t);
    const gap = breaks.find((b) => t > b.from && t < b.to);
    if (gap) return gap.x0 + ((t - gap.from) / (gap.to - gap.from)) * (gap.x1 - gap.x0);
    return t < first.from ? onSegment(first, t) : onSegment(last, t);
  };

  const tickStepMs = niceStep(tickSpacing / scale);
  const ticks: AxisTick[] = [];
  for (const segment of segments) {
    const lowest = Math.ceil((segment.from - slack) / tickStepMs);
    const highest = Math.floor((segment.to + slack) / tickStepMs);
    for (let k = lowest; k <= highest; k++) {
      const t = k * tickStepMs;
      const tx = position(t);
      // Keep tick labels apart where a short segment follows a break.
      if (ticks.length > 0 && tx - (ticks.at(-1) as AxisTick).x < tickSpacing / 2) continue;
      ticks.push({ t: Object.is(t, -0) ? 0 : t, x: tx });
    }
  }
  return { segments, breaks, ticks, tickStepMs, x: position };
}
