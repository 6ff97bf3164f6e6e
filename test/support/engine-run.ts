/**
 * One Failover driven through the engine the way the reconciler drives it, without Kubernetes: a
 * stored object with a resourceVersion (a write at a stale one is a 409, as the API server answers),
 * a clock the test moves, RegionHealth reports, the plan lock, and every Event and status write
 * kept. The AWS side is a {@link FakeAws}.
 */
import { type AdvanceResult, advance, type EngineOptions } from '../../controllers/failover/engine.js';
import { isTerminal } from '../../controllers/failover/phase.js';
import { otherRegion } from '../../controllers/failover/plan-view.js';
import { stepsFor } from '../../controllers/failover/step-lists.js';
import type {
  Failover,
  FailoverPlanSpec,
  FailoverSpec,
  FailoverStatus,
  RegionHealth,
} from '../../src/apis/index.js';
import type { FakeAws } from './fake-aws.js';

/** The example unplanned Failover's spec as the engine sees it (defaults applied), unapproved. */
export const UNPLANNED_SPEC: FailoverSpec = {
  planRef: { name: 'trading' },
  type: 'Failover',
  targetRegion: 'us-east-2',
  allowDataLoss: true,
  dryRun: false,
  cancel: false,
  paused: false,
};

/** The example planned Switchover's spec. */
export const PLANNED_SPEC: FailoverSpec = { ...UNPLANNED_SPEC, type: 'Switchover', allowDataLoss: false };

export const ENGINE_TEST_OPTIONS: EngineOptions = {
  maxStepAttempts: 3,
  pollIntervalMs: 1_000,
  waitTimeoutMs: 60_000,
  recheckIntervalMs: 5_000,
};

export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
}

class ConflictError extends Error {
  // client-node's ApiException carries the HTTP status as `code`.
  readonly code = 409;
}

export class EngineRun {
  failover: Failover;
  clock: number;
  readonly events: RecordedEvent[] = [];
  readonly statusWrites: FailoverStatus[] = [];
  /** The Failover holding the plan lock, when not this one. */
  lockHeldBy: string | undefined;
  /** Regions some vantage reports unhealthy. */
  readonly reportedDown = new Set<string>();
  /** A status write that throws, after it reached the store or before (a crash either side). */
  private crash: { inWrites: number; when: 'before' | 'after' } | undefined;

  constructor(
    readonly plan: FailoverPlanSpec,
    readonly aws: FakeAws,
    spec: FailoverSpec,
    options: { createdAt?: string; options?: Partial<EngineOptions>; labels?: Record<string, string> } = {},
  ) {
    const createdAt = options.createdAt ?? '2026-11-25T03:00:00Z';
    this.clock = Date.parse(createdAt) + 1_000;
    this.options = { ...ENGINE_TEST_OPTIONS, ...options.options };
    this.failover = {
      apiVersion: 'failover.switchyard.dev/v1alpha1',
      kind: 'Failover',
      metadata: {
        name: 'f',
        namespace: 'trading',
        creationTimestamp: createdAt,
        resourceVersion: '1',
        generation: 1,
        ...(options.labels ? { labels: options.labels } : {}),
      },
      spec,
    };
  }

  readonly options: EngineOptions;

  get status(): FailoverStatus {
    return this.failover.status ?? {};
  }

  get phase() {
    return this.status.phase;
  }

  entry(name: string) {
    return this.status.journal?.find((e) => e.name === name);
  }

  condition(type: string) {
    return this.status.conditions?.find((c) => c.type === type);
  }

  /** The step names the execution is expected to journal, from the step lists themselves. */
  expectedSteps(): string[] {
    return stepsFor(this.failover.spec, this.plan).map((s) => s.name);
  }

  tick(ms: number): void {
    this.clock += ms;
  }

  private bump(): string {
    return String(Number(this.failover.metadata.resourceVersion ?? '0') + 1);
  }

