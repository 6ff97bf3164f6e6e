/**
 * A controller's work queue, as client-go's rate-limited queue behaves: a key queued twice is
 * worked once, a key is never worked by two workers at once (a change while it is worked queues it
 * again), a failed key comes back after an exponential backoff, and a key can ask to be looked at
 * again later (a resync). Errors stay with their key: one failing object never stops the others.
 */
import type { Logger } from 'pino';

export interface QueueOptions {
  name: string;
  workers?: number;
  /** First retry delay after a failure; doubles per consecutive failure up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  log: Logger;
}

/** What a reconcile asks for: nothing more, or another look after `requeueAfterMs`. */
export interface ReconcileResult {
  requeueAfterMs?: number;
}

export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly order: string[] = [];
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; due: number }>();
  private readonly waiters: (() => void)[] = [];
  private running = 0;
  private stopped = false;

  constructor(
    private readonly reconcile: (key: string) => Promise<ReconcileResult | undefined>,
    private readonly options: QueueOptions,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.order.push(key);
    this.pump();
  }

  /** Queues `key` after `ms` (the earliest request wins). */
  addAfter(key: string, ms: number): void {
    if (this.stopped || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, ms);
    this.timers.set(key, { timer, due: Date.now() + ms });
  }

  /** True when nothing is queued or being worked (delayed keys do not count). */
  isIdle(): boolean {
    return this.order.length === 0 && this.running === 0;
  }

  /** True when a delayed key (a retry, a wait for something still being created) comes back within `ms`. */
  hasWorkDueWithin(ms: number): boolean {
    const horizon = Date.now() + ms;
    for (const { due } of this.timers.values()) if (due <= horizon) return true;
    return false;
  }

  /** Resolves the next time the queue is idle. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.order.length = 0;
    this.queued.clear();
    return this.whenIdle();
  }

  private pump(): void {
    const workers = this.options.workers ?? 8;
    while (this.running < workers && this.order.length > 0) {
      const key = this.order.shift() as string;
      this.queued.delete(key);
      this.active.add(key);
      this.running++;
      void this.work(key);
    }
  }

  private async work(key: string): Promise<void> {
    try {
      const result = await this.reconcile(key);
      this.failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    } catch (error) {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      const base = this.options.baseBackoffMs ?? 100;
      const delay = Math.min(base * 2 ** (failures - 1), this.options.maxBackoffMs ?? 5_000);
      this.options.log.debug(
        { err: error, key, queue: this.options.name, retryInMs: delay },
        'reconcile failed',
      );
      this.addAfter(key, delay);
    } finally {
      this.active.delete(key);
      this.running--;
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
      if (this.isIdle()) for (const resolve of this.waiters.splice(0)) resolve();
    }
  }
}
