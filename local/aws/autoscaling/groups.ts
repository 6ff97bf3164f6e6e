import { randomBytes } from 'node:crypto';
import type { SimClock } from '../core/clock.js';

export interface Instance {
  id: string;
  availabilityZone: string;
  lifecycleState: 'Pending' | 'InService';
  healthStatus: 'Healthy';
}

export interface Group {
  name: string;
  arn: string;
  region: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  availabilityZones: string[];
  targetGroupArns: string[];
  launchTemplateName?: string;
  createdAt: Date;
  instances: Instance[];
}

/**
 * Auto Scaling groups per region. Changing the desired capacity launches instances that become
 * InService after `launchMs`, or terminates the newest ones at once.
 */
export class Groups {
  private readonly byRegion = new Map<string, Map<string, Group>>();

  constructor(
    private readonly clock: SimClock,
    private readonly launchMs: number,
  ) {}

  in(region: string): Map<string, Group> {
    let groups = this.byRegion.get(region);
    if (!groups) {
      groups = new Map();
      this.byRegion.set(region, groups);
    }
    return groups;
  }

  /** Every region that has groups, with them. */
  regionEntries(): [string, Map<string, Group>][] {
    return [...this.byRegion];
  }

  inServiceCount(region: string): number {
    return [...this.in(region).values()].reduce(
      (sum, g) => sum + g.instances.filter((i) => i.lifecycleState === 'InService').length,
      0,
    );
  }

  /** Launches or terminates instances until the group holds `desiredCapacity`. */
  reconcile(group: Group): void {
    while (group.instances.length > group.desiredCapacity) group.instances.pop();
    while (group.instances.length < group.desiredCapacity) {
      const instance: Instance = {
        id: `i-${randomBytes(8).toString('hex').slice(0, 17)}`,
        availabilityZone:
          group.availabilityZones[group.instances.length % group.availabilityZones.length] ??
          `${group.region}a`,
        lifecycleState: 'Pending',
        healthStatus: 'Healthy',
      };
      group.instances.push(instance);
      this.clock.after(this.launchMs, () => {
        instance.lifecycleState = 'InService';
      });
    }
  }
}
