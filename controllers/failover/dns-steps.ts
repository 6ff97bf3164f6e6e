/**
 * DNS in the failover timeline (issue 18 §4). Traffic moves by the gates and fences (CloudWatch
 * alarms that Route 53's health checks read, traffic-steps.ts); this step then reads Route 53 and
 * records when the answer for the plan's failover name moved to the target. It is read only, and
 * best effort: Route 53's API lives in us-east-1, often the region being lost, so when RegionHealth
 * reports us-east-1 down it is not called, and when it does not answer the step is Skipped, never
 * failed; it never holds the run past its bound.
 *
 * Zone and health check ids are AWS-generated, so the plan names the DNS (spec.traffic.dns) and
 * the step looks the ids up: ListHostedZonesByName, then TestDNSAnswer for the failover name and
 * for each region's own name (an answer is told by the region whose own name answers the same).
 * Once the answer moved, or the bound passed, it also reads the failover records' health checks
 * (ListResourceRecordSets, GetHealthCheck, GetHealthCheckStatus) to say why.
 */
import type { FailoverPlanSpec } from '../../src/apis/index.js';
import { DNS_FAILOVER_TIMING } from '../../src/estate/traffic/dns-timing.js';
import type { DnsAnswerView, HealthCheckerReport, Route53ReadPort } from '../aws/ports.js';
import { describeError } from '../kube/api-errors.js';
import {
  type DecideInput,
  defineStep,
  type JournalEntry,
  type Step,
  type StepOutcome,
  skipped,
  succeeded,
  waiting,
} from './model.js';
import { reportedDown } from './traffic-steps.js';

export const VERIFY_DNS = 'verify-dns';

/** Route 53's API, and so this step's calls, live in us-east-1. */
const ROUTE53_REGION = 'us-east-1';

/** Over the checks and the TTL: the alarm's evaluation and Route 53's propagation to its name servers. */
const MARGIN_SECONDS = 30;

/**
 * How long after the gates moved the step waits for the new answer before it gives up: Route 53's
 * answer turns once a check turns (FailureThreshold probes RequestInterval apart, for the ALB's
 * check when a region dies), and resolvers follow within the TTL, plus a margin.
 */
export const DNS_MOVE_BOUND_SECONDS =
  DNS_FAILOVER_TIMING.healthCheckIntervalSeconds * DNS_FAILOVER_TIMING.failureThreshold +
  DNS_FAILOVER_TIMING.ttlSeconds +
  MARGIN_SECONDS;

/** One region's health check as Route 53 sees it, in words. */
export interface RegionCheck {
  region: string;
  verdict: 'healthy' | 'unhealthy' | 'unknown';
  detail?: string;
}

export type DnsObservation =
  /** The plan names no DNS: nothing was read. */
  | { kind: 'notNamed' }
  /** Route 53's region is reported down: a best-effort call into it is not made. */
  | { kind: 'notCalled'; reason: string }
  /** Route 53's API did not answer, or refused (a missing permission, say). */
  | { kind: 'unreachable'; reason: string }
  /** Route 53 throttled a read: ask again at the next poll. */
  | { kind: 'throttled'; reason: string }
  /** Not exactly one public hosted zone has the plan's zone name. */
  | { kind: 'noZone'; count: number }
  | {
      kind: 'answer';
      /** What Route 53 answers for the failover name now. */
      answer: DnsAnswerView;
      /** What each region's own name answers. */
      regional: Array<{ region: string; values: string[] }>;
      /** The failover records' checks, read once the answer moved or the bound passed. */
      health?: RegionCheck[] | { unread: string };
    };

/** Route 53's errors for too many requests: not an outage, the next poll asks again. */
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'PriorRequestNotComplete']);
const isThrottling = (error: unknown) => error instanceof Error && THROTTLING.has(error.name);

/** The region whose own name answers with an address the failover name answers with. */
export function answeredRegion(
  answer: DnsAnswerView,
  regional: ReadonlyArray<{ region: string; values: readonly string[] }>,
): string | undefined {
  return regional.find((r) => r.values.some((value) => answer.values.includes(value)))?.region;
}

const entryOf = (journal: readonly JournalEntry[]) => journal.find((e) => e.name === VERIFY_DNS);

/** Seconds since this step started (0 before its journal entry has a start). */
export function elapsedSeconds(journal: readonly JournalEntry[], now: Date): number {
  const startedAt = Date.parse(entryOf(journal)?.startedAt ?? '');
  return Number.isNaN(startedAt) ? 0 : Math.max(0, Math.round((now.getTime() - startedAt) / 1000));
}

/** A waiting message starts so; a later success knows the answer moved while it looked. */
const NOT_YET = 'not yet: ';

