import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  prepareStateDir,
  readStateFile,
  StateDirError,
  validateState,
  writeStateFileAtomically,
} from '../../state-dir.js';
import type { SimClock } from './clock.js';

/**
 * The simulator's state in the state dir (ADR 0004, "State dir"): one file, `<stateDir>/aws.json`,
 * holding a section per service (and per other keeper of AWS state: faults, the IAM policy) plus
 * the simulated time it was written at.
 *
 * - Every change schedules a write (at most one per WRITE_DELAY_MS); `close` writes a last one.
 *   What counts as a change: a request answered, a clock timer fired (promotions, launches,
 *   replication, metric ticks), a fault applied, a policy set. A write whose sections equal the
 *   last written ones is skipped.
 * - Writes are atomic (tmp + fsync + rename), so a crash leaves the previous file or the new one.
 * - The file carries `layout` and `version`; anything else, or a section that does not match its
 *   service's schema, is refused at start with a StateDirError instead of being half-restored.
 */

export const AWS_STATE_FILE = 'aws.json';
export const AWS_STATE_LAYOUT = 'switchyard-aws-simulator';
/** Bump when a section's shape changes incompatibly, and migrate the older version in `readAwsState`. */
export const AWS_STATE_VERSION = 1;
const WRITE_DELAY_MS = 100;

/**
 * A keeper of simulated AWS state. `snapshot` returns plain JSON (dates as ISO strings, bodies as
 * base64) in the shape `stateSchema` accepts; `restore` gets what the schema parsed, once, at start,
 * before the endpoint answers, and settles whatever was in flight when the snapshot was taken.
 *
 * Adding a service: implement this (a new `stateKey`, its zod schema, `snapshot`, `restore`) and
 * add the service to the parts list in simulator.ts, after `faults`. A new section needs no new
 * version: an older file simply has none and the service starts empty. Changes made by a request
 * or in a clock timer are noticed already; a change made any other way (a probe's answer, a
 * callback) must call the simulator's change hook as Route 53's health changes do.
 */
export interface Persistable<Schema extends z.ZodType = z.ZodType> {
  /** Section name in the state file; never reuse or rename one (that is a new layout version). */
  readonly stateKey: string;
  readonly stateSchema: Schema;
  snapshot(): z.input<Schema>;
  restore(state: z.output<Schema>): void;
}

const envelopeSchema = z.object({
  layout: z.literal(AWS_STATE_LAYOUT),
  version: z.number().int(),
  savedAt: z.iso.datetime(),
  /** The simulated clock when the file was written; every timestamp inside is at or before it. */
  simulatedNow: z.number().finite(),
  sections: z.record(z.string(), z.unknown()),
});

export interface SavedAwsState {
  path: string;
  simulatedNow: number;
  sections: Record<string, unknown>;
}

/** Prepares the state dir and reads its AWS state; undefined when there is none yet. */
export function readAwsState(stateDir: string): SavedAwsState | undefined {
  prepareStateDir(stateDir);
  const path = join(stateDir, AWS_STATE_FILE);
  const data = readStateFile(path);
  if (data === undefined) return undefined;
  const header = z.looseObject({ layout: z.unknown(), version: z.unknown() }).safeParse(data);
  if (!header.success || header.data.layout !== AWS_STATE_LAYOUT) {
    throw new StateDirError(path, `is not an AWS simulator state file (no "layout": "${AWS_STATE_LAYOUT}")`);
  }
  if (header.data.version !== AWS_STATE_VERSION) {
    throw new StateDirError(
      path,
      `has layout version ${JSON.stringify(header.data.version)}, this build reads version ${AWS_STATE_VERSION}`,
    );
  }
  const envelope = validateState(path, envelopeSchema, data, `AWS state layout ${AWS_STATE_VERSION}`);
  return { path, simulatedNow: envelope.simulatedNow, sections: envelope.sections };
}

/**
 * Where the simulated clock resumes: never before the saved time (so no saved timestamp is in the
 * future), and never behind the wall clock (at timeScale 1 simulated time is wall time). Simulated
 * time does not pass while the simulator is stopped, except to catch up with the wall clock.
 */
export function resumeTime(saved: SavedAwsState | undefined, wallNow = Date.now()): number {
  return saved ? Math.max(saved.simulatedNow, wallNow) : wallNow;
}

export class AwsStatePersistence {
  private timer: NodeJS.Timeout | undefined;
  private lastSections: string | undefined;
  private stopped = false;

  constructor(
    readonly path: string,
    private readonly clock: SimClock,
    private readonly parts: readonly Persistable[],
    private readonly logger: Logger,
  ) {
    const keys = parts.map((part) => part.stateKey);
    const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
    if (duplicate) throw new Error(`two persistable parts use the state key "${duplicate}"`);
  }

  /**
   * Restores every part from `saved`, in the order the parts were given (faults first, so the
   * services settle their in-flight work against the faults in force). Every section is validated
   * before any is restored; a section of no known part is refused, since the next write would drop it.
   */
  restore(saved: SavedAwsState): void {
    const known = new Set(this.parts.map((part) => part.stateKey));
    const unknown = Object.keys(saved.sections).filter((key) => !known.has(key));
    if (unknown.length > 0) {
      throw new StateDirError(
        this.path,
        `holds state of ${unknown.join(', ')}, which this build does not simulate (written by a newer build?)`,
      );
    }
    const parsed = this.parts.map((part) => {
      const section = saved.sections[part.stateKey];
      if (section === undefined) return undefined;
      return validateState(this.path, part.stateSchema, section, `the "${part.stateKey}" section`);
    });
    this.parts.forEach((part, index) => {
      const state = parsed[index];
      if (state !== undefined) part.restore(state);
    });
  }

  /** Writes the current state now; a StateDirError when the file cannot be written (the old one is kept). */
  save(): void {
    this.write(this.sectionsText());
  }

  private sectionsText(): string {
    return JSON.stringify(Object.fromEntries(this.parts.map((part) => [part.stateKey, part.snapshot()])));
  }

  private write(sectionsText: string): void {
    // Taken after the snapshot, so every timestamp in it is at or before `simulatedNow`.
    const simulatedNow = this.clock.now();
    const text = `{"layout":${JSON.stringify(AWS_STATE_LAYOUT)},"version":${AWS_STATE_VERSION},"savedAt":${JSON.stringify(new Date().toISOString())},"simulatedNow":${simulatedNow},"sections":${sectionsText}}\n`;
    writeStateFileAtomically(this.path, text);
    this.lastSections = sectionsText;
  }

  /** Schedules a write; cheap enough to call on every change. */
  changed(): void {
    if (this.stopped) return;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.saveIfChanged();
    }, WRITE_DELAY_MS);
  }

  /** Stops scheduling and writes a last time, so the saved clock is the one at close. */
  close(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    try {
      this.save();
    } catch (error) {
      this.logger.error({ err: error, path: this.path }, 'could not write the AWS state at close');
    }
  }

  private saveIfChanged(): void {
    const sectionsText = this.sectionsText();
    if (sectionsText === this.lastSections) return;
    try {
      this.write(sectionsText);
    } catch (error) {
      // The previous file is intact; the next change tries again.
      this.logger.error({ err: error, path: this.path }, 'could not write the AWS state');
    }
  }
}

/** A Date in a section: an ISO string in the file, a Date after parsing. */
export const isoDate = z.iso.datetime().transform((value) => new Date(value));
