/**
 * The simulator's one notion of time. Every duration the simulator knows (failover steps, health
 * check intervals, metric periods, injected latency) is written in simulated milliseconds and turned
 * into real milliseconds here, so a test can run a "two minute" failover in a few real milliseconds
 * by choosing a small `timeScale` (real ms per simulated ms).
 *
 * Timestamps the simulator reports (RDS events, metric datapoints, health-check observations) are
 * simulated too: with timeScale 0.001 the simulated clock runs 1000x faster than the wall clock.
 */
export class SimClock {
  private readonly realStart = performance.now();
  private readonly simStart: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly fireListeners = new Set<() => void>();

  constructor(
    readonly timeScale: number,
    startTime = Date.now(),
  ) {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new Error(`timeScale must be a positive number, got ${timeScale}`);
    }
    this.simStart = startTime;
  }

  /** Simulated epoch milliseconds. */
  now(): number {
    return this.simStart + (performance.now() - this.realStart) / this.timeScale;
  }

  date(): Date {
    return new Date(this.now());
  }

  toRealMs(simMs: number): number {
    return Math.max(0, simMs * this.timeScale);
  }

  /** Runs `fn` once after `simMs`; returns a cancel function. */
  after(simMs: number, fn: () => void): () => void {
    if (this.stopped) return () => {};
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
      for (const listener of this.fireListeners) listener();
    }, this.toRealMs(simMs));
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Runs `fn` every `simMs` until cancelled or the clock stops. */
  every(simMs: number, fn: () => void): () => void {
    let cancelCurrent: () => void = () => {};
    let cancelled = false;
    const tick = () => {
      if (cancelled) return;
      fn();
      cancelCurrent = this.after(simMs, tick);
    };
    cancelCurrent = this.after(simMs, tick);
    return () => {
      cancelled = true;
      cancelCurrent();
    };
  }

  /**
   * Calls `listener` after every timer callback: simulated state changes on timers (promotions,
   * launches, replication, metric ticks), and the state file is written after such changes.
   */
  onFire(listener: () => void): () => void {
    this.fireListeners.add(listener);
    return () => this.fireListeners.delete(listener);
  }

  sleep(simMs: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) resolve();
      else this.after(simMs, resolve);
    });
  }

  /** Cancels every pending timer; used when the simulator closes. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