  /** A person's `kubectl patch` of the spec: a new resourceVersion (and generation). */
  patchSpec(spec: Partial<FailoverSpec>): void {
    const generation = Number(this.failover.metadata.generation ?? 1) + 1;
    this.failover = {
      ...this.failover,
      metadata: { ...this.failover.metadata, resourceVersion: this.bump(), generation },
      spec: { ...this.failover.spec, ...spec },
    };
  }

  /** Someone else writes the status (a second controller, a person): the engine's next write conflicts. */
  writeStatusAsSomeoneElse(status: FailoverStatus): void {
    this.failover = {
      ...this.failover,
      metadata: { ...this.failover.metadata, resourceVersion: this.bump() },
      status,
    };
  }

  /** `kubectl delete`: the finalizer keeps the object, with a deletionTimestamp. */
  delete(): void {
    this.failover = {
      ...this.failover,
      metadata: {
        ...this.failover.metadata,
        resourceVersion: this.bump(),
        deletionTimestamp: new Date(this.clock).toISOString(),
      },
    };
  }

  /** `write` happens between the engine's read and its next status write (another writer wins the race). */
  beforeNextWrite(write: () => void): void {
    this.interleaved = write;
  }

  private interleaved: (() => void) | undefined;

  /** The controller dies at its `nth` status write from now (1: the next), before or after it lands. */
  crashAtWrite(nth: number, when: 'before' | 'after'): void {
    this.crash = { inWrites: nth, when };
  }

  private crashes(when: 'before' | 'after'): boolean {
    if (this.crash?.when !== when) return false;
    if (--this.crash.inWrites > 0) return false;
    this.crash = undefined;
    return true;
  }

  /** One reconcile, from the object as stored. */
  async reconcile(): Promise<AdvanceResult> {
    const read = this.failover;
    const { spec } = read;
    const target = spec.targetRegion;
    return advance(read, {
      steps: stepsFor(spec, this.plan),
      context: {
        spec,
        plan: this.plan,
        target,
        other: otherRegion(this.plan, target),
        aws: this.aws.ports(),
        regionHealth: (region) => (this.reportedDown.has(region) ? [unhealthy(region)] : []),
        automatic: false,
        now: () => new Date(this.clock),
      },
      persist: async (current, status) => {
        const other = this.interleaved;
        this.interleaved = undefined;
        other?.();
        if (current.metadata.resourceVersion !== this.failover.metadata.resourceVersion)
          throw new ConflictError(`the object has been modified (read ${current.metadata.resourceVersion})`);
        if (this.crashes('before')) throw new Error('controller killed before the status write');
        this.failover = {
          ...this.failover,
          metadata: { ...this.failover.metadata, resourceVersion: this.bump() },
          status,
        };
        this.statusWrites.push(status);
        if (this.crashes('after')) throw new Error('controller killed after the status write');
        return this.failover;
      },
      event: async (type, reason, message) => {
        this.events.push({ type, reason, message });
      },
      acquireLock: async (current) =>
        this.lockHeldBy ? { held: false, holder: this.lockHeldBy } : { held: true, failover: current },
      options: this.options,
    });
  }

  /**
   * Reconciles as the work queue would (a thrown error is a retry, a requeue moves the clock by its
   * delay) until the execution ends, waits for a person, is paused, or `rounds` pass.
   */
  async settle(rounds = 200): Promise<Failover> {
    for (let round = 0; round < rounds; round++) {
      let result: AdvanceResult;
      try {
        result = await this.reconcile();
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        this.tick(1_000);
        continue;
      }
      const phase = this.phase;
      if (isTerminal(phase) || phase === 'AwaitingApproval' || phase === 'Paused') break;
      if (phase === 'Pending' && this.lockHeldBy) break;
      if (result.requeueAfterMs === undefined) break;
      this.tick(Math.max(result.requeueAfterMs, 1));
    }
    return this.failover;
  }
}

function unhealthy(region: string): RegionHealth {
  return {
    apiVersion: 'failover.switchyard.dev/v1alpha1',
    kind: 'RegionHealth',
    metadata: { name: `${region}-from-elsewhere`, namespace: 'trading' },
    spec: { region, vantage: 'elsewhere', probes: [] },
    status: { healthy: false },
  } as RegionHealth;
}
