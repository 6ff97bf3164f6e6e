/**
 * A Failover's timeline as a standalone SVG Gantt chart: a bar per step coloured by its state, the
 * caller's events (region down, DNS moved) as markers on the same axis, long idle stretches cut
 * out of the axis (see time-axis.ts). Same input, same bytes.
 */
import { element, escapeXml, fitText, MONO, svgDocument, text, textWidth } from './svg.js';
import { buildTimeAxis, type Interval } from './time-axis.js';
import { formatDuration, formatTick } from './time-format.js';
import {
  executionStartMs,
  type StepState,
  type TimelineFailover,
  type TimelineRow,
  timelineRows,
} from './timeline.js';

/** Something that happened around the execution, drawn as a vertical line with its label. */
export interface TimelineMarker {
  at: Date | string;
  label: string;
  /** Colours the line: the fault, its detection, traffic moving, anything else. Default `note`. */
  kind?: 'fault' | 'detection' | 'traffic' | 'note';
}

export interface TimelineSvgOptions {
  markers?: TimelineMarker[];
  /** The clock for steps still running; without it their bars are drawn open-ended at their start. */
  now?: Date | string;
  /** Picture width in px (default 800, a README's width). */
  width?: number;
}

export const STATE_FILL: Record<StepState, string> = {
  Succeeded: '#2e7d32',
  Running: '#1565c0',
  Failed: '#c62828',
  Pending: '#9e9e9e',
  Skipped: '#bdbdbd',
};

const MARKER_STROKE: Record<NonNullable<TimelineMarker['kind']>, string> = {
  fault: '#c62828',
  detection: '#ef6c00',
  traffic: '#6a1b9a',
  note: '#455a64',
};

const PAD = 16;
const LABEL_COLUMN = 200;
const HEADER = 64;
const LANE = 18;
const ROW = 26;
const BAR = 14;
const OPEN_TAIL = 24;
const INK = '#212121';
const MUTED = '#616161';
const GRID = '#e0e0e0';

const instant = (value: Date | string): number =>
  value instanceof Date ? value.getTime() : Date.parse(value);

/** Marker offsets: ms precision near the start, a tenth of a second further out. */
function markerOffset(ms: number): string {
  const digits = Math.abs(ms) >= 1000 ? 1 : 3;
  const magnitude = (Math.abs(ms) / 1000).toFixed(digits);
  return Number(magnitude) === 0 ? '0 s' : `${ms < 0 ? '−' : '+'}${magnitude} s`;
}

function subtitle(
  failover: TimelineFailover,
  nowMs: number | undefined,
  originMs: number | undefined,
): string {
  const status = failover.status;
  const parts = [`${failover.spec.type} to ${failover.spec.targetRegion}`, status?.phase ?? 'not started'];
  if (status?.recoveryTimeSeconds !== undefined) parts.push(`recovery time ${status.recoveryTimeSeconds} s`);
  const completed = status?.completedAt ? Date.parse(status.completedAt) : undefined;
  if (originMs !== undefined && completed !== undefined) {
    parts.push(`start to completion ${formatDuration(completed - originMs)}`);
  } else if (originMs !== undefined && nowMs !== undefined) {
    parts.push(`running for ${formatDuration(nowMs - originMs)}`);
  }
  return parts.join(' · ');
}

function barLabel(row: TimelineRow): string {
  const parts = [row.duration === '-' ? row.state.toLowerCase() : row.duration];
  if (row.attempts > 1) parts.push(`${row.attempts} attempts`);
  return parts.join(' · ');
}

