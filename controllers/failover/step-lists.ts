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
import type { Step } from './model.js';
import { otherRegion } from './plan-view.js';
import { gateSettled, setGate } from './traffic-steps.js';

/**
 * Unplanned: nothing is asked of the old primary's region except the best-effort scale-down, and
 * the fence (the old primary's gate alarm, which lives in the surviving region) holds before the
 * promotion because Aurora's own write fencing is best effort (pitfall 1). The scaling steps run
 * while the gate alarm evaluates.
 */
export function unplannedSteps(plan: FailoverPlanSpec, target: string): Step[] {
  const old = otherRegion(plan, target);
  return [
    unplannedPreflight(target),
    approvalGate,
    {
      ...setGate('fence', old, true, target),
      // A cancel before the promotion lets the old primary, still the writer, serve again.
      undo: [
        setGate('undo-fence', old, false, target),
        gateSettled('undo-fence-settled', old, false, target),
      ],
    },
    { ...scaleDownOldPrimary(old), undo: [restoreCapacity('undo-scale-down-old', old)] },
    scaleUpStandby(target),
    gateSettled('fenced', old, true, target),
    promote(target),
    waitForWriter(target),
    verifyStandby(target),
  ];
}

/** Planned: RPO 0, the switchover is sent to the current primary's region, then traffic follows. */
export function plannedSteps(plan: FailoverPlanSpec, target: string): Step[] {
  const primary = otherRegion(plan, target);
  // The gate of a region lives in the other region: the old primary's in the target, and back.
  return [
    plannedPreflight(target, primary),
    lagGate(target),
    switchover(target, primary),
    waitForWriter(target),
    setGate('drain-old-primary', primary, true, target),
    setGate('open-new-primary', target, false, primary),
    gateSettled('old-primary-drained', primary, true, target),
    gateSettled('new-primary-open', target, false, primary),
  ];
}

export function stepsFor(spec: FailoverSpec, plan: FailoverPlanSpec): Step[] {
  return spec.type === 'Switchover'
    ? plannedSteps(plan, spec.targetRegion)
    : unplannedSteps(plan, spec.targetRegion);
}