function describeAnswer(answer: DnsAnswerView, region: string | undefined): string {
  const values = answer.values.join(', ');
  if (region) return `${region} (${values})`;
  if (answer.responseCode !== 'NOERROR') return answer.responseCode;
  return answer.values.length === 0 ? 'no address' : `${values}, which neither region's own name answers`;
}

function describeHealth(health: RegionCheck[] | { unread: string } | undefined): string {
  if (health === undefined) return '';
  if (!Array.isArray(health)) return `; health checks not read: ${health.unread}`;
  if (health.length === 0) return '; no health check on the failover records';
  const checks = health.map((c) => `${c.region} ${c.verdict}${c.detail ? ` (${c.detail})` : ''}`);
  return `; health checks: ${checks.join(', ')}`;
}

/**
 * The pure half of verify-dns: Skipped when there is nothing to verify or Route 53 does not answer;
 * Succeeded once Route 53 answers the target, saying since when; waiting while it answers anything
 * else within {@link DNS_MOVE_BOUND_SECONDS} of the step's start; Skipped after that.
 */
export function decideDns(
  input: Pick<DecideInput<DnsObservation>, 'observed' | 'plan' | 'journal' | 'now'>,
  target: string,
  old: string,
): StepOutcome {
  const { observed, plan, journal, now } = input;
  const dns = plan.traffic.dns;
  if (!dns || observed.kind === 'notNamed') {
    return skipped('the plan names no DNS (spec.traffic.dns); traffic moved by the gates, unverified in DNS');
  }
  if (observed.kind === 'notCalled') {
    return skipped(
      `not called: ${observed.reason}, where Route 53's API lives; DNS not verified (the gates moved traffic without it)`,
    );
  }
  if (observed.kind === 'unreachable') {
    return skipped(
      `Route 53's API (${ROUTE53_REGION}) did not answer: ${observed.reason}; DNS not verified (the gates moved traffic without it)`,
    );
  }
  if (observed.kind === 'noZone') {
    return skipped(
      observed.count === 0
        ? `no public hosted zone ${dns.zoneName} in Route 53; DNS not verified`
        : `${observed.count} public hosted zones are named ${dns.zoneName}; DNS not verified (which one the domain delegates to is not Route 53's to say)`,
    );
  }
  const elapsed = elapsedSeconds(journal, now);
  const pastBound = elapsed > DNS_MOVE_BOUND_SECONDS;
  const bound = `${DNS_MOVE_BOUND_SECONDS} s (checks every ${DNS_FAILOVER_TIMING.healthCheckIntervalSeconds} s × ${DNS_FAILOVER_TIMING.failureThreshold}, TTL ${DNS_FAILOVER_TIMING.ttlSeconds} s, ${MARGIN_SECONDS} s margin)`;
  if (observed.kind === 'throttled') {
    return pastBound
      ? skipped(`Route 53 throttled the reads until the ${bound} bound passed: ${observed.reason}`)
      : waiting(`${NOT_YET}Route 53 throttled the reads (${observed.reason}); asking again`);
  }
  const region = answeredRegion(observed.answer, observed.regional);
  const health = describeHealth(observed.health);
  if (region === target) {
    const entry = entryOf(journal);
    const since = entry?.message?.startsWith(NOT_YET)
      ? `since ${now.toISOString()} (first seen ${elapsed} s into ${VERIFY_DNS}; an earlier look saw another answer)`
      : `since before ${VERIFY_DNS} started at ${entry?.startedAt ?? now.toISOString()}`;
    return succeeded(
      `${dns.recordName} answers ${describeAnswer(observed.answer, region)} ${since}; resolvers follow within its ${DNS_FAILOVER_TIMING.ttlSeconds} s TTL${health}`,
    );
  }
  const answers = `${dns.recordName} answers ${describeAnswer(observed.answer, region)}`;
  if (pastBound) {
    return skipped(
      `${answers} ${elapsed} s after ${VERIFY_DNS} started, past the ${bound} bound, not ${target}${health}`,
    );
  }
  return waiting(
    `${NOT_YET}${answers} after ${elapsed} s; Route 53 moves it from ${old} to ${target} within ${bound}`,
  );
}

/** Route 53 counts an endpoint healthy when more than 18% of its checkers report it healthy. */
const HEALTHY_SHARE = 0.18;

/** A member check's verdict from its checkers' reports (`Success: …` / `Failure: …`). */
export function reportsVerdict(reports: readonly HealthCheckerReport[]): RegionCheck['verdict'] {
  if (reports.length === 0) return 'unknown';
  const healthy = reports.filter((r) => r.status.startsWith('Success')).length;
  return healthy / reports.length > HEALTHY_SHARE ? 'healthy' : 'unhealthy';
}

async function readReports(route53: Route53ReadPort, id: string): Promise<RegionCheck['verdict']> {
  return reportsVerdict(await route53.healthCheckReports(id));
}

