/**
 * verify-dns over the wire: the Route 53 read port (SDK v3, so the SDK deserializes every reply)
 * against the simulator seeded with the example plan's estate and its Route 53 side
 * (src/cli/seed-traffic.ts), and the step's observe and decide as the engine chains them. Route 53
 * is only read; when its API does not answer the step is skipped, within the best-effort deadline.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsPorts } from '../../controllers/aws/ports.js';
import { sdkAwsPorts } from '../../controllers/aws/sdk-ports.js';
import { VERIFY_DNS, verifyDns } from '../../controllers/failover/dns-steps.js';
import type { JournalEntry, Step } from '../../controllers/failover/model.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { type FailoverPlanSpec, RegionHealthResource } from '../../src/apis/index.js';
import type { SeededTraffic } from '../../src/cli/seed-traffic.js';
import { credentials, fastSimulator } from '../aws/support.js';
import { waitFor } from '../support/wait.js';
import { examplePlan, publishSwitch, seedTradingEstate, seedTradingTraffic } from './estate.js';
import { lookOnce, runningFor5s } from './step-look.js';

const TARGET = 'us-east-2';
const OLD = 'us-east-1';
const dns = examplePlan.spec.traffic.dns;
if (!dns) throw new Error('the example plan names no DNS');

/** Every Route 53 operation the step may send: reads only. */
const ROUTE53_READS = new Set([
  'ListHostedZonesByName',
  'ListResourceRecordSets',
  'GetHealthCheck',
  'GetHealthCheckStatus',
  'TestDNSAnswer',
]);

let sim: AwsSimulator;
let traffic: SeededTraffic;
let aws: AwsPorts;

beforeEach(async () => {
  sim = await fastSimulator();
  await seedTradingEstate(sim);
  traffic = await seedTradingTraffic(sim);
  // A short deadline, so a region held down costs the test little; no spacing between calls.
  aws = sdkAwsPorts({
    endpoint: sim.url,
    credentials,
    bestEffort: { timeoutMs: 300, maxAttempts: 1 },
    route53CallSpacingMs: 0,
  });
});
afterEach(async () => {
  await sim.close();
});

const albAddress = (region: string) => sim.albs.find((a) => a.region === region)?.address ?? '';
const answers = () => sim.route53.resolve(dns.recordName, 'A', 'us-east-1').values;

/** One look of verify-dns towards the target, `journal` persisted so far. */
const look = (step: Step, journal: JournalEntry[], plan: FailoverPlanSpec = examplePlan.spec) =>
  lookOnce(step, { aws, plan, target: TARGET, other: OLD, journal });
const running = (message?: string) => runningFor5s(VERIFY_DNS, message);

/** Every check has been probed at least once (an unprobed check has no checker reports yet). */
const allProbed = () =>
  [...sim.route53.healthChecks.values()].every(
    (check) => check.config.type === 'CALCULATED' || sim.route53.monitor.observations(check.id).length > 0,
  );

describe('the Route 53 read port against the simulator', () => {
  it('finds the zone by name, the failover records and their checks, the checkers, the answers', async () => {
    const route53 = aws.route53();
    for (const name of [dns.zoneName, `${dns.zoneName}.`]) {
      expect(await route53.publicZonesNamed(name)).toEqual([
        { id: traffic.zoneId, name: `${dns.zoneName}.`, privateZone: false },
      ]);
    }
    expect(await route53.publicZonesNamed('example.com')).toEqual([]);

    const sets = await route53.recordSets(traffic.zoneId, dns.recordName, 'A');
    const withoutDot = (name: string | undefined) => name?.replace(/\.$/, '');
    const albName = (region: string) => withoutDot(sim.albs.find((a) => a.region === region)?.dnsName);
    expect(sets.map((s) => [s.failover, s.healthCheckId, withoutDot(s.aliasTarget)])).toEqual([
      ['PRIMARY', traffic.regionChecks[OLD], albName(OLD)],
      ['SECONDARY', traffic.regionChecks[TARGET], albName(TARGET)],
    ]);
    expect(sets.every((s) => s.values.length === 0 && s.ttlSeconds === undefined)).toBe(true);

    const calculated = await route53.healthCheck(traffic.regionChecks[OLD] ?? '');
    expect(calculated).toMatchObject({
      type: 'CALCULATED',
      healthThreshold: 3,
      inverted: false,
      disabled: false,
    });
    expect(calculated?.childHealthCheckIds).toHaveLength(3);
    expect(await route53.healthCheck('no-such-check')).toBeUndefined();

    await waitFor(allProbed, 'every member check probed');
    const [albCheck] = calculated?.childHealthCheckIds ?? [];
    const reports = await route53.healthCheckReports(albCheck ?? '');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports[0]).toMatchObject({
      checkerRegion: 'us-east-1',
      status: expect.stringMatching(/^(Success|Failure): /),
    });
    expect(reports[0]?.checkedAt).toBeInstanceOf(Date);
    // Route 53 does not report a CALCULATED check's status (the step counts its members instead).
    await expect(route53.healthCheckReports(traffic.regionChecks[OLD] ?? '')).rejects.toThrow(/calculated/);

    await waitFor(() => answers()[0] === albAddress(OLD), `${dns.recordName} to answer ${OLD}`);
    expect(await route53.dnsAnswer(traffic.zoneId, dns.recordName, 'A')).toEqual({
      responseCode: 'NOERROR',
      values: [albAddress(OLD)],
    });
    for (const regional of dns.regionalRecords) {
      expect((await route53.dnsAnswer(traffic.zoneId, regional.recordName, 'A')).values).toEqual([
        albAddress(regional.region),
      ]);
    }
  });
});

