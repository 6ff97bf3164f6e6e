/**
 * The controller's AWS permissions, proven both ways over the wire (issue 14 item 2, ADR 0012).
 * The simulator enforces the policy generated from controllers/aws/permissions.ts and the example
 * plan's resources. A planned switchover and an unplanned failover (with readiness and the gate
 * keeper running), the example RegionHealth's AWS probes and verify-dns's Route 53 reads succeed
 * under it. Together they call exactly the declared actions: nothing undeclared, nothing declared
 * and unused. Then one case per declared action: the same policy without it makes the run that
 * calls it fail, with AccessDenied naming that action; verify-dns is best effort, so without one of
 * its actions it does not fail but says AccessDenied for that action in its message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { AWS_ACTIONS, AWS_PERMISSIONS, type AwsPermission } from '../../controllers/aws/permissions.js';
import { controllerPolicy, planResources } from '../../controllers/aws/policy.js';
import { sdkAwsPorts } from '../../controllers/aws/sdk-ports.js';
import { type RunningController, startController } from '../../controllers/controller.js';
import { VERIFY_DNS, verifyDns } from '../../controllers/failover/dns-steps.js';
import { runProbe } from '../../controllers/health/probes.js';
import { type AwsSimulator, iamAction, parsePolicy } from '../../local/aws/index.js';
import { type Failover, RegionHealthResource } from '../../src/apis/index.js';
import { GATE_ALARM } from '../../src/estate/traffic/gate.js';
import { credentials } from '../aws/support.js';
import { sleep } from '../support/wait.js';
import { examplePlan, seedTradingTraffic } from './estate.js';
import {
  approvedAtApply,
  exampleIn,
  examples,
  type KubeSide,
  reportRegionDown,
  startKubeSide,
  startSeededSimulator,
  testControllerOptions,
  waitForFailover,
} from './platform.js';
import { lookOnce, runningFor5s } from './step-look.js';

const regionHealths = parseAllDocuments(readFileSync(join(examples, 'region-health.yaml'), 'utf8')).map((d) =>
  RegionHealthResource.parse(d.toJS()),
);

/** The alarms the example RegionHealth objects probe, where they probe them. */
const probeAlarms = regionHealths.flatMap((health) =>
  health.spec.probes.flatMap((probe) =>
    probe.cloudWatchAlarm ? [{ region: health.spec.region, alarmName: probe.cloudWatchAlarm.alarmName }] : [],
  ),
);

const resources = planResources(examplePlan.spec, {
  probeAlarms,
  switchMetricNamespace: GATE_ALARM.namespace,
});
const policyWithout = (action?: string) =>
  parsePolicy(
    controllerPolicy(
      resources,
      AWS_PERMISSIONS.filter((p) => p.action !== action),
    ),
  );

type Run = 'planned' | 'unplanned';
/** Where an action was seen called: a whole run, or verify-dns's reads. */
type Caller = Run | 'verify-dns';
const FAILOVER: Record<Run, { file: string; name: string }> = {
  planned: { file: 'failover-switchover.yaml', name: 'trading-switchover-2026-11-25' },
  unplanned: { file: 'failover-unplanned.yaml', name: 'trading-failover-use1-outage' },
};

let side: KubeSide;
let sim: AwsSimulator | undefined;
let controller: RunningController | undefined;
let namespaceCount = 0;

beforeAll(async () => {
  side = await startKubeSide();
});
afterAll(async () => side?.close());
afterEach(async () => {
  await controller?.stop();
  await side?.retireFailovers();
  await sim?.close();
  controller = undefined;
  sim = undefined;
});

interface RunOptions {
  /** Readiness and the gate keeper too (their reads count for the list). */
  background: boolean;
  /** A step that throws fails the run after this many attempts; a waiting step after waitTimeoutMs. */
  maxStepAttempts: number;
  waitTimeoutMs: number;
}

/**
 * One Failover of the example plan against a seeded simulator that enforces `policy` from the first
 * controller call on; unplanned runs with us-east-1 down. Returns the finished Failover and the
 * simulator (its journal holds the controller's calls only).
 */
async function runUnder(
  run: Run,
  policy: ReturnType<typeof parsePolicy>,
  options: RunOptions,
): Promise<{ failover: Failover; sim: AwsSimulator }> {
  const ns = `p${++namespaceCount}`;
  await side.createNamespace(ns);
  await side.ok(['apply', '-f', '-'], exampleIn('failover-plan.yaml', ns));
  const started = await startSeededSimulator();
  sim = started;
  if (run === 'unplanned') {
    started.faults.apply('region-down', ['us-east-1']);
    await reportRegionDown(side, ns, 'us-east-1', ['cluster-use2']);
  }
  started.journal.clear();
  started.policy.set(policy);
  const base = testControllerOptions(side, started);
  controller = await startController({
    ...base,
    engine: {
      ...base.engine,
      maxStepAttempts: options.maxStepAttempts,
      waitTimeoutMs: options.waitTimeoutMs,
    },
    ...(options.background ? { readinessIntervalMs: 30, gateKeeperIntervalMs: 30 } : {}),
  });
  const { file, name } = FAILOVER[run];
  await side.ok(
    ['apply', '-f', '-'],
    exampleIn(file, ns, run === 'unplanned' ? approvedAtApply() : (text) => text),
  );
  const failover = await waitForFailover(
    side,
    ns,
    name,
    (f) => f.status?.phase === 'Succeeded' || f.status?.phase === 'Failed',
    `${name} to finish`,
  );
  return { failover, sim: started };
}