/**
 * A record's check. GetHealthCheckStatus does not report a CALCULATED check (the estate's region
 * checks are), so its verdict is counted from its members' checkers against its threshold. The
 * members' own Inverted/Disabled are not read (the estate sets neither): that would be a
 * GetHealthCheck per member on an API that allows five requests a second.
 */
async function checkVerdict(route53: Route53ReadPort, id: string): Promise<Omit<RegionCheck, 'region'>> {
  const check = await route53.healthCheck(id);
  if (!check) return { verdict: 'unknown', detail: `health check ${id} not found` };
  if (check.disabled) return { verdict: 'healthy', detail: 'disabled, which Route 53 counts as healthy' };
  const flip = (verdict: RegionCheck['verdict']) =>
    !check.inverted || verdict === 'unknown' ? verdict : verdict === 'healthy' ? 'unhealthy' : 'healthy';
  if (check.type !== 'CALCULATED') return { verdict: flip(await readReports(route53, id)) };
  const members: RegionCheck['verdict'][] = [];
  for (const child of check.childHealthCheckIds) members.push(await readReports(route53, child));
  const needed = check.healthThreshold ?? members.length;
  const healthy = members.filter((m) => m === 'healthy').length;
  const unknown = members.filter((m) => m === 'unknown').length;
  const verdict = healthy >= needed ? 'healthy' : healthy + unknown < needed ? 'unhealthy' : 'unknown';
  return {
    verdict: flip(verdict),
    detail: `${healthy} of ${members.length} members healthy, ${needed} needed${unknown ? `, ${unknown} unknown` : ''}`,
  };
}

/** The failover records' checks by region: PRIMARY is the plan's primary, SECONDARY its standby. */
async function readRegionChecks(
  route53: Route53ReadPort,
  zoneId: string,
  recordName: string,
  plan: FailoverPlanSpec,
): Promise<RegionCheck[]> {
  const roles = { PRIMARY: plan.regions.primary, SECONDARY: plan.regions.standby };
  const checks: RegionCheck[] = [];
  for (const set of await route53.recordSets(zoneId, recordName, 'A')) {
    if (!set.failover) continue;
    const region = roles[set.failover];
    checks.push(
      set.healthCheckId
        ? { region, ...(await checkVerdict(route53, set.healthCheckId)) }
        : { region, verdict: 'unknown', detail: 'no health check on its record' },
    );
  }
  return checks;
}

/**
 * After traffic moved to `target`: when Route 53's answer for the plan's failover name moved from
 * `old` (region us-east-1: Route 53's API; read only, best effort).
 */
export function verifyDns(target: string, old: string): Step {
  return defineStep<DnsObservation>({
    name: VERIFY_DNS,
    kind: 'wait',
    region: ROUTE53_REGION,
    bestEffort: true,
    describe: `best effort: read Route 53 (TestDNSAnswer) until the plan's failover name answers ${target}, within ${DNS_MOVE_BOUND_SECONDS} s`,
    async observe(ctx): Promise<DnsObservation> {
      const dns = ctx.plan.traffic.dns;
      if (!dns) return { kind: 'notNamed' };
      const down = reportedDown(ctx, ROUTE53_REGION);
      if (down) return { kind: 'notCalled', reason: down };
      const route53 = ctx.aws.route53();
      let zoneId: string;
      let reading: Extract<DnsObservation, { kind: 'answer' }>;
      try {
        const zones = await route53.publicZonesNamed(dns.zoneName);
        const [zone] = zones;
        if (!zone || zones.length > 1) return { kind: 'noZone', count: zones.length };
        zoneId = zone.id;
        const [answer, ...regional] = await Promise.all([
          route53.dnsAnswer(zoneId, dns.recordName, 'A'),
          ...dns.regionalRecords.map((r) => route53.dnsAnswer(zoneId, r.recordName, 'A')),
        ]);
        reading = {
          kind: 'answer',
          answer: answer ?? { responseCode: 'unknown', values: [] },
          regional: dns.regionalRecords.map((r, i) => ({
            region: r.region,
            values: regional[i]?.values ?? [],
          })),
        };
      } catch (error) {
        const reason = describeError(error);
        return isThrottling(error) ? { kind: 'throttled', reason } : { kind: 'unreachable', reason };
      }
      // The checks only explain the outcome: read them for the last look, not at every poll.
      const last =
        answeredRegion(reading.answer, reading.regional) === target ||
        elapsedSeconds(ctx.journal, ctx.now()) > DNS_MOVE_BOUND_SECONDS;
      if (!last) return reading;
      try {
        return { ...reading, health: await readRegionChecks(route53, zoneId, dns.recordName, ctx.plan) };
      } catch (error) {
        return { ...reading, health: { unread: describeError(error) } };
      }
    },
    decide: (input) => decideDns(input, target, old),
  });
}
