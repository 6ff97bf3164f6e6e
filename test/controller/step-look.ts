/**
 * One look of a step (observe, then decide) as the engine takes it, outside an execution: for
 * tests of a step over the wire that need no Kubernetes side. The Failover is the example
 * switchover; the plan, the regions, the journal and the AWS ports are the caller's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { AwsPorts } from '../../controllers/aws/ports.js';
import type { ExecutionContext, JournalEntry, Step } from '../../controllers/failover/model.js';
import { type FailoverPlanSpec, FailoverResource } from '../../src/apis/index.js';

const failover = FailoverResource.parse(
  parse(readFileSync(join(import.meta.dirname, '../../examples/failover/failover-switchover.yaml'), 'utf8')),
);

export interface Look {
  aws: AwsPorts;
  plan: FailoverPlanSpec;
  target: string;
  other: string;
  journal: JournalEntry[];
  /** The RegionHealth cache (default: none). */
  regionHealth?: ExecutionContext['regionHealth'];
}

export async function lookOnce(step: Step, { aws, plan, target, other, journal, regionHealth }: Look) {
  const now = new Date();
  const context: ExecutionContext = {
    failover,
    spec: failover.spec,
    plan,
    target,
    other,
    aws,
    regionHealth: regionHealth ?? (() => []),
    journal,
    observedLag: undefined,
    automatic: false,
    now: () => now,
  };
  const observed = await step.observe(context);
  const outcome = step.decide({
    spec: failover.spec,
    plan,
    journal,
    observed,
    target,
    other,
    observedLag: undefined,
    automatic: false,
    failoverCreatedAt: '',
    now,
  });
  return { observed, outcome };
}

/** The journal of a step running for five seconds, `message` the one of its previous look. */
export const runningFor5s = (name: string, message?: string): JournalEntry[] => [
  {
    name,
    state: 'Running',
    attempts: 1,
    startedAt: new Date(Date.now() - 5_000).toISOString(),
    ...(message ? { message } : {}),
  },
];
