import type { SimClock } from '../core/clock.js';
import type { Faults } from '../core/faults.js';
import type { Bucket, ObjectVersion, S3Store } from './store.js';

export interface PendingCopy {
  source: Bucket;
  key: string;
  version: ObjectVersion;
  destination: string;
}

/**
 * Cross-region replication: each new version matching an enabled rule is copied to the destination
 * bucket after `delayMs`; while the two regions cannot reach each other the copy waits, and it is
 * retried whenever the faults change, so an outage delays replication instead of losing it.
 */
export class Replicator {
  private readonly waiting: PendingCopy[] = [];
  /** Copies whose delay has not run out yet. */
  private readonly scheduled = new Set<PendingCopy>();

  constructor(
    private readonly store: S3Store,
    private readonly clock: SimClock,
    private readonly faults: Faults,
    private readonly delayMs: number,
  ) {
    faults.onChange(() => this.retryWaiting());
  }

  /** Called after a PutObject / DeleteObject on `source`. */
  replicate(source: Bucket, key: string, version: ObjectVersion): void {
    const rule = source.replication?.rules
      .filter(
        (r) => r.enabled && key.startsWith(r.prefix) && (!version.deleteMarker || r.replicateDeleteMarkers),
      )
      .sort((a, b) => b.priority - a.priority)[0];
    if (!rule) return;
    version.replicationStatus = 'PENDING';
    const copy = { source, key, version, destination: rule.destinationBucket };
    this.scheduled.add(copy);
    this.clock.after(this.delayMs, () => this.attempt(copy));
  }

  /** Every copy not done yet, scheduled or waiting for the regions to reach each other. */
  pending(): PendingCopy[] {
    return [...this.scheduled, ...this.waiting];
  }

  /**
   * After a restart: a copy the previous run had not finished is settled at once rather than
   * after what was left of its delay. It is made now if the two regions can reach each other,
   * and otherwise it waits for the faults to change, as it would have.
   */
  restorePending(copies: readonly PendingCopy[]): void {
    for (const copy of copies) this.attempt(copy);
  }

  private attempt(copy: PendingCopy): void {
    this.scheduled.delete(copy);
    const destination = this.store.buckets.get(copy.destination);
    if (!destination) {
      copy.version.replicationStatus = 'FAILED';
      return;
    }
    if (this.faults.cannotReach(copy.source.region, destination.region)) {
      this.waiting.push(copy);
      return;
    }
    this.store.put(destination, copy.key, { ...copy.version, replicationStatus: 'REPLICA' });
    copy.version.replicationStatus = 'COMPLETED';
  }

  private retryWaiting(): void {
    for (const copy of this.waiting.splice(0)) this.attempt(copy);
  }
}