describe('verify-dns against the simulator', () => {
  it('waits while Route 53 answers the old primary, then says since when it answers the target, and why', async () => {
    const step = verifyDns(TARGET, OLD);
    await waitFor(
      () => answers()[0] === albAddress(OLD) && allProbed(),
      `${OLD} serving, every check probed`,
    );
    sim.journal.clear();
    const before = await look(step, running());
    expect(before.outcome).toMatchObject({
      type: 'waiting',
      message: expect.stringContaining(`not yet: ${dns.recordName} answers ${OLD} (${albAddress(OLD)})`),
    });
    // Waiting looks skip the health checks: four calls, not thirteen.
    expect(sim.journal.list({ service: 'route53' }).map((e) => e.operation)).toEqual([
      'ListHostedZonesByName',
      'TestDNSAnswer',
      'TestDNSAnswer',
      'TestDNSAnswer',
    ]);

    // Traffic moves as the traffic steps move it: the old primary's gate closes, the target's opens.
    await publishSwitch(sim, 'gate', OLD, true);
    await publishSwitch(sim, 'gate', TARGET, false);
    await waitFor(() => answers()[0] === albAddress(TARGET), `${dns.recordName} to answer ${TARGET}`);
    const message = 'message' in before.outcome ? before.outcome.message : '';
    const after = await look(step, running(message));
    expect(after.outcome.type).toBe('succeeded');
    expect('message' in after.outcome && after.outcome.message).toMatch(
      new RegExp(
        `^${dns.recordName} answers ${TARGET} \\(${albAddress(TARGET).replaceAll('.', '\\.')}\\) since \\S+Z \\(first seen \\d+ s into verify-dns.*` +
          `health checks: ${OLD} unhealthy \\(2 of 3 members healthy, 3 needed\\), ${TARGET} healthy \\(3 of 3 members healthy, 3 needed\\)$`,
      ),
    );
    const operations = sim.journal.list({ service: 'route53' }).map((e) => e.operation);
    expect(operations.filter((op) => !ROUTE53_READS.has(op))).toEqual([]);
    expect(new Set(operations)).toEqual(ROUTE53_READS);
  });

  it.each([
    ['control-plane-down route53', ['control-plane-down', 'route53'], /503|ServiceUnavailable|unavailable/i],
    ['us-east-1 held down (its API never answers)', ['region-down', 'us-east-1', 'blackhole'], /abort/i],
    ['us-east-1 down (connections reset)', ['region-down', 'us-east-1'], /socket hang up|ECONNRESET/i],
  ] as const)(
    'with %s the step is skipped at once, never failed',
    async (_name, [fault, ...args], reason) => {
      sim.faults.apply(fault, [...args]);
      const started = Date.now();
      const { observed, outcome } = await look(verifyDns(TARGET, OLD), running());
      expect(observed).toMatchObject({ kind: 'unreachable', reason: expect.stringMatching(reason) });
      expect(outcome).toMatchObject({
        type: 'skipped',
        message: expect.stringContaining("Route 53's API (us-east-1) did not answer"),
      });
      // One call, within the best-effort deadline (300 ms here).
      expect(Date.now() - started).toBeLessThan(2_000);
    },
  );

  it('us-east-1 reported down by RegionHealth: skipped without a call into it', async () => {
    sim.journal.clear();
    const down = RegionHealthResource.parse({
      apiVersion: 'failover.switchyard.dev/v1alpha1',
      kind: 'RegionHealth',
      metadata: { name: 'us-east-1-from-cluster-use2', namespace: 'trading' },
      spec: {
        region: OLD,
        vantage: 'cluster-use2',
        probes: [{ name: 'alb', type: 'TCP', tcp: { host: 'x', port: 443 } }],
      },
      status: { healthy: false },
    });
    const { outcome } = await lookOnce(verifyDns(TARGET, OLD), {
      aws,
      plan: examplePlan.spec,
      target: TARGET,
      other: OLD,
      journal: running(),
      regionHealth: (region) => (region === OLD ? [down] : []),
    });
    expect(outcome).toMatchObject({
      type: 'skipped',
      message: expect.stringContaining('not called: us-east-1 is reported unhealthy from cluster-use2'),
    });
    expect(sim.journal.list()).toEqual([]);
  });

  it('a plan that names no DNS: skipped without a Route 53 call', async () => {
    sim.journal.clear();
    const plan = { ...examplePlan.spec, traffic: { gates: examplePlan.spec.traffic.gates } };
    const { outcome } = await look(verifyDns(TARGET, OLD), running(), plan);
    expect(outcome).toMatchObject({ type: 'skipped', message: expect.stringContaining('spec.traffic.dns') });
    expect(sim.journal.list({ service: 'route53' })).toEqual([]);
  });
});
