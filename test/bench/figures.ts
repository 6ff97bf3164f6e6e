/**
 * What every section of `npm run bench` returns: figures, each next to its goal when it has one.
 * The console text, bench/results/latest.{json,md} and the README's table are all rendered from
 * these (report-render.ts), so a figure is written once and printed the same way everywhere.
 */

export interface Goal {
  comparison: '<=' | '>=';
  value: number;
}

export interface Figure {
  /** Stable across runs (`controller.unplanned.median`), for comparing results files. */
  id: string;
  title: string;
  /** null: not measured; the note says why, and the figure counts as skipped. */
  value: number | null;
  unit: string;
  goal?: Goal;
  /** Whether the value meets the goal; absent without a goal or a value. */
  met?: boolean;
  note?: string;
}

export interface Section {
  id: string;
  title: string;
  /** How the section measures, in a sentence or two (printed above its figures). */
  setup: string;
  figures: Figure[];
  /** Wall time the section took (filled in by the runner). */
  seconds?: number;
}

export type Verdict = 'MET' | 'MISSED' | 'SKIPPED' | 'INFO';

export const atMost = (value: number): Goal => ({ comparison: '<=', value });
export const atLeast = (value: number): Goal => ({ comparison: '>=', value });

export function meets(value: number, goal: Goal): boolean {
  return goal.comparison === '<=' ? value <= goal.value : value >= goal.value;
}

export function measured(
  id: string,
  title: string,
  value: number,
  unit: string,
  options: { goal?: Goal; note?: string } = {},
): Figure {
  if (!Number.isFinite(value)) {
    return notMeasured(id, title, unit, `the measurement gave ${value}`, options.goal);
  }
  return {
    id,
    title,
    value,
    unit,
    ...(options.goal ? { goal: options.goal, met: meets(value, options.goal) } : {}),
    ...(options.note ? { note: options.note } : {}),
  };
}

/** A figure that could not be taken: printed as skipped with the reason, never dropped silently. */
export function notMeasured(id: string, title: string, unit: string, why: string, goal?: Goal): Figure {
  return { id, title, value: null, unit, ...(goal ? { goal } : {}), note: `not measured: ${why}` };
}

export function verdictOf(figure: Figure): Verdict {
  if (figure.value === null) return 'SKIPPED';
  if (!figure.goal) return 'INFO';
  return figure.met ? 'MET' : 'MISSED';
}

/** Every figure of a section replaced by "not measured" when the section itself failed. */
export function failedSection(id: string, title: string, error: unknown): Section {
  const why = errorText(error);
  return {
    id,
    title,
    setup: `the section failed: ${why}`,
    figures: [notMeasured(`${id}.failed`, title, '', why)],
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
