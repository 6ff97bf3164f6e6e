/**
 * The automatic trigger's policy: signals combined by signalPolicy, N of M rounds, ≥ 2 vantages,
 * healthy standby, cooldown, no automatic failback.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AutomaticTrigger } from '../../controllers/health/trigger.js';
import type { SwitchyardKube } from '../../controllers/kube/resources.js';
import { type Failover, type FailoverPlan, FailoverPlanResource } from '../../src/apis/index.js';
import { examples } from './platform.js';

const basePlan = (): FailoverPlan => ({
  ...FailoverPlanResource.parse(parse(readFileSync(join(examples, 'failover-plan.yaml'), 'utf8'))),
  metadata: { name: 'trading', namespace: 'trading' },
});

const withPolicy = (signalPolicy: FailoverPlan['spec']['automatic']['signalPolicy']): FailoverPlan => {
  const plan = basePlan();
  plan.spec.automatic.signalPolicy = signalPolicy;
  return plan;
};

/** One round's verdicts, signal → healthy; the vantage probes exactly these signals. */
type Verdicts = Record<string, boolean>;

function setUp(plan = basePlan(), failovers: Failover[] = [], start = new Date('2026-11-25T12:00:00Z')) {
  let now = start;
  const created: Failover[] = [];
  const logs: string[] = [];
  // Only createFailover is used by the trigger; a stub stands in for the API client.
  const kube = {
    createFailover: async (_ns: string, body: Failover) => void created.push(body),
  } as unknown as SwitchyardKube;
  const trigger = new AutomaticTrigger({
    kube,
    region: 'us-east-2',
    plans: () => [plan],
    // What the informer would list: the given Failovers and those the trigger created.
    failovers: () => [...failovers, ...created],
    now: () => now,
    log: (message) => logs.push(message),
  });
  const counters = new Map<string, number>();
  /** `failuresInARow`: the prober's raw count per signal, sent beside `healthy` (below the threshold). */
  const round = async (
    name: string,
    region: string,
    vantage: string,
    verdicts: Verdicts,
    failuresInARow?: Record<string, number>,
  ) => {
    const n = (counters.get(name) ?? 0) + 1;
    counters.set(name, n);
    // Round n was probed n seconds after 11:59:30, so every report is fresh at 12:00.
    const at = new Date(Date.UTC(2026, 10, 25, 11, 59, 30 + n)).toISOString().replace('.000', '');
    await trigger.observe({
      apiVersion: 'failover.switchyard.dev/v1alpha1',
      kind: 'RegionHealth',
      metadata: { name, namespace: 'trading' },
      spec: {
        region,
        vantage,
        // The probe type is irrelevant to the trigger, which reads only names and verdicts.
        probes: Object.keys(verdicts).map((signal) => ({
          name: signal,
          type: 'TCP',
          tcp: { host: 'h', port: 1 },
        })),
      },
      status: {
        healthy: Object.values(verdicts).every(Boolean),
        signals: Object.entries(verdicts).map(([signal, healthy]) => ({
          name: signal,
          healthy,
          lastTransitionTime: at,
          lastProbeTime: at,
          ...(failuresInARow ? { consecutiveFailures: failuresInARow[signal] ?? 0 } : {}),
        })),
      },
    } as never);
  };
  /** Rounds in which both plan signals say the same: `o` healthy, `f` failing. */
  const rounds = async (pattern: string, name: string, region = 'us-east-1', vantage = name) => {
    for (const c of pattern)
      await round(name, region, vantage, { alb: c === 'o', 'aurora-writer': c === 'o' });
  };
  /** Rounds with one pattern per signal (equal lengths); the vantage probes only the signals named. */
  const signalRounds = async (name: string, patterns: Record<string, string>, region = 'us-east-1') => {
    const length = Math.max(...Object.values(patterns).map((pattern) => pattern.length));
    for (let i = 0; i < length; i++) {
      const verdicts = Object.fromEntries(
        Object.entries(patterns).map(([signal, pattern]) => [signal, pattern[i] === 'o']),
      );
      await round(name, region, name, verdicts);
    }
  };
  const setNow = (at: string) => {
    now = new Date(at);
  };
  return { trigger, created, logs, round, rounds, signalRounds, plan, setNow };
}

