/**
 * What a chaos scenario is and how one runs: a name, what it claims, and a script of events on the
 * platform. Every event is recorded and followed by the invariant checks (invariants.ts); a
 * violation, or a claim of the scenario that does not hold, fails it with what was seen. A
 * scenario that cannot run says why and counts as skipped, never as passed.
 */
import type { Invariants } from './invariants.js';
import type { ChaosPlatform } from './platform.js';

export class ScenarioFailure extends Error {}
export class ScenarioSkipped extends Error {}

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface ScenarioResult {
  name: string;
  summary: string;
  result: Outcome;
  events: number;
  checks: number;
  seconds: number;
  /** What the scenario measured or saw (counts, timings), one line each. */
  details: string[];
  /** Why it failed or was skipped. */
  reason?: string;
}

export interface Scenario {
  name: string;
  summary: string;
  run(run: ScenarioRun): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ScenarioRun {
  events = 0;
  readonly details: string[] = [];
  private readonly started = Date.now();
  /** Set when the scenario ran out of time: its next step throws instead of acting. */
  private abandoned: string | undefined;

  constructor(
    readonly platform: ChaosPlatform,
    readonly invariants: Invariants,
    private readonly log: (line: string) => void,
  ) {}

  /** Seconds since the scenario started, for the log. */
  private at(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1).padStart(6)} s`;
  }

  /** Stops the scenario at its next step (it ran out of time). */
  abandon(why: string): void {
    this.abandoned = why;
  }

  private checkAbandoned(): void {
    if (this.abandoned) throw new ScenarioFailure(this.abandoned);
  }

  /** Something happened (a fault, a kill, a failover's end): recorded, then every invariant checked. */
  async event(what: string): Promise<void> {
    this.checkAbandoned();
    this.events += 1;
    this.log(`  ${this.at()}  ${what}`);
    const violations = await this.invariants.check();
    if (violations.length > 0) throw new ScenarioFailure(`after "${what}": ${violations.join('; ')}`);
  }

  /** The scenario's end state: every execution terminal, traffic on the writer, nothing lost. */
  async settled(what: string): Promise<void> {
    this.checkAbandoned();
    this.events += 1;
    this.log(`  ${this.at()}  ${what}`);
    const violations = await this.invariants.settled();
    if (violations.length > 0) throw new ScenarioFailure(`${what}: ${violations.join('; ')}`);
  }

  /** A claim of the scenario: false fails it with `message`. */
  require(condition: boolean, message: string): asserts condition {
    if (!condition) throw new ScenarioFailure(message);
  }

  /** A figure for the report. */
  note(detail: string): void {
    this.details.push(detail);
    this.log(`  ${this.at()}  ${detail}`);
  }

  /**
   * Polls `probe` until it returns a value; on timeout fails with `what` and the last sight (the
   * last error, or what `seen` says).
   */
  async waitFor<T>(
    what: string,
    timeoutMs: number,
    probe: () => Promise<T | undefined>,
    seen?: () => string,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last = 'nothing yet';
    for (;;) {
      this.checkAbandoned();
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (error) {
        if (error instanceof ScenarioFailure) throw error;
        last = error instanceof Error ? error.message : String(error);
      }
      if (Date.now() > deadline)
        throw new ScenarioFailure(
          `${what}: not within ${timeoutMs / 1000} s (last seen: ${seen?.() ?? last})`,
        );
      await sleep(250);
    }
  }

  /** Lets time pass (a vantage's probe rounds, a flapping region's period). */
  async pause(ms: number): Promise<void> {
    this.checkAbandoned();
    await sleep(ms);
    this.checkAbandoned();
  }
}
