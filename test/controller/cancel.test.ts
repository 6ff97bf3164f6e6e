/**
 * spec.cancel and spec.approval set on a running Failover with `kubectl patch`, over the wire:
 * a cancel before the promotion stops, undoes the fence and leaves the old primary serving; a cancel
 * after it is refused and the execution finishes; an approval patched onto a waiting Failover lets
 * it go on.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { journalLines, splitAfter } from '../support/steps.js';
import { sleep } from '../support/wait.js';
import { clusterIdIn, mutatingCalls, switchState, writerOf } from './estate.js';
import { UNPLANNED_STEPS, unplannedUndoOf } from './example-steps.js';
import type { HoldingProxy } from './holding-proxy.js';
import { outagePlatform } from './outage.js';
import {
  approvalNow,
  approvedAtApply,
  conditionOf,
  exampleIn,
  getFailover,
  journalOf,
  journalRegions,
  type KubeSide,
  UNBOUNDED_LOSS_SECONDS,
  waitForFailover,
} from './platform.js';

const NAME = 'trading-failover-use1-outage';

const platform = outagePlatform('cancel');
const setUp = () => platform.setUp();
let side: KubeSide;
beforeAll(() => {
  side = platform.side();
});

const patchSpec = (ns: string, spec: object) =>
  side.ok(['patch', 'failover', NAME, '-n', ns, '--type=merge', '-p', JSON.stringify({ spec })]);

/**
 * Applies the unplanned Failover, holds its `operation` on the wire, runs `whileHeld`, sets
 * spec.cancel, lets the call reach AWS (its answer lost) and waits for `phase`.
 */
async function cancelDuring(
  ns: string,
  proxy: HoldingProxy,
  operation: string,
  phase: string,
  whileHeld: () => Promise<void> = async () => undefined,
) {
  const holding = proxy.holdNext(operation);
  await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns, approvedAtApply()));
  const held = await holding;
  await whileHeld();
  await patchSpec(ns, { cancel: true });
  await held.release();
  proxy.unblock();
  return waitForFailover(side, ns, NAME, (f) => f.status?.phase === phase, phase);
}