describe('automatic trigger', () => {
  it('fires once when both vantages see 3 of 5 failing rounds and the standby is healthy', async () => {
    const { created, rounds } = setUp();
    await rounds('o', 'use2', 'us-east-2');
    await rounds('offff', 'v1');
    await rounds('oofof', 'v2');
    expect(created).toHaveLength(0); // v2 has only 2 of 5 so far
    await rounds('f', 'v2');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      metadata: {
        name: 'trading-auto-202611251200',
        labels: { 'failover.switchyard.dev/trigger': 'automatic' },
      },
      spec: { type: 'Failover', targetRegion: 'us-east-2', planRef: { name: 'trading' } },
    });
  });

  it('does not count a vantage whose reports stopped (a cluster gone with its region), and says so', async () => {
    // The same rounds as the firing case, seen one minute later: every report is older than 3 × 10s.
    const late = setUp(basePlan(), [], new Date('2026-11-25T12:01:00Z'));
    await late.rounds('o', 'use2', 'us-east-2');
    await late.rounds('offff', 'v1');
    await late.rounds('oofoff', 'v2');
    expect(late.created).toHaveLength(0);
    expect(late.trigger.decide('trading', late.plan)).toEqual({
      fire: false,
      why: 'primary failing on 0 fresh vantage(s) under signalPolicy All, 2 needed; stale: v1 (alb last probed 2026-11-25T11:59:35Z, more than 3 × 10s ago), v2 (alb last probed 2026-11-25T11:59:36Z, more than 3 × 10s ago)',
    });
  });

  it('does not fire on a one-vantage partition', async () => {
    const { created, rounds } = setUp();
    await rounds('o', 'use2', 'us-east-2');
    await rounds('fffff', 'v1');
    await rounds('ooooo', 'v2');
    expect(created).toHaveLength(0);
  });

  it('does not fire for a primary flapping faster than the window', async () => {
    const { created, rounds } = setUp();
    await rounds('o', 'use2', 'us-east-2');
    await rounds('foofoofoofoo', 'v1');
    await rounds('ofoofoofoofo', 'v2');
    expect(created).toHaveLength(0);
  });

  it('does not fire when the standby is unhealthy, within the cooldown, or after a failover (no automatic failback)', async () => {
    const standbyDown = setUp();
    await standbyDown.rounds('f', 'use2', 'us-east-2');
    await standbyDown.rounds('fff', 'v1');
    await standbyDown.rounds('fff', 'v2');
    expect(standbyDown.created).toHaveLength(0);

    const recent: Failover = {
      apiVersion: 'failover.switchyard.dev/v1alpha1',
      kind: 'Failover',
      metadata: { name: 'earlier', namespace: 'trading', creationTimestamp: '2026-11-25T11:45:00Z' },
      spec: {
        planRef: { name: 'trading' },
        type: 'Switchover',
        targetRegion: 'us-east-1',
        allowDataLoss: false,
        dryRun: false,
        cancel: false,
        paused: false,
      },
      status: { phase: 'Succeeded' },
    };
    const cooling = setUp(basePlan(), [recent]);
    await cooling.rounds('o', 'use2', 'us-east-2');
    await cooling.rounds('fff', 'v1');
    await cooling.rounds('fff', 'v2');
    expect(cooling.created).toHaveLength(0);
    expect(cooling.trigger.decide('trading', cooling.plan)).toEqual({
      fire: false,
      why: 'within the cooldown of 30m',
    });

    const failedOver = basePlan();
    failedOver.status = {
      currentRoles: { primary: 'us-east-2', standby: 'us-east-1', observedAt: '2026-11-25T11:00:00Z' },
    };
    const after = setUp(failedOver);
    await after.rounds('o', 'use2', 'us-east-2');
    await after.rounds('fff', 'v1');
    await after.rounds('fff', 'v2');
    expect(after.created).toHaveLength(0);
    expect(after.trigger.decide('trading', failedOver)).toMatchObject({
      why: 'already failed over; failback is never automatic',
    });
  });

  it('counts raw probe results, not `healthy` held up by failureThreshold: 3 failing probes on both vantages fire', async () => {
    const { created, round, rounds } = setUp();
    await rounds('o', 'use2', 'us-east-2');
    // The probes fail from the first round, but `healthy` only turns after 3 failures in a row.
    for (const inARow of [1, 2]) {
      for (const vantage of ['v1', 'v2'])
        await round(
          vantage,
          'us-east-1',
          vantage,
          { alb: true, 'aurora-writer': true },
          {
            alb: inARow,
            'aurora-writer': inARow,
          },
        );
    }
    expect(created).toHaveLength(0);
    await round(
      'v1',
      'us-east-1',
      'v1',
      { alb: false, 'aurora-writer': false },
      { alb: 3, 'aurora-writer': 3 },
    );
    await round(
      'v2',
      'us-east-1',
      'v2',
      { alb: false, 'aurora-writer': false },
      { alb: 3, 'aurora-writer': 3 },
    );
    expect(created).toHaveLength(1);
  });

  it('after a failback counts only the rounds since the home region became the primary again', async () => {
    // Failed over: us-east-1 is the standby, so it fails aurora-writer in every round.
    const plan = basePlan();
    plan.status = {
      currentRoles: { primary: 'us-east-2', standby: 'us-east-1', observedAt: '2026-11-25T11:59:00Z' },
    };
    const { created, rounds, setNow, trigger } = setUp(plan);
    await rounds('o', 'use2', 'us-east-2');
    await rounds('fffff', 'v1');
    await rounds('fffff', 'v2');
    // A Switchover made in us-east-1's cluster moved the writer back; this cluster learns it from the roles.
    setNow('2026-11-25T11:59:35.500Z');
    plan.status = {
      currentRoles: { primary: 'us-east-1', standby: 'us-east-2', observedAt: '2026-11-25T11:59:35Z' },
    };
    await rounds('o', 'use2', 'us-east-2');
    expect(trigger.decide('trading', plan)).toMatchObject({ fire: false });
    await rounds('ff', 'v1');
    await rounds('ff', 'v2');
    expect(created).toHaveLength(0);
    // Three failing rounds of its own as the primary, on both vantages: that is an outage.
    setNow('2026-11-25T11:59:45Z');
    await rounds('f', 'v1');
    await rounds('f', 'v2');
    expect(created).toHaveLength(1);
  });
});

