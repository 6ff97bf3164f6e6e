/** The two step lists of ARCHITECTURE §3, in execution order. */
import type { FailoverPlanSpec, FailoverSpec } from '../../src/apis/index.js';
import { approvalGate } from './approval.js';
import { scaleDownOldPrimary, scaleUpStandby } from './compute-steps.js';
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
import { closeGate, openGate } from './traffic-steps.js';

/**
 * Unplanned: nothing is asked of the old primary's region except the best-effort scale-down, and
 * the fence (gate object in the surviving region) comes before the promotion because Aurora's own
 * write fencing is best effort (pitfall 1).
 */
export function unplannedSteps(plan: FailoverPlanSpec, target: string): Step[] {
  const old = otherRegion(plan, target);
  const bucketRegion = (region: string) => otherRegion(plan, region);
  return [
    unplannedPreflight(target),
    approvalGate,
    closeGate('fence', old, bucketRegion),
    scaleDownOldPrimary(old),
    scaleUpStandby(target),
    promote(target),
    waitForWriter(target),
    verifyStandby(target),
  ];
}

/** Planned: RPO 0, the switchover is sent to the current primary's region, then traffic follows. */
export function plannedSteps(plan: FailoverPlanSpec, target: string): Step[] {
  const primary = otherRegion(plan, target);
  const bucketRegion = (region: string) => otherRegion(plan, region);
  return [
    plannedPreflight(target, primary),
    lagGate(target),
    switchover(target, primary),
    waitForWriter(target),
    closeGate('drain-old-primary', primary, bucketRegion),
    openGate('open-new-primary', target, bucketRegion),
  ];
}

export function stepsFor(spec: FailoverSpec, plan: FailoverPlanSpec): Step[] {
  return spec.type === 'Switchover'
    ? plannedSteps(plan, spec.targetRegion)
    : unplannedSteps(plan, spec.targetRegion);
}
