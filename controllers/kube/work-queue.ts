/**
 * A keyed work queue in the style of client-go's: a key is queued at most once, a key is handled by
 * at most one worker at a time (a change that arrives while it is being handled queues it again
 * afterwards), failures are retried with per-key exponential backoff, and handlers may ask to be
 * called again after a delay (level-triggered polling of AWS state).
 */
export interface ReconcileResult {
  /** Handle the key again after this many ms even if nothing changes. */
  requeueAfterMs?: number;
}

export type KeyHandler = (key: string) => Promise<ReconcileResult | undefined>;

export interface WorkQueueOptions {
  workers: number;
  /** First retry delay after a failure; doubles per consecutive failure of the key. */
  baseRetryDelayMs: number;
  maxRetryDelayMs: number;
  onError?: (key: string, error: unknown, failures: number) => void;
}

interface Delayed {
  timer: NodeJS.Timeout;
  at: number;
}

export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, Delayed>();
  private readonly idleWorkers: Array<(key: string | undefined) => void> = [];
  private readonly running: Promise<void>[] = [];
  private stopped = false;

  constructor(private readonly options: WorkQueueOptions) {}

  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const worker = this.idleWorkers.shift();
    if (worker) this.take(key, worker);
    else this.ready.push(key);
  }

  /** Queues the key after a delay; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.delayed.set(key, { timer, at });
  }

  /** Queues the key after its backoff delay and counts the failure. */
  addRateLimited(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delay = Math.min(this.options.baseRetryDelayMs * 2 ** (failures - 1), this.options.maxRetryDelayMs);
    this.addAfter(key, delay);
    return failures;
  }

  /** Resets the key's backoff after a success. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.ready.length;
  }

  start(handler: KeyHandler): void {
    for (let i = 0; i < this.options.workers; i++) this.running.push(this.work(handler));
  }

  /** Stops taking keys; resolves once the handlers in flight have returned. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    for (const worker of this.idleWorkers.splice(0)) worker(undefined);
    await Promise.all(this.running);
  }

  private take(key: string, worker: (key: string) => void): void {
    this.dirty.delete(key);
    this.processing.add(key);
    worker(key);
  }

  private next(): Promise<string | undefined> {
    if (this.stopped) return Promise.resolve(undefined);
    const key = this.ready.shift();
    if (key !== undefined) {
      this.dirty.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.idleWorkers.push(resolve));
  }

  private async work(handler: KeyHandler): Promise<void> {
    for (;;) {
      const key = await this.next();
      if (key === undefined) return;
      try {
        const result = await handler(key);
        this.forget(key);
        if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
      } catch (error) {
        const failures = this.addRateLimited(key);
        this.options.onError?.(key, error, failures);
      } finally {
        this.processing.delete(key);
        // A change arrived while the key was being handled: hand it out again.
        if (this.dirty.has(key) && !this.stopped) {
          this.dirty.delete(key);
          this.add(key);
        }
      }
    }
  }
}
