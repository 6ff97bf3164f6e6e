/**
 * The gate keeper's two decisions (ADR 0010): it acts only when both regions answer and agree on
 * the writer, and then only towards draining the non-writer and lifting fences that are no longer
 * needed; it never opens a gate.
 */
import { describe, expect, it } from 'vitest';
import {
  decideAgreement,
  type KeeperSwitches,
  keeperActions,
  type WriterRead,
} from '../../../controllers/failover/gate-keeper.js';
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
