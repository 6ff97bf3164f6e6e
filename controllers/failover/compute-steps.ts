/** Scaling steps: the standby up (on the path), the old primary down (best effort, off the path). */
import type { AutoScalingGroupView } from '../aws/ports.js';
import { act, defineStep, type ExecutionContext, failed, type Step, skipped, succeeded } from './model.js';
import { groupsIn } from './plan-view.js';
import { reportedDown } from './traffic-steps.js';

/** The groups of a region as read (undefined: not found), or why the region was not called. */
type GroupsObservation =
  | { notCalled: string }
  | { groups: Array<[string, AutoScalingGroupView | undefined]> };

interface CapacityChange {
  name: string;
  desiredCapacity: number;
}

async function readGroups(
  ctx: ExecutionContext,
  region: string,
  bestEffort: boolean,
): Promise<GroupsObservation> {
  if (bestEffort) {
    const down = reportedDown(ctx, region);
    if (down) return { notCalled: down };
  }
  const autoScaling = (bestEffort ? ctx.aws.bestEffort(region) : ctx.aws.region(region)).autoScaling;
  const groups: Array<[string, AutoScalingGroupView | undefined]> = [];
  for (const name of groupsIn(ctx.plan, region)) groups.push([name, await autoScaling.describeGroup(name)]);
  return { groups };
}

const setCapacity =
  (region: string, bestEffort: boolean) => (ctx: ExecutionContext, change: CapacityChange) =>
    (bestEffort ? ctx.aws.bestEffort(region) : ctx.aws.region(region)).autoScaling.setDesiredCapacity(
      change.name,
      change.desiredCapacity,
    );

/** The plan's serving capacity for a group, capped by its MaxSize. */
const servingCapacity = (standbyDesiredCapacity: number, group: AutoScalingGroupView) =>
  Math.min(standbyDesiredCapacity, group.maxSize);

export function scaleUpStandby(target: string): Step {
  return defineStep<GroupsObservation, CapacityChange>({
    name: 'scale-up',
    kind: 'action',
    region: target,
    describe: `SetDesiredCapacity of the Auto Scaling groups in ${target} to the plan's standby capacity`,
    observe: (ctx) => readGroups(ctx, target, false),
    decide({ observed, plan }) {
      if ('notCalled' in observed || observed.groups.length === 0)
        return skipped(`the plan lists no Auto Scaling group in ${target}`);
      const notes: string[] = [];
      for (const [name, group] of observed.groups) {
        if (!group)
          return failed('AutoScalingGroupNotFound', `Auto Scaling group ${name} not found in ${target}`);
        const wanted = servingCapacity(plan.compute.standbyDesiredCapacity, group);
        if (group.desiredCapacity < wanted) {
          const capped =
            wanted < plan.compute.standbyDesiredCapacity ? ` (capped by MaxSize ${group.maxSize})` : '';
          return act(
            { name, desiredCapacity: wanted },
            `SetDesiredCapacity ${name} ${wanted}`,
            `${name} ${group.desiredCapacity} → ${wanted}${capped}`,
            true,
          );
        }
        notes.push(`${name} at ${group.desiredCapacity}`);
      }
      return succeeded(notes.join('; '));
    },
    act: setCapacity(target, false),
  });
}

/**
 * Scales the old primary's groups down to their MinSize when that region still answers: one short
 * attempt per call, every failure recorded and swallowed. A region that RegionHealth already
 * reports down is not called at all (no request into a failed region, and no deadline to wait out).
 */
export function scaleDownOldPrimary(old: string): Step {
  return defineStep<GroupsObservation, CapacityChange>({
    name: 'scale-down-old',
    kind: 'action',
    region: old,
    bestEffort: true,
    describe: `best effort: SetDesiredCapacity 0 of the Auto Scaling groups in ${old} (short deadline, never blocks)`,
    observe: (ctx) => readGroups(ctx, old, true),
    decide({ observed, plan }) {
      if (groupsIn(plan, old).length === 0) return skipped(`the plan lists no Auto Scaling group in ${old}`);
      if ('notCalled' in observed) return skipped(`not called: ${observed.notCalled}`);
      for (const [name, group] of observed.groups) {
        const floor = Math.max(0, group?.minSize ?? 0);
        if (group && group.desiredCapacity > floor)
          return act(
            { name, desiredCapacity: floor },
            `SetDesiredCapacity ${name} ${floor}`,
            `${name} → ${floor}`,
            true,
          );
      }
      return succeeded(`groups in ${old} scaled down`);
    },
    act: setCapacity(old, true),
  });
}

/**
 * Undoes a scale-down when a cancel leaves the old primary serving: best effort (like the
 * scale-down), each group back to the plan's serving capacity, capped by its MaxSize.
 */
export function restoreCapacity(name: string, region: string): Step {
  return defineStep<GroupsObservation, CapacityChange>({
    name,
    kind: 'action',
    region,
    bestEffort: true,
    describe: `best effort: SetDesiredCapacity of the Auto Scaling groups in ${region} back to the plan's serving capacity`,
    observe: (ctx) => readGroups(ctx, region, false),
    decide({ observed, plan }) {
      if ('notCalled' in observed || observed.groups.length === 0)
        return skipped(`the plan lists no Auto Scaling group in ${region}`);
      for (const [groupName, group] of observed.groups) {
        if (!group) continue;
        const wanted = servingCapacity(plan.compute.standbyDesiredCapacity, group);
        if (group.desiredCapacity < wanted)
          return act(
            { name: groupName, desiredCapacity: wanted },
            `SetDesiredCapacity ${groupName} ${wanted}`,
            `${groupName} ${group.desiredCapacity} → ${wanted}`,
            true,
          );
      }
      return succeeded(`groups in ${region} at capacity`);
    },
    act: setCapacity(region, true),
  });
}
