/**
 * A Failover's step journal as a timeline: one row per step with its region, state, start (from the
 * execution's start) and duration. The demo prints it as a table; {@link timelineSvg} draws it.
 */
import type { FailoverSpec, FailoverStatus, stepStates } from '../../apis/failover.js';
import { formatDuration, formatOffset } from './time-format.js';

export type StepState = (typeof stepStates)[number];

/** The parts of a Failover a timeline reads; a Failover read from the apiserver is one. */
export interface TimelineFailover {
  metadata: { name?: string; namespace?: string };
  spec: Pick<FailoverSpec, 'type' | 'targetRegion'>;
  status?: Pick<
    FailoverStatus,
    'phase' | 'journal' | 'startedAt' | 'completedAt' | 'recoveryTimeSeconds' | 'currentStep'
  >;
}

export interface TimelineRow {
  step: string;
  /** The region whose endpoint the step called, when the journal says. */
  region?: string;
  state: StepState;
  attempts: number;
  message?: string;
  /** Milliseconds from the execution's start to the step's start; absent for a step not started. */
  startOffsetMs?: number;
  /** Absent while a step runs and no `now` was given, or for a step not started. */
  durationMs?: number;
  /** Started, not finished: the bar has no end yet. */
  open: boolean;
  /** `+0.010 s`, or `-` for a step not started. */
  start: string;
  /** `21 ms`, `running 2.4 s`, `running`, or `-`. */
  duration: string;
}

export interface TimelineOptions {
  /** The clock for steps still running; without it their duration is left open. */
  now?: Date | string;
}

const instant = (value: Date | string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

/**
 * When the execution started: `status.startedAt`, else its first step's start. Undefined before the
 * controller has started it.
 */
export function executionStartMs(failover: TimelineFailover): number | undefined {
  const started = instant(failover.status?.startedAt);
  if (started !== undefined) return started;
  const steps = (failover.status?.journal ?? []).map((entry) => instant(entry.startedAt));
  const known = steps.filter((ms): ms is number => ms !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/** One row per journal entry, in journal (execution) order. */
export function timelineRows(failover: TimelineFailover, options: TimelineOptions = {}): TimelineRow[] {
  const origin = executionStartMs(failover);
  const now = instant(options.now);
  return (failover.status?.journal ?? []).map((entry) => {
    const started = instant(entry.startedAt);
    const finished = instant(entry.finishedAt);
    const startOffsetMs = started !== undefined && origin !== undefined ? started - origin : undefined;
    const open = started !== undefined && finished === undefined && entry.state === 'Running';
    const end = finished ?? (open ? now : undefined);
    const durationMs = started !== undefined && end !== undefined ? Math.max(0, end - started) : undefined;
    let duration = durationMs === undefined ? '-' : formatDuration(durationMs);
    if (open) duration = durationMs === undefined ? 'running' : `running ${duration}`;
    return {
      step: entry.name,
      ...(entry.region ? { region: entry.region } : {}),
      state: entry.state,
      attempts: entry.attempts ?? 0,
      ...(entry.message ? { message: entry.message } : {}),
      ...(startOffsetMs !== undefined ? { startOffsetMs } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
      open,
      start: startOffsetMs === undefined ? '-' : formatOffset(startOffsetMs),
      duration,
    };
  });
}

export interface TableOptions {
  /** ANSI colours for the state column; pass `stream.isTTY` so pipes and files get plain text. */
  color?: boolean;
  /** Longest line; the message column is cut to fit (default 120). */
  width?: number;
}

const STATE_COLOURS: Record<StepState, string> = {
  Succeeded: '\u001b[32m',
  Failed: '\u001b[31m',
  Running: '\u001b[36m',
  Pending: '\u001b[2m',
  Skipped: '\u001b[2m',
};
const RESET = '\u001b[0m';

const COLUMNS = ['STEP', 'REGION', 'STATE', 'START', 'DURATION', 'ATTEMPTS', 'MESSAGE'] as const;
/** Left-aligned columns; the numbers are right-aligned so their digits line up. */
const RIGHT_ALIGNED = new Set(['START', 'DURATION', 'ATTEMPTS']);

/** A fixed-width table, one line per step, ending in a newline. */
export function formatTimelineTable(rows: TimelineRow[], options: TableOptions = {}): string {
  const width = options.width ?? 120;
  const cells = rows.map((row) => [
    row.step,
    row.region ?? '-',
    row.state,
    row.start,
    row.duration,
    String(row.attempts),
    (row.message ?? '').replace(/\s+/g, ' ').trim(),
  ]);
  const widths = COLUMNS.map((title, i) =>
    Math.max(title.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const pad = (value: string, i: number) => {
    const column = COLUMNS[i] as string;
    if (column === 'MESSAGE') return value;
    const w = widths[i] as number;
    return RIGHT_ALIGNED.has(column) ? value.padStart(w) : value.padEnd(w);
  };
  const messageRoom = Math.max(
    'MESSAGE'.length,
    width - widths.slice(0, -1).reduce((sum, w) => sum + w + 2, 0),
  );
  const cut = (message: string) =>
    message.length > messageRoom ? `${message.slice(0, messageRoom - 1)}…` : message;
  const line = (values: string[], state?: StepState) =>
    values
      .map((value, i) => {
        const padded = pad(i === values.length - 1 ? cut(value) : value, i);
        return options.color && state && COLUMNS[i] === 'STATE'
          ? `${STATE_COLOURS[state]}${padded}${RESET}`
          : padded;
      })
      .join('  ')
      .trimEnd();
  const lines = [line([...COLUMNS]), ...cells.map((values, i) => line(values, rows[i]?.state))];
  return `${lines.join('\n')}\n`;
}
