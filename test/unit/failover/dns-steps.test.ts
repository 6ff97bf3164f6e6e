/**
 * verify-dns's decision, as a table: what Route 53 was seen answering (or not answering), how long
 * the step has run and what it saw before, against the outcome and the words of its message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { AwsPorts, Route53ReadPort } from '../../../controllers/aws/ports.js';
import {
  answeredRegion,
  DNS_MOVE_BOUND_SECONDS,
  type DnsObservation,
  decideDns,
  type RegionCheck,
  reportsVerdict,
  VERIFY_DNS,
  verifyDns,
} from '../../../controllers/failover/dns-steps.js';
import type { JournalEntry } from '../../../controllers/failover/model.js';
import { FailoverPlanResource, type FailoverPlanSpec } from '../../../src/apis/index.js';
import { lookOnce, runningFor5s } from '../../controller/step-look.js';

const plan: FailoverPlanSpec = FailoverPlanResource.parse(
  parse(readFileSync(join(import.meta.dirname, '../../../examples/failover/failover-plan.yaml'), 'utf8')),
).spec;
const withoutDns: FailoverPlanSpec = { ...plan, traffic: { gates: plan.traffic.gates } };

const STARTED = '2026-11-25T03:05:00Z';
const at = (seconds: number) => new Date(Date.parse(STARTED) + seconds * 1000);
const USE1 = '10.0.1.5';
const USE2 = '10.1.1.5';

/** The step's journal entry: started at STARTED, with the message of its previous look. */
const entry = (message?: string): JournalEntry[] => [
  { name: VERIFY_DNS, state: 'Running', attempts: 1, startedAt: STARTED, ...(message ? { message } : {}) },
];

const answering = (values: string[], extra: Partial<Extract<DnsObservation, { kind: 'answer' }>> = {}) =>
  ({
    kind: 'answer',
    answer: { responseCode: 'NOERROR', values },
    regional: [
      { region: 'us-east-1', values: [USE1] },
      { region: 'us-east-2', values: [USE2] },
    ],
    ...extra,
  }) satisfies DnsObservation;

const health: RegionCheck[] = [
  { region: 'us-east-1', verdict: 'unhealthy', detail: '2 of 3 members healthy, 3 needed' },
  { region: 'us-east-2', verdict: 'healthy', detail: '3 of 3 members healthy, 3 needed' },
];

interface Case {
  name: string;
  observed: DnsObservation;
  /** Seconds since the step started. */
  after: number;
  plan?: FailoverPlanSpec;
  previous?: string;
  type: 'succeeded' | 'skipped' | 'waiting';
  /** Substrings the message must contain, in order. */
  says: string[];
}

const cases: Case[] = [
  {
    name: 'no DNS in the plan: skipped without reading anything',
    observed: { kind: 'notNamed' },
    after: 0,
    plan: withoutDns,
    type: 'skipped',
    says: ['the plan names no DNS (spec.traffic.dns)'],
  },
  {
    name: 'us-east-1 reported down: skipped without calling Route 53',
    observed: { kind: 'notCalled', reason: 'us-east-1 is reported unhealthy from cluster-use2' },
    after: 0,
    type: 'skipped',
    says: ["not called: us-east-1 is reported unhealthy from cluster-use2, where Route 53's API lives"],
  },
  {
    name: 'Route 53 unreachable: skipped at once, with the error',
    observed: { kind: 'unreachable', reason: 'socket hang up' },
    after: 0,
    type: 'skipped',
    says: ["Route 53's API (us-east-1) did not answer: socket hang up", 'DNS not verified'],
  },
  {
    name: 'no hosted zone of that name',
    observed: { kind: 'noZone', count: 0 },
    after: 0,
    type: 'skipped',
    says: ['no public hosted zone trading.example.com in Route 53'],
  },
  {
    name: 'two public zones of that name: not guessed',
    observed: { kind: 'noZone', count: 2 },
    after: 0,
    type: 'skipped',
    says: ['2 public hosted zones are named trading.example.com'],
  },
  {
    name: 'the answer had moved before the step looked',
    observed: answering([USE2], { health }),
    after: 1,
    type: 'succeeded',
    says: [
      `api.trading.example.com answers us-east-2 (${USE2}) since before verify-dns started at ${STARTED}`,
      'health checks: us-east-1 unhealthy (2 of 3 members healthy, 3 needed), us-east-2 healthy',
    ],
  },
  {
    name: 'the answer moved while the step looked',
    observed: answering([USE2], { health }),
    after: 42,
    previous: 'not yet: api.trading.example.com answers us-east-1 (10.0.1.5) after 40 s; …',
    type: 'succeeded',
    says: [`answers us-east-2 (${USE2}) since ${at(42).toISOString()} (first seen 42 s into verify-dns`],
  },
  {
    name: 'still the old region, within the bound: waiting',
    observed: answering([USE1]),
    after: 60,
    type: 'waiting',
    says: [
      `not yet: api.trading.example.com answers us-east-1 (${USE1}) after 60 s`,
      `from us-east-1 to us-east-2 within ${DNS_MOVE_BOUND_SECONDS} s`,
    ],
  },
  {
    name: 'still the old region at the bound: still waiting',
    observed: answering([USE1]),
    after: DNS_MOVE_BOUND_SECONDS,
    type: 'waiting',
    says: ['answers us-east-1'],
  },
  {
    name: 'still the old region past the bound: skipped, with the checks',
    observed: answering([USE1], { health }),
    after: DNS_MOVE_BOUND_SECONDS + 1,
    type: 'skipped',
    says: [
      `answers us-east-1 (${USE1}) ${DNS_MOVE_BOUND_SECONDS + 1} s after verify-dns started, past the ${DNS_MOVE_BOUND_SECONDS} s`,
      'not us-east-2; health checks: us-east-1 unhealthy',
    ],
  },
  {
    name: 'past the bound with the checks unread',
    observed: answering([USE1], { health: { unread: 'Throttling: Rate exceeded' } }),
    after: DNS_MOVE_BOUND_SECONDS + 5,
    type: 'skipped',
    says: ['health checks not read: Throttling: Rate exceeded'],
  },
  {
    name: 'an address neither region’s own name answers: waiting',
    observed: answering(['192.0.2.9']),
    after: 10,
    type: 'waiting',
    says: ["answers 192.0.2.9, which neither region's own name answers"],
  },
  {
    name: 'no such name yet: waiting on the response code',
    observed: { ...answering([]), answer: { responseCode: 'NXDOMAIN', values: [] } },
    after: 10,
    type: 'waiting',
    says: ['api.trading.example.com answers NXDOMAIN'],
  },
  {
    name: 'throttled within the bound: asks again',
    observed: { kind: 'throttled', reason: 'Rate exceeded' },
    after: 5,
    type: 'waiting',
    says: ['Route 53 throttled the reads (Rate exceeded)'],
  },
  {
    name: 'throttled past the bound: skipped',
    observed: { kind: 'throttled', reason: 'Rate exceeded' },
    after: DNS_MOVE_BOUND_SECONDS + 1,
    type: 'skipped',
    says: ['throttled the reads until the', 'bound passed'],
  },
];

