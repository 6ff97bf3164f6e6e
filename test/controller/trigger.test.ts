/** The automatic trigger's policy: N of M rounds, ≥ 2 vantages, healthy standby, cooldown, no automatic failback. */
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

function setUp(plan = basePlan(), failovers: Failover[] = [], now = new Date('2026-11-25T12:00:00Z')) {
  const created: object[] = [];
  // Only createFailover is used by the trigger; a stub stands in for the API client.
  const kube = {
    createFailover: async (_ns: string, body: object) => void created.push(body),
  } as unknown as SwitchyardKube;
  const trigger = new AutomaticTrigger({
    kube,
    region: 'us-east-2',
    plans: () => [plan],
    failovers: () => failovers,
    now: () => now,
    log: () => undefined,
  });
  const counters = new Map<string, number>();
  const round = async (name: string, region: string, vantage: string, healthy: boolean) => {
    const n = (counters.get(name) ?? 0) + 1;
    counters.set(name, n);
    // Round n was probed n seconds after 11:59:30, so every report is fresh at 12:00.
    const at = new Date(Date.UTC(2026, 10, 25, 11, 59, 30 + n)).toISOString().replace('.000', '');
    await trigger.observe({
      apiVersion: 'failover.switchyard.dev/v1alpha1',
      kind: 'RegionHealth',
      metadata: { name, namespace: 'trading' },
      spec: { region, vantage, probes: [{ name: 'alb', type: 'TCP', tcp: { host: 'h', port: 1 } }] },
      status: {
        healthy,
        signals: ['alb', 'aurora-writer'].map((s) => ({
          name: s,
          healthy,
          lastTransitionTime: at,
          lastProbeTime: at,
        })),
      },
    } as never);
  };
  const rounds = async (pattern: string, name: string, region = 'us-east-1', vantage = name) => {
    for (const c of pattern) await round(name, region, vantage, c === 'o');
  };
  return { trigger, created, rounds, plan };
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
      why: 'primary failing on 0 fresh vantage(s), 2 needed; stale: v1 (alb last probed 2026-11-25T11:59:35Z, more than 3 × 10s ago), v2 (alb last probed 2026-11-25T11:59:36Z, more than 3 × 10s ago)',
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
});
