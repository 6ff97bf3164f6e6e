/** Scaling steps: the standby up (on the path), the old primary down (best effort, off the path). */
import { describeError } from '../kube/api-errors.js';
import { type Step, skipped, succeeded } from './model.js';
import { groupsIn } from './plan-view.js';

export function scaleUpStandby(target: string): Step {
  return {
    name: 'scale-up',
    kind: 'action',
    region: target,
    describe: `SetDesiredCapacity of the Auto Scaling groups in ${target} to the plan's standby capacity`,
    async run(ctx) {
      const names = groupsIn(ctx.plan, target);
      if (names.length === 0) return skipped(`the plan lists no Auto Scaling group in ${target}`);
      const autoScaling = ctx.aws.region(target).autoScaling;
      const notes: string[] = [];
      for (const name of names) {
        const group = await autoScaling.describeGroup(name);
        if (!group) throw new Error(`Auto Scaling group ${name} not found in ${target}`);
        const wanted = Math.min(ctx.plan.compute.standbyDesiredCapacity, group.maxSize);
        if (group.desiredCapacity >= wanted) {
          notes.push(`${name} already at ${group.desiredCapacity}`);
          continue;
        }
        await autoScaling.setDesiredCapacity(name, wanted);
        notes.push(
          `${name} ${group.desiredCapacity} → ${wanted}${wanted < ctx.plan.compute.standbyDesiredCapacity ? ` (capped by MaxSize ${group.maxSize})` : ''}`,
        );
      }
      return succeeded(notes.join('; '));
    },
  };
}

/**
 * Scales the old primary's groups to zero when that region still answers: one short attempt per
 * call, every failure recorded and swallowed. A region that RegionHealth already reports down is
 * not called at all (no request into a failed region, and no deadline to wait out).
 */
export function scaleDownOldPrimary(old: string): Step {
  return {
    name: 'scale-down-old',
    kind: 'action',
    region: old,
    describe: `best effort: SetDesiredCapacity 0 of the Auto Scaling groups in ${old} (short deadline, never blocks)`,
    async run(ctx) {
      const names = groupsIn(ctx.plan, old);
      if (names.length === 0) return skipped(`the plan lists no Auto Scaling group in ${old}`);
      const down = ctx.regionHealth(old).filter((h) => h.status?.healthy === false);
      if (down.length > 0) {
        return skipped(
          `not called: ${old} is reported unhealthy from ${down.map((h) => h.spec.vantage).join(', ')}`,
        );
      }
      const autoScaling = ctx.aws.bestEffort(old).autoScaling;
      const notes: string[] = [];
      try {
        for (const name of names) {
          const group = await autoScaling.describeGroup(name);
          if (!group || group.desiredCapacity === 0) continue;
          await autoScaling.setDesiredCapacity(name, Math.max(0, group.minSize));
          notes.push(`${name} → ${group.minSize}`);
        }
      } catch (error) {
        return skipped(`best effort, not blocking: ${old} did not answer (${describeError(error)})`);
      }
      return succeeded(notes.length > 0 ? notes.join('; ') : `groups in ${old} already scaled down`);
    },
  };
}

/**
 * Undoes a scale-down when a cancel leaves the old primary serving: best effort (like the
 * scale-down), each group back to the plan's serving capacity, capped by its MaxSize.
 */
export function restoreCapacity(name: string, region: string): Step {
  return {
    name,
    kind: 'action',
    region,
    describe: `best effort: SetDesiredCapacity of the Auto Scaling groups in ${region} back to the plan's serving capacity`,
    async run(ctx) {
      const names = groupsIn(ctx.plan, region);
      if (names.length === 0) return skipped(`the plan lists no Auto Scaling group in ${region}`);
      const autoScaling = ctx.aws.bestEffort(region).autoScaling;
      const notes: string[] = [];
      try {
        for (const groupName of names) {
          const group = await autoScaling.describeGroup(groupName);
          if (!group) continue;
          const wanted = Math.min(ctx.plan.compute.standbyDesiredCapacity, group.maxSize);
          if (group.desiredCapacity >= wanted) continue;
          await autoScaling.setDesiredCapacity(groupName, wanted);
          notes.push(`${groupName} ${group.desiredCapacity} → ${wanted}`);
        }
      } catch (error) {
        return skipped(`best effort, not blocking: ${region} did not answer (${describeError(error)})`);
      }
      return succeeded(notes.length > 0 ? notes.join('; ') : `groups in ${region} already at capacity`);
    },
  };
}