/** The SVG document (with XML declaration), ending in a newline. */
export function timelineSvg(failover: TimelineFailover, options: TimelineSvgOptions = {}): string {
  const width = options.width ?? 800;
  const nowMs = options.now === undefined ? undefined : instant(options.now);
  const rows = timelineRows(failover, options.now === undefined ? {} : { now: options.now });
  const originMs = executionStartMs(failover);
  const origin = originMs ?? nowMs ?? 0;
  const markers = (options.markers ?? [])
    .map((marker) => ({ ...marker, t: instant(marker.at) - origin }))
    .filter((marker) => !Number.isNaN(marker.t))
    .sort((a, b) => a.t - b.t || a.label.localeCompare(b.label));

  const intervals: Interval[] = [{ from: 0, to: 0 }];
  for (const row of rows) {
    if (row.startOffsetMs === undefined) continue;
    intervals.push({ from: row.startOffsetMs, to: row.startOffsetMs + (row.durationMs ?? 0) });
  }
  const completed = failover.status?.completedAt;
  if (completed && originMs !== undefined) {
    const end = Date.parse(completed) - originMs;
    intervals.push({ from: end, to: end });
  }
  for (const marker of markers) intervals.push({ from: marker.t, to: marker.t });

  const chartX0 = PAD + LABEL_COLUMN;
  // Room right of the latest bar for its duration label (and an open bar's dashed tail).
  const rightRoom = 64 + (rows.some((row) => row.open) ? OPEN_TAIL + 40 : 0);
  const chartX1 = width - PAD - rightRoom;
  const axis = buildTimeAxis(intervals, { x0: chartX0, x1: chartX1 });
  const lanesTop = HEADER + 8;
  const rowsTop = lanesTop + markers.length * LANE + (markers.length > 0 ? 6 : 0);
  const rowsBottom = rowsTop + Math.max(rows.length, 1) * ROW;
  const axisY = rowsBottom + 6;
  const legendY = axisY + 44;
  const height = legendY + 12;

  const name = failover.metadata.name ?? '(unnamed)';
  const body: string[] = [
    text(PAD, 30, name, { 'font-size': 17, 'font-weight': 'bold', fill: INK }),
    text(PAD, 52, subtitle(failover, nowMs, originMs), { 'font-size': 13, fill: MUTED }),
  ];

  // Row backgrounds first, so bars, grid and markers draw over them.
  rows.forEach((_, i) => {
    if (i % 2 === 0) {
      body.push(element('rect', { x: 0, y: rowsTop + i * ROW, width, height: ROW, fill: '#fafafa' }));
    }
  });
  for (const cut of axis.breaks) {
    body.push(
      element('rect', {
        x: cut.x0,
        y: lanesTop - 4,
        width: cut.x1 - cut.x0,
        height: axisY - lanesTop + 4,
        fill: '#eeeeee',
      }),
    );
  }
  for (const tick of axis.ticks) {
    const isStart = tick.t === 0;
    body.push(
      element('line', {
        x1: tick.x,
        y1: rowsTop,
        x2: tick.x,
        y2: axisY,
        stroke: isStart ? '#9e9e9e' : GRID,
        'stroke-width': 1,
      }),
    );
  }

  rows.forEach((row, i) => {
    const baseline = rowsTop + i * ROW + ROW / 2 + 4;
    const region = row.region ?? '';
    const regionWidth = textWidth(region, 11);
    body.push(
      text(PAD, baseline, fitText(row.step, 13, LABEL_COLUMN - regionWidth - 20), {
        'font-size': 13,
        fill: INK,
      }),
    );
    if (region) {
      body.push(text(chartX0 - 12, baseline, region, { 'font-size': 11, fill: MUTED, 'text-anchor': 'end' }));
    }
    const fill = STATE_FILL[row.state];
    if (row.startOffsetMs === undefined) {
      body.push(
        text(axis.x(0), baseline, row.state.toLowerCase(), {
          'font-size': 11,
          fill: MUTED,
          'font-style': 'italic',
        }),
      );
      return;
    }
    const x0 = axis.x(row.startOffsetMs);
    const x1 = Math.max(x0 + 2, axis.x(row.startOffsetMs + (row.durationMs ?? 0)));
    const tip = element('title', {}, escapeXml(`${row.step} (${row.state}): ${row.message ?? ''}`.trim()));
    body.push(
      element(
        'rect',
        { x: x0, y: baseline - 4 - BAR / 2 - 1, width: x1 - x0, height: BAR, rx: 2, fill },
        tip,
      ),
    );
    let labelStart = x1 + 5;
    if (row.open) {
      body.push(
        element('line', {
          x1,
          y1: baseline - 5,
          x2: x1 + OPEN_TAIL,
          y2: baseline - 5,
          stroke: fill,
          'stroke-width': 2,
          'stroke-dasharray': '3 3',
        }),
      );
      labelStart = x1 + OPEN_TAIL + 4;
    }
    const label = barLabel(row);
    const fitsRight = labelStart + textWidth(label, 11) <= width - 4;
    body.push(
      text(fitsRight ? labelStart : x0 - 5, baseline, label, {
        'font-size': 11,
        fill: row.state === 'Failed' ? STATE_FILL.Failed : MUTED,
        'text-anchor': fitsRight ? undefined : 'end',
      }),
    );
  });
  if (rows.length === 0) {
    body.push(text(chartX0, rowsTop + ROW / 2 + 4, 'no steps yet', { fill: MUTED, 'font-style': 'italic' }));
  }

  markers.forEach((marker, i) => {
    const x = axis.x(marker.t);
    const laneY = lanesTop + i * LANE + 12;
    const stroke = MARKER_STROKE[marker.kind ?? 'note'];
    const label = `${marker.label} (${markerOffset(marker.t)})`;
    const fitsRight = x + 5 + textWidth(label, 11) <= width - 4;
    body.push(
      element('line', {
        x1: x,
        y1: laneY - 10,
        x2: x,
        y2: axisY,
        stroke,
        'stroke-width': 1.5,
        'stroke-dasharray': '4 3',
      }),
      text(fitsRight ? x + 5 : x - 5, laneY, label, {
        'font-size': 11,
        fill: stroke,
        'font-weight': 'bold',
        'text-anchor': fitsRight ? undefined : 'end',
      }),
    );
  });

  // The axis: a line per segment, a zig-zag and the time cut at every break, tick labels.
  for (const segment of axis.segments) {
    body.push(element('line', { x1: segment.x0, y1: axisY, x2: segment.x1, y2: axisY, stroke: MUTED }));
  }
  for (const cut of axis.breaks) {
    const middle = (cut.x0 + cut.x1) / 2;
    for (const dx of [-4, 4]) {
      body.push(
        element('line', {
          x1: middle + dx - 3,
          y1: axisY + 5,
          x2: middle + dx + 3,
          y2: axisY - 5,
          stroke: MUTED,
        }),
      );
    }
    body.push(
      text(middle, axisY + 30, formatDuration(cut.to - cut.from), {
        'font-size': 10,
        fill: MUTED,
        'font-style': 'italic',
        'text-anchor': 'middle',
      }),
    );
  }
  for (const tick of axis.ticks) {
    body.push(
      element('line', { x1: tick.x, y1: axisY, x2: tick.x, y2: axisY + 4, stroke: MUTED }),
      text(tick.x, axisY + 16, formatTick(tick.t, axis.tickStepMs, '−'), {
        'font-size': 10,
        fill: MUTED,
        'text-anchor': 'middle',
      }),
    );
  }
  body.push(text(PAD, axisY + 16, 'time from start', { 'font-size': 10, fill: MUTED }));

  // Legend: the states that occur, in the schema's order, then what a break means.
  let legendX = PAD;
  const present = (Object.keys(STATE_FILL) as StepState[]).filter((state) =>
    rows.some((r) => r.state === state),
  );
  for (const state of present) {
    body.push(
      element('rect', { x: legendX, y: legendY - 9, width: 10, height: 10, rx: 2, fill: STATE_FILL[state] }),
      text(legendX + 14, legendY, state, { 'font-size': 11, fill: MUTED }),
    );
    legendX += 14 + textWidth(state, 11) + 14;
  }
  if (axis.breaks.length > 0) {
    body.push(
      element('rect', {
        x: legendX,
        y: legendY - 9,
        width: 10,
        height: 10,
        fill: '#eeeeee',
        stroke: '#bdbdbd',
      }),
      text(legendX + 14, legendY, 'time cut from the axis (length below it)', {
        'font-size': 11,
        fill: MUTED,
      }),
    );
  }
  body.push(
    text(width - PAD, legendY, `${failover.metadata.namespace ?? ''}/${name}`.replace(/^\//, ''), {
      'font-size': 10,
      fill: '#9e9e9e',
      'text-anchor': 'end',
      'font-family': MONO,
    }),
  );

  return svgDocument({
    width,
    height: Math.ceil(height),
    title: `Timeline of ${failover.spec.type} ${name} to ${failover.spec.targetRegion}`,
    description: rows
      .map((row) => `${row.step} ${row.region ?? ''} ${row.state} ${row.start} ${row.duration}`)
      .join('; '),
    body,
  });
}
