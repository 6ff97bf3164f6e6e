/**
 * The gate keeper's two decisions (ADR 0010): it acts only when both regions answer and agree on
 * the writer, and then only towards draining the non-writer and lifting fences that are no longer
 * needed; it never opens a gate. Then its pass over fake AWS, for a fence another region set.
 */
import { describe, expect, it } from 'vitest';
import {
  decideAgreement,
  ForeignFenceSightings,
  type KeeperSwitches,
  keeperActions,
  keepGates,
  type WriterRead,
} from '../../../controllers/failover/gate-keeper.js';
import { switchOf } from '../../../controllers/failover/plan-view.js';
import type { FailoverPlan } from '../../../src/apis/index.js';
import { FakeAws } from '../../support/fake-aws.js';
import { plan } from './recording-aws.js';

const ARN = Object.fromEntries(plan.database.members.map((m) => [m.region, m.clusterArn]));
const writes = (region: string): Extract<WriterRead, { answered: true }> => ({
  answered: true,
  writerArn: ARN[region],
  busy: false,
});
const agreeOn = (region: string) => ({ 'us-east-1': writes(region), 'us-east-2': writes(region) });

describe('decideAgreement', () => {
  it('both regions answer with the same writer and nothing in progress: agreed', () => {
    expect(decideAgreement(plan, agreeOn('us-east-2'), undefined)).toEqual({
      kind: 'agreed',
      writer: 'us-east-2',
      nonWriter: 'us-east-1',
    });
  });

  it('a region that does not answer, an operation in progress, a disagreement, or a running execution: idle', () => {
    const cases: Array<[Record<string, WriterRead>, string | undefined, RegExp]> = [
      [
        { 'us-east-1': { answered: false, error: 'ECONNRESET' }, 'us-east-2': writes('us-east-2') },
        undefined,
        /us-east-1 did not answer/,
      ],
      [
        { 'us-east-1': writes('us-east-1'), 'us-east-2': { ...writes('us-east-1'), busy: true } },
        undefined,
        /operation is in progress/,
      ],
      // A stale region that still believes it writes cannot act alone.
      [{ 'us-east-1': writes('us-east-1'), 'us-east-2': writes('us-east-2') }, undefined, /no agreement/],
      [agreeOn('us-east-1'), 'trading-failover-1', /trading-failover-1 is running/],
    ];
    for (const [reads, running, reason] of cases) {
      const decision = decideAgreement(plan, reads, running);
      expect(decision.kind).toBe('idle');
      expect(decision.kind === 'idle' && decision.reason).toMatch(reason);
    }
  });
});

describe('keeperActions', () => {
  const agreed = { writer: 'us-east-2', nonWriter: 'us-east-1' };
  const actions = (switches: KeeperSwitches) =>
    keeperActions(plan, agreed, switches).map((a) => [
      a.kind,
      a.switch.kind,
      a.switch.controls,
      a.switch.alarmRegion,
    ]);

  it('closes the non-writer gate in its own region, then lifts the fence on it held in the writer region', () => {
    expect(
      actions({ nonWriterGate: 'OK', nonWriterFence: 'ALARM', writerFence: 'INSUFFICIENT_DATA' }),
    ).toEqual([
      ['close-gate', 'gate', 'us-east-1', 'us-east-1'],
      ['lift-fence', 'fence', 'us-east-1', 'us-east-2'],
    ]);
  });

  it('keeps the fence while the gate cannot be read, and clears a stale fence on the writer', () => {
    expect(actions({ nonWriterGate: undefined, nonWriterFence: 'ALARM', writerFence: 'ALARM' })).toEqual([
      ['clear-stale-fence', 'fence', 'us-east-2', 'us-east-1'],
    ]);
  });

  it('nothing to do when the switches already say what Aurora says; never opens a gate', () => {
    expect(actions({ nonWriterGate: 'ALARM', nonWriterFence: 'OK', writerFence: 'OK' })).toEqual([]);
    const all = ['OK', 'ALARM', 'INSUFFICIENT_DATA', undefined];
    for (const nonWriterGate of all)
      for (const nonWriterFence of all)
        for (const writerFence of all) {
          const kinds = keeperActions(plan, agreed, { nonWriterGate, nonWriterFence, writerFence });
          // The only gate it touches is the non-writer's, and only to close it.
          expect(kinds.filter((a) => a.switch.kind === 'gate').every((a) => a.kind === 'close-gate')).toBe(
            true,
          );
          expect(kinds.every((a) => a.kind !== 'close-gate' || a.switch.controls === 'us-east-1')).toBe(true);
        }
  });
});

