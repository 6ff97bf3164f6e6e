/** The two step lists of ARCHITECTURE §3, in execution order. */
import type { FailoverPlanSpec, FailoverSpec } from '../../src/apis/index.js';
import { approvalGate } from './approval.js';
import { restoreCapacity, scaleDownOldPrimary, scaleUpStandby } from './compute-steps.js';
import {
  lagGate,
  plannedPreflight,
  promote,
  switchover,
  unplannedPreflight,
  verifyStandby,
  waitForWriter,
} from './database-steps.js';
import { verifyDns } from './dns-steps.js';
import type { Step } from './model.js';
import { otherRegion } from './plan-view.js';
import { setSwitch, switchSettled, trafficSettled } from './traffic-steps.js';

/**
 * Unplanned: nothing is asked of the old primary's region except best-effort calls, and the fence
 * (the old primary's fence alarm, which lives in the surviving region) holds before the promotion
 * because Aurora's own write fencing is best effort (pitfall 1). The scaling steps run while the
 * fence alarm evaluates. The new primary's gate opens right after the promotion call (ADR 0010).
 * Every list ends the same way: the new primary's gate opened,
 * any fence on it in the old region lifted, the old primary drained, and `traffic-settled` reading
 * both regions' switches, then `verify-dns` records when Route 53's answer moved (best effort: it
 * never blocks or fails the run, and is not called when us-east-1, Route 53's home, is reported
 * down). The fence stays after the run; the gate keeper lifts it once the old
 * primary answers again and its own gate is closed.
 */
export function unplannedSteps(plan: FailoverPlanSpec, target: string): Step[] {
  const old = otherRegion(plan, target);
  const bestEffort = { bestEffort: true };
  return [
    unplannedPreflight(target),
    approvalGate,
    {
      ...setSwitch('fence', 'fence', old, true, target),
      // A cancel before the promotion lets the old primary, still the writer, serve again.
      undo: [
        setSwitch('undo-fence', 'fence', old, false, target),
        switchSettled('undo-fence-settled', 'fence', old, false, target),
      ],
    },
    {
      ...setSwitch('close-old', 'gate', old, true, old, bestEffort),
      undo: [setSwitch('undo-close-old', 'gate', old, false, old, bestEffort)],
    },
    { ...scaleDownOldPrimary(old), undo: [restoreCapacity('undo-scale-down-old', old)] },
    scaleUpStandby(target),
    switchSettled('fenced', 'fence', old, true, target),
    promote(target),
    // Opened once the promotion is under way, while Aurora promotes: DNS and client caches move in
    // parallel with it, and until the target is healthy Route 53 answers the fenced old primary
    // anyway (all unhealthy ⇒ answer the PRIMARY). traffic-settled still needs the writer seen.
    setSwitch('open-new', 'gate', target, false, target),
    waitForWriter(target),
    setSwitch('unfence-new', 'fence', target, false, old, bestEffort),
    verifyStandby(target),
    trafficSettled(target, old, bestEffort),
    verifyDns(target, old),
  ];
}

/**
 * Planned: RPO 0, the switchover is sent to the current primary's region, then traffic follows.
 * The target is scaled up first: it may have been scaled down by an earlier failover away from it.
 */
export function plannedSteps(plan: FailoverPlanSpec, target: string): Step[] {
  const primary = otherRegion(plan, target);
  return [
    plannedPreflight(target, primary),
    lagGate(target),
    scaleUpStandby(target),
    switchover(target, primary),
    waitForWriter(target),
    verifyStandby(target),
    // Both regions answer: the old primary's own gate drains it for good, no fence is needed.
    setSwitch('close-old', 'gate', primary, true, primary),
    setSwitch('open-new', 'gate', target, false, target),
    setSwitch('unfence-new', 'fence', target, false, primary),
    trafficSettled(target, primary),
    verifyDns(target, primary),
  ];
}

export function stepsFor(spec: FailoverSpec, plan: FailoverPlanSpec): Step[] {
  return spec.type === 'Switchover'
    ? plannedSteps(plan, spec.targetRegion)
    : unplannedSteps(plan, spec.targetRegion);
}
