/**
 * Every request the simulator saw, in arrival order, so a test (or `switchyard journal`) can say
 * "no call reached us-east-1" or "FailoverGlobalCluster ran exactly once".
 */
export type Outcome = 'ok' | 'error' | 'refused';

export interface JournalEntry {
  seq: number;
  /** Simulated ISO time at which the request arrived. */
  time: string;
  service: string;
  region: string;
  operation: string;
  outcome: Outcome;
  /** HTTP status for answered requests; absent when the connection was refused. */
  status?: number;
  /** AWS error code for `error`, the fault name for `refused`. */
  errorCode?: string;
  vantage?: string;
}

export interface JournalFilter {
  service?: string;
  region?: string;
  operation?: string;
  outcome?: string;
}

export class Journal {
  private readonly entries: JournalEntry[] = [];
  private nextSeq = 1;

  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    return full;
  }

  list(filter: JournalFilter = {}): JournalEntry[] {
    return this.entries.filter(
      (e) =>
        (!filter.service || e.service === filter.service) &&
        (!filter.region || e.region === filter.region) &&
        (!filter.operation || e.operation === filter.operation) &&
        (!filter.outcome || e.outcome === filter.outcome),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}