/**
 * The drill that chaos found (controller-sigkill): us-east-2's controller fenced us-east-1 (the
 * alarm lives in us-east-2) and has not promoted yet, so us-east-1 still writes and both regions
 * agree on it. us-east-1's cluster holds no Failover: to its keeper the fresh fence looks stale.
 */
describe('keepGates: a fence on the writer held in the other region', () => {
  const fenceOnPrimary = switchOf(plan, 'fence', 'us-east-1');
  const planObject: FailoverPlan = {
    apiVersion: 'switchyard.io/v1alpha1',
    kind: 'FailoverPlan',
    metadata: { name: 'trading', namespace: 'trading' },
    spec: plan,
  };
  const pass = (aws: FakeAws, region: string, foreignFences: ForeignFenceSightings, now: number) => {
    const changed: string[] = [];
    return keepGates({
      aws: aws.ports(),
      region,
      foreignFences,
      foreignFenceGraceMs: 60_000,
      now: () => now,
      plans: () => [planObject],
      failovers: () => [],
      changed: async (_plan, action) => {
        changed.push(action);
      },
      log: () => {},
    }).then(() => changed);
  };
  const drill = () => {
    const aws = new FakeAws(plan);
    aws.alarms.set(fenceOnPrimary.alarmName, 'ALARM');
    return aws;
  };

  it("the old primary's keeper leaves it for the grace, counted from its first sighting, then clears it", async () => {
    const aws = drill();
    const sightings = new ForeignFenceSightings();
    expect(fenceOnPrimary.alarmRegion).toBe('us-east-2');
    expect(await pass(aws, 'us-east-1', sightings, 0)).toEqual([]);
    expect(await pass(aws, 'us-east-1', sightings, 59_999)).toEqual([]);
    expect(aws.alarms.get(fenceOnPrimary.alarmName)).toBe('ALARM');
    expect(aws.count('PutMetricData')).toBe(0);
    expect(await pass(aws, 'us-east-1', sightings, 60_000)).toEqual(['clear-stale-fence']);
    expect(aws.alarms.get(fenceOnPrimary.alarmName)).toBe('OK');
  });

  it('a fence seen lifted in between starts the grace again', async () => {
    const aws = drill();
    const sightings = new ForeignFenceSightings();
    await pass(aws, 'us-east-1', sightings, 0);
    aws.alarms.set(fenceOnPrimary.alarmName, 'OK');
    await pass(aws, 'us-east-1', sightings, 30_000);
    aws.alarms.set(fenceOnPrimary.alarmName, 'ALARM');
    expect(await pass(aws, 'us-east-1', sightings, 61_000)).toEqual([]);
    expect(await pass(aws, 'us-east-1', sightings, 121_000)).toEqual(['clear-stale-fence']);
  });

  it("the fence's own region clears it at once when none of its runs holds the plan", async () => {
    const aws = drill();
    expect(await pass(aws, 'us-east-2', new ForeignFenceSightings(), 0)).toEqual(['clear-stale-fence']);
    expect(aws.calls.filter((c) => c.operation === 'PutMetricData').map((c) => c.region)).toEqual([
      'us-east-2',
    ]);
  });
});