describe('decideDns', () => {
  it.each(cases)('$name', (c) => {
    const outcome = decideDns(
      { observed: c.observed, plan: c.plan ?? plan, journal: entry(c.previous), now: at(c.after) },
      'us-east-2',
      'us-east-1',
    );
    expect(outcome.type).toBe(c.type);
    const message = 'message' in outcome ? outcome.message : '';
    let from = 0;
    for (const part of c.says) {
      const found = message.indexOf(part, from);
      expect(found, `"${part}" in "${message}"`).toBeGreaterThanOrEqual(from);
      from = found + part.length;
    }
  });

  it('is never failed: every observation ends in succeeded, skipped or waiting', () => {
    for (const c of cases) {
      for (const after of [0, DNS_MOVE_BOUND_SECONDS * 10]) {
        const outcome = decideDns(
          { observed: c.observed, plan: c.plan ?? plan, journal: entry(), now: at(after) },
          'us-east-2',
          'us-east-1',
        );
        expect(['succeeded', 'skipped', 'waiting']).toContain(outcome.type);
      }
    }
  });

  it('bounds the wait by the estate’s checks and TTL: 30 s × 3 + 60 s + 30 s', () => {
    expect(DNS_MOVE_BOUND_SECONDS).toBe(180);
  });
});

describe('telling an answer apart', () => {
  it('by the region whose own name answers one of its addresses', () => {
    const regional = [
      { region: 'us-east-1', values: ['10.0.1.5', '10.0.2.5'] },
      { region: 'us-east-2', values: ['10.1.1.5', '10.1.2.5'] },
    ];
    // An ALB's addresses come in a different order, or a subset, from one query to the next.
    expect(answeredRegion({ responseCode: 'NOERROR', values: ['10.1.2.5'] }, regional)).toBe('us-east-2');
    expect(answeredRegion({ responseCode: 'NOERROR', values: ['192.0.2.1'] }, regional)).toBeUndefined();
    expect(answeredRegion({ responseCode: 'NXDOMAIN', values: [] }, regional)).toBeUndefined();
  });

  it('a check is healthy when more than 18% of its checkers say so (Route 53’s rule)', () => {
    const reports = (ok: number, failing: number) => [
      ...Array.from({ length: ok }, () => ({
        checkerRegion: 'us-east-1',
        status: 'Success: HTTP Status Code 200, OK',
      })),
      ...Array.from({ length: failing }, () => ({
        checkerRegion: 'eu-west-1',
        status: 'Failure: Connection timed out.',
      })),
    ];
    expect(reportsVerdict(reports(2, 8))).toBe('healthy');
    expect(reportsVerdict(reports(1, 9))).toBe('unhealthy');
    expect(reportsVerdict(reports(0, 3))).toBe('unhealthy');
    expect(reportsVerdict([])).toBe('unknown');
  });
});

describe('what observe makes of a Route 53 that does not answer', () => {
  /** Ports whose every Route 53 read fails with `error`. */
  const failingWith = (error: Error): AwsPorts => {
    const fail = async (): Promise<never> => {
      throw error;
    };
    const route53: Route53ReadPort = {
      publicZonesNamed: fail,
      recordSets: fail,
      healthCheck: fail,
      healthCheckReports: fail,
      dnsAnswer: fail,
    };
    const noRegion = (): never => {
      throw new Error('verify-dns calls no regional port');
    };
    return { region: noRegion, bestEffort: noRegion, route53: () => route53 };
  };
  const observe = (error: Error) =>
    lookOnce(verifyDns('us-east-2', 'us-east-1'), {
      aws: failingWith(error),
      plan,
      target: 'us-east-2',
      other: 'us-east-1',
      // Looked at now (lookOnce's clock), five seconds into the step.
      journal: runningFor5s(VERIFY_DNS),
    });

  it('throttled: waits and asks again', async () => {
    const { observed, outcome } = await observe(
      Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }),
    );
    expect(observed).toEqual({ kind: 'throttled', reason: 'Rate exceeded' });
    expect(outcome.type).toBe('waiting');
  });

  it('any other error: unreachable, skipped', async () => {
    const { observed, outcome } = await observe(
      Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }),
    );
    expect(observed).toEqual({ kind: 'unreachable', reason: 'Service Unavailable' });
    expect(outcome.type).toBe('skipped');
  });
});
