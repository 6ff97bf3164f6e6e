/**
 * Reading the AWS simulator's journal (every request it saw, in order) for one stretch of a
 * scenario. The controllers' calls carry their vantage (the suite's network in front of them names
 * it), so they can be told from Crossplane's provider and the probe agent.
 */
import type { JournalEntry } from '../../local/aws/index.js';
import type { ChaosPlatform } from './platform.js';

/** Where the journal stands now; entries after it are the stretch's. */
export const journalMark = (platform: ChaosPlatform): number => platform.aws.journal.list().at(-1)?.seq ?? 0;

export const journalSince = (platform: ChaosPlatform, mark: number): JournalEntry[] =>
  platform.aws.journal.list().filter((entry) => entry.seq > mark);

/** Calls made by the region controllers (vantage cluster-use1 / cluster-use2). */
export const byControllers = (entries: readonly JournalEntry[]): JournalEntry[] =>
  entries.filter((entry) => entry.vantage?.startsWith('cluster-'));

export const countOf = (entries: readonly JournalEntry[], operation: string, outcome = 'ok'): number =>
  entries.filter((entry) => entry.operation === operation && entry.outcome === outcome).length;

/** Route 53 calls that would change records or health checks (its control plane's writes). */
export const isRoute53Write = (entry: JournalEntry): boolean =>
  entry.service === 'route53' && /^(Change|Create|Update|Delete)/.test(entry.operation);

/** `12 × DescribeAlarms, 3 × PutMetricData`: what a stretch of the journal holds. */
export function describeCalls(entries: readonly JournalEntry[]): string {
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.operation, (counts.get(entry.operation) ?? 0) + 1);
  return [...counts].map(([operation, count]) => `${count} × ${operation}`).join(', ') || 'none';
}