/** The IAM actions the simulator saw, whatever their outcome (a call refused by region-down was still made). */
const actionsSeen = (s: AwsSimulator) =>
  new Set(s.journal.list().map((e) => iamAction(e.service, e.operation)));
const denials = (s: AwsSimulator) =>
  s.journal.list({ outcome: 'error' }).filter((e) => e.errorCode === 'AccessDenied');

/** Which run calls each action, from the runs under the full policy. */
const callers = new Map<string, Caller>();

/**
 * verify-dns's last look (the answer already on its target, so it reads the health checks too)
 * against the example estate with its Route 53 side, under `policy`.
 */
async function verifyDnsUnder(policy: ReturnType<typeof parsePolicy>) {
  const started = await startSeededSimulator();
  sim = started;
  await seedTradingTraffic(started);
  started.journal.clear();
  started.policy.set(policy);
  const { primary, standby } = examplePlan.spec.regions;
  const look = await lookOnce(verifyDns(primary, standby), {
    aws: sdkAwsPorts({ endpoint: started.url, credentials, route53CallSpacingMs: 0 }),
    plan: examplePlan.spec,
    target: primary,
    other: standby,
    journal: runningFor5s(VERIFY_DNS),
  });
  return { ...look, sim: started };
}

describe('the controller under the generated policy', () => {
  const seen = new Set<string>();

  it.each(['planned', 'unplanned'] as const)('a %s failover Succeeds, with no AccessDenied', async (run) => {
    const { failover, sim: s } = await runUnder(run, policyWithout(), {
      background: true,
      maxStepAttempts: 6,
      waitTimeoutMs: 20_000,
    });
    expect(failover.status?.phase, JSON.stringify(failover.status?.journal)).toBe('Succeeded');
    // Readiness and the gate keeper ran alongside (their reads are in the journal too); let one
    // more pass of each happen after the run, then look for denials.
    await sleep(100);
    expect(denials(s)).toEqual([]);
    for (const action of actionsSeen(s)) {
      seen.add(action);
      if (!callers.has(action)) callers.set(action, run);
    }
  });

  it('the example RegionHealth probes that call AWS are allowed', async () => {
    sim = await startSeededSimulator();
    sim.journal.clear();
    sim.policy.set(policyWithout());
    const ports = sdkAwsPorts({ endpoint: sim.url, credentials });
    for (const health of regionHealths) {
      for (const probe of health.spec.probes.filter((p) => p.type !== 'HTTP' && p.type !== 'TCP')) {
        const result = await runProbe(probe, health.spec.region, ports, 2_000);
        expect(result.message).not.toContain('AccessDenied');
        expect(result.message).not.toMatch(/not authorized/);
      }
    }
    expect(denials(sim)).toEqual([]);
    for (const action of actionsSeen(sim)) seen.add(action);
  });

  it('verify-dns reads Route 53 under it, and only reads', async () => {
    const { outcome, sim: s } = await verifyDnsUnder(policyWithout());
    expect(outcome).toMatchObject({
      type: 'succeeded',
      message: expect.stringContaining('health checks: us-east-1 '),
    });
    expect(denials(s)).toEqual([]);
    for (const action of actionsSeen(s)) {
      expect(action).toMatch(/^route53:(List|Get|Test)/);
      seen.add(action);
      // Best effort: without one of these the step is skipped, not failed, whichever run calls it.
      callers.set(action, 'verify-dns');
    }
  });

  it('the actions called are exactly the declared ones', () => {
    expect([...seen].sort()).toEqual([...AWS_ACTIONS].sort());
  });
});

describe('each declared action is needed: the policy without it fails the run that calls it', () => {
  it.each(AWS_PERMISSIONS.map((p): [string, AwsPermission] => [p.action, p]))(
    'without %s',
    async (action) => {
      const run = callers.get(action);
      if (!run) throw new Error(`no run under the full policy called ${action} (run the whole file)`);
      const refusal = `is not authorized to perform: ${action} on resource: `;
      if (run === 'verify-dns') {
        const { outcome, sim: s } = await verifyDnsUnder(policyWithout(action));
        expect(outcome.type).not.toBe('failed');
        expect('message' in outcome ? outcome.message : '').toContain(refusal);
        expect(new Set(denials(s).map((e) => iamAction(e.service, e.operation)))).toEqual(new Set([action]));
        return;
      }
      const { failover, sim: s } = await runUnder(run, policyWithout(action), {
        background: false,
        maxStepAttempts: 2,
        // Waiting steps (verify, traffic-settled) keep polling through errors until their deadline.
        waitTimeoutMs: 1_500,
      });
      expect(failover.status?.phase).toBe('Failed');
      const failed = failover.status?.journal?.find((e) => e.state === 'Failed');
      expect(failed?.message).toContain(refusal);
      expect(new Set(denials(s).map((e) => iamAction(e.service, e.operation)))).toEqual(new Set([action]));
    },
  );
});