describe('signalPolicy: how the signals combine on one vantage', () => {
  const HOLD_ALL = 'primary failing on 0 fresh vantage(s) under signalPolicy All, 2 needed';
  const onBoth = (patterns: Record<string, string>) => ({ v1: patterns, v2: patterns });
  const fires = (policy: string, voters: string) => ({
    fire: true as const,
    reason: `automatic, signalPolicy ${policy}: us-east-1 failed in at least 3 of the last 5 rounds on ${voters}; us-east-2 healthy`,
  });
  const holds = (why: string) => ({ fire: false as const, why });
  const BOTH_FAILING = 'v1 (alb, aurora-writer), v2 (alb, aurora-writer)';

  const cases: {
    name: string;
    policy: 'All' | 'Any';
    /** The primary's vantages (RegionHealth name = vantage): signal → rounds, `o` healthy, `f` failing. */
    primary: Record<string, Record<string, string>>;
    expected: { fire: true; reason: string } | { fire: false; why: string };
  }[] = [
    {
      name: 'an ALB-only outage (an app-tier problem) under All: no Failover',
      policy: 'All',
      primary: onBoth({ alb: 'fffff', 'aurora-writer': 'ooooo' }),
      expected: holds(`${HOLD_ALL}; not voting: v1 (only alb failing), v2 (only alb failing)`),
    },
    {
      name: 'the ALB and the Aurora writer failing under All: Failover',
      policy: 'All',
      primary: onBoth({ alb: 'fffff', 'aurora-writer': 'fffff' }),
      expected: fires('All', BOTH_FAILING),
    },
    {
      name: 'an ALB-only outage under Any: Failover',
      policy: 'Any',
      primary: onBoth({ alb: 'fffff', 'aurora-writer': 'ooooo' }),
      expected: fires('Any', 'v1 (alb), v2 (alb)'),
    },
    {
      name: 'under All a vantage that does not probe aurora-writer cannot vote',
      policy: 'All',
      primary: { v1: { alb: 'fffff', 'aurora-writer': 'fffff' }, v2: { alb: 'fffff' } },
      expected: holds(
        'primary failing on 1 fresh vantage(s) under signalPolicy All, 2 needed; not voting: v2 (cannot vote: does not probe aurora-writer)',
      ),
    },
    {
      name: 'under Any the signal a vantage does not probe is ignored',
      policy: 'Any',
      primary: { v1: { alb: 'fffff', 'aurora-writer': 'fffff' }, v2: { alb: 'fffff' } },
      expected: fires('Any', 'v1 (alb, aurora-writer), v2 (alb)'),
    },
    {
      name: 'N of M per signal: the ALB failing steadily, the Aurora writer in alternate rounds (2 of 5)',
      policy: 'All',
      primary: onBoth({ alb: 'fffff', 'aurora-writer': 'ofofo' }),
      expected: holds(`${HOLD_ALL}; not voting: v1 (only alb failing), v2 (only alb failing)`),
    },
    {
      name: 'N of M per signal: the Aurora writer failing steadily, the ALB in alternate rounds (3 of 5)',
      policy: 'All',
      primary: onBoth({ alb: 'fofof', 'aurora-writer': 'fffff' }),
      expected: fires('All', BOTH_FAILING),
    },
    {
      name: 'N of M per signal: each fails in 3 of 5 rounds though both together in only 2',
      policy: 'All',
      primary: onBoth({ alb: 'ffoff', 'aurora-writer': 'offfo' }),
      expected: fires('All', BOTH_FAILING),
    },
    {
      name: 'N of M per signal: ALB failures older than the window do not count',
      policy: 'All',
      primary: onBoth({ alb: 'fffffoooo', 'aurora-writer': 'fffffffff' }),
      expected: holds(
        `${HOLD_ALL}; not voting: v1 (only aurora-writer failing), v2 (only aurora-writer failing)`,
      ),
    },
  ];

  it.each(cases)('$name', async ({ policy, primary, expected }) => {
    const { trigger, created, rounds, signalRounds, plan } = setUp(withPolicy(policy));
    await rounds('o', 'use2', 'us-east-2');
    for (const [vantage, patterns] of Object.entries(primary)) await signalRounds(vantage, patterns);
    if (expected.fire) {
      expect(created.map((failover) => failover.spec.reason)).toEqual([expected.reason]);
    } else {
      expect(created).toEqual([]);
      expect(trigger.decide('trading', plan)).toEqual(expected);
    }
  });

  it('says in its log why it holds, once per change: a vantage that cannot vote is named', async () => {
    const { logs, rounds, signalRounds } = setUp(withPolicy('All'));
    await rounds('o', 'use2', 'us-east-2');
    await signalRounds('v1', { alb: 'fffff', 'aurora-writer': 'fffff' });
    await signalRounds('v2', { alb: 'fffff' });
    expect(logs.at(-1)).toBe(
      'automatic trigger holds plan trading/trading: primary failing on 1 fresh vantage(s) under signalPolicy All, 2 needed; not voting: v2 (cannot vote: does not probe aurora-writer)',
    );
    // Eleven rounds were evaluated; a reason is logged again only when it changed.
    expect(logs.length).toBeLessThan(11);
    for (const [i, line] of logs.entries()) expect(line, `line ${i}`).not.toBe(logs[i - 1]);
  });
});
