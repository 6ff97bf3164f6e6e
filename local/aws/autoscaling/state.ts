import { z } from 'zod';
import { isoDate } from '../core/persistence.js';
import type { Group, Groups } from './groups.js';

/** The Auto Scaling section of the state file: the groups of each region with their capacities and instances. */

const groupSchema = z.object({
  name: z.string(),
  arn: z.string(),
  region: z.string(),
  minSize: z.number().int().nonnegative(),
  maxSize: z.number().int().nonnegative(),
  desiredCapacity: z.number().int().nonnegative(),
  availabilityZones: z.array(z.string()),
  targetGroupArns: z.array(z.string()),
  launchTemplateName: z.string().optional(),
  createdAt: isoDate,
  instances: z.array(
    z.object({
      id: z.string(),
      availabilityZone: z.string(),
      lifecycleState: z.enum(['Pending', 'InService']),
      healthStatus: z.literal('Healthy'),
    }),
  ),
}) satisfies z.ZodType<Group>;

export const autoScalingStateSchema = z.object({ regions: z.record(z.string(), z.array(groupSchema)) });

export type AutoScalingStateFile = z.input<typeof autoScalingStateSchema>;

export function snapshotAutoScaling(groups: Groups): AutoScalingStateFile {
  return {
    regions: Object.fromEntries(
      groups
        .regionEntries()
        .map(([region, byName]) => [
          region,
          [...byName.values()].map((group) => ({ ...group, createdAt: group.createdAt.toISOString() })),
        ]),
    ),
  };
}

/**
 * Groups come back with their capacities. An instance the previous run was still launching is
 * settled as InService: its launch timer died with that run, and a Pending instance with no timer
 * would never serve. (The region's ALB therefore counts it at once.)
 */
export function restoreAutoScaling(groups: Groups, state: z.output<typeof autoScalingStateSchema>): void {
  for (const [region, saved] of Object.entries(state.regions)) {
    for (const group of saved) {
      for (const instance of group.instances) instance.lifecycleState = 'InService';
      groups.in(region).set(group.name, group);
    }
  }
}