describe('cancel', () => {
  it('while awaiting approval → Cancelled, kubectl wait sees it, 0 mutating AWS calls', async () => {
    const { ns, sim } = await setUp();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns));
    await waitForFailover(side, ns, NAME, (f) => f.status?.phase === 'AwaitingApproval', 'AwaitingApproval');

    await patchSpec(ns, { cancel: true });
    await side.ok(['wait', '--for=condition=Cancelled', '--timeout=20s', '-n', ns, `failover/${NAME}`]);
    const failover = await waitForFailover(
      side,
      ns,
      NAME,
      (f) => f.status?.phase === 'Cancelled',
      'Cancelled',
    );
    expect(conditionOf(failover, 'Cancelled')).toMatchObject({
      status: 'True',
      message: 'cancelled before any change in AWS',
    });
    expect(conditionOf(failover, 'Succeeded')?.status).toBe('False');
    // Only the preflight ran; everything after it is skipped, nothing to undo.
    const [ran, left] = splitAfter(UNPLANNED_STEPS, 'preflight');
    expect(journalOf(failover)).toEqual([
      ...journalLines(ran, 'Succeeded'),
      ...journalLines(left, 'Skipped'),
    ]);
    expect(mutatingCalls(sim)).toEqual([]);
    const described = await side.ok(['describe', 'failover', NAME, '-n', ns]);
    expect(described).toMatch(/Cancelled\s+.*cancelled before any change in AWS/);
  });

  it('after the fence, before the promotion → the fence is undone in us-east-2, the old primary still writes', async () => {
    const { ns, sim, proxy } = await setUp();
    const failover = await cancelDuring(ns, proxy, 'SetDesiredCapacity', 'Cancelled', async () =>
      expect(await switchState(sim, 'fence', 'us-east-1')).toBe('ALARM'),
    );

    // scale-up ends either way (its answer lost, the SDK retries): Succeeded, or Skipped when
    // the engine retried it after seeing the cancel. A bigger warm standby is not undone.
    const scaleUpState = failover.status?.journal?.find((e) => e.name === 'scale-up')?.state;
    expect(['Succeeded', 'Skipped']).toContain(scaleUpState);
    // Done up to the fence, the rest skipped, then the fence's undo steps appended and run.
    const [done, left] = splitAfter(UNPLANNED_STEPS, 'fence');
    expect(journalOf(failover)).toEqual([
      ...journalLines(done, 'Succeeded'),
      ...journalLines(left, 'Skipped', { 'scale-up': scaleUpState }),
      ...journalLines(unplannedUndoOf('fence'), 'Succeeded'),
    ]);
    // The fence of us-east-1 lives in us-east-2: it is undone there.
    expect(journalRegions(failover)).toMatchObject({
      'undo-fence': 'us-east-2',
      'undo-fence-settled': 'us-east-2',
    });
    expect(conditionOf(failover, 'Cancelled')?.message).toBe(
      'cancelled before the one-way step; undone: undo-fence, undo-fence-settled',
    );
    expect(await switchState(sim, 'fence', 'us-east-1')).toBe('OK');
    expect(await writerOf(sim, 'us-east-2')).toBe(clusterIdIn('us-east-1'));
    expect(sim.journal.list({ operation: 'FailoverGlobalCluster' })).toEqual([]);
    // Still nothing asked of the failed region or of Route 53.
    expect(sim.journal.list({ region: 'us-east-1' })).toEqual([]);
    expect(sim.journal.list({ service: 'route53' })).toEqual([]);
  });

  it('after the promotion has started → refused with a condition; the execution finishes Succeeded', async () => {
    const { ns, sim, proxy } = await setUp();
    const failover = await cancelDuring(ns, proxy, 'FailoverGlobalCluster', 'Succeeded');
    expect(conditionOf(failover, 'Cancelled')).toMatchObject({ status: 'False', reason: 'PastOneWayStep' });
    expect(conditionOf(failover, 'Cancelled')?.message).toMatch(/promote has started/);
    expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
    expect(await switchState(sim, 'fence', 'us-east-1')).toBe('ALARM');
    expect(sim.journal.list({ operation: 'FailoverGlobalCluster' })).toHaveLength(1);
  });

  it('refuses to withdraw a cancel (CEL), naming the field', async () => {
    const { ns } = await setUp();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns));
    await patchSpec(ns, { cancel: true });
    const refused = await side.kubectl.run([
      'patch',
      'failover',
      NAME,
      '-n',
      ns,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { cancel: false } }),
    ]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/spec\.cancel: Invalid value: .*a cancel cannot be withdrawn/);
  });
});

describe('approval patched onto a waiting Failover', () => {
  it('AwaitingApproval → kubectl patch spec.approval → Succeeded, the approver in the journal', async () => {
    const { ns, sim } = await setUp();
    await side.ok(['apply', '-f', '-'], exampleIn('failover-unplanned.yaml', ns));
    const waiting = await waitForFailover(
      side,
      ns,
      NAME,
      (f) => f.status?.phase === 'AwaitingApproval',
      'AwaitingApproval',
    );
    expect(conditionOf(waiting, 'AwaitingApproval')?.message).toMatch(/kubectl patch/);
    expect(mutatingCalls(sim)).toEqual([]);
    // Waiting costs nothing: ten rechecks (100 ms each in tests) later, no status write, one Event.
    await sleep(1_000);
    const later = await getFailover(side, ns, NAME);
    expect(later.metadata.resourceVersion).toBe(waiting.metadata.resourceVersion);
    expect(later.status?.journal?.find((e) => e.name === 'approval')?.attempts).toBe(1);
    const events = await side.ok([
      'get',
      'events',
      '-n',
      ns,
      '--field-selector',
      'reason=AwaitingApproval',
      '-o',
      'name',
    ]);
    expect(events.trim().split('\n')).toHaveLength(1);

    const approval = approvalNow(UNBOUNDED_LOSS_SECONDS, 'alice@trading');
    await patchSpec(ns, { approval });
    const failover = await waitForFailover(
      side,
      ns,
      NAME,
      (f) => f.status?.phase === 'Succeeded',
      'Succeeded',
    );
    expect(failover.status?.journal?.find((e) => e.name === 'approval')?.message).toMatch(
      `approval by alice@trading at ${approval.approvedAt} accepts ${UNBOUNDED_LOSS_SECONDS} s of data loss`,
    );
    expect(await writerOf(sim)).toBe(clusterIdIn('us-east-2'));
  });
});
