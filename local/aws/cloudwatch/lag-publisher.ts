import { z } from 'zod';
import type { SimClock } from '../core/clock.js';
import type { Faults } from '../core/faults.js';
import type { Persistable } from '../core/persistence.js';
import { parseClusterArn } from '../rds/model.js';
import type { RdsStore } from '../rds/store.js';

/** Puts one datapoint into a region's CloudWatch. */
export type PutDatapoint = (
  region: string,
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  value: number,
) => void;

/**
 * The Aurora lag model: every secondary cluster reports AuroraGlobalDBRPOLag and
 * AuroraGlobalDBReplicationLag (ms) in its own region, the primary none — as on AWS. The value is
 * the `lag` fault's base lag, plus the time the secondary has been cut off from the writer, since
 * nothing replicates across a partition or from a dead region.
 */
const lagStateSchema = z.object({
  /** Secondary cluster ARN → simulated time it was cut off from its writer. */
  cutOffSince: z.record(z.string(), z.number()),
});

export class LagPublisher implements Persistable<typeof lagStateSchema> {
  readonly stateKey = 'aurora-lag';
  readonly stateSchema = lagStateSchema;
  private readonly cutOffSince = new Map<string, number>();

  constructor(
    private readonly store: RdsStore,
    private readonly faults: Faults,
    private readonly clock: SimClock,
    private readonly put: PutDatapoint,
  ) {}

  snapshot(): z.input<typeof lagStateSchema> {
    return { cutOffSince: Object.fromEntries(this.cutOffSince) };
  }

  /** A secondary cut off before the restart keeps counting its lag from when it was cut off. */
  restore(state: z.output<typeof lagStateSchema>): void {
    for (const [arn, since] of Object.entries(state.cutOffSince)) this.cutOffSince.set(arn, since);
  }

  lagOf(secondaryArn: string, writerArn: string): number {
    const secondary = parseClusterArn(secondaryArn);
    const writer = parseClusterArn(writerArn);
    if (!secondary || !writer) return this.faults.lagMs;
    const now = this.clock.now();
    if (this.faults.cannotReach(writer.region, secondary.region)) {
      const since = this.cutOffSince.get(secondaryArn) ?? now;
      this.cutOffSince.set(secondaryArn, since);
      return this.faults.lagMs + (now - since);
    }
    this.cutOffSince.delete(secondaryArn);
    return this.faults.lagMs;
  }

  publish(): void {
    for (const global of this.store.globalClusters.values()) {
      const writer = global.members.find((m) => m.isWriter);
      if (!writer) continue;
      for (const member of global.members) {
        if (member.isWriter) continue;
        const parsed = parseClusterArn(member.clusterArn);
        if (!parsed || this.faults.isRegionDown(parsed.region)) continue;
        const lag = this.lagOf(member.clusterArn, writer.clusterArn);
        for (const metric of ['AuroraGlobalDBRPOLag', 'AuroraGlobalDBReplicationLag']) {
          this.put(parsed.region, 'AWS/RDS', metric, { DBClusterIdentifier: parsed.id }, lag);
        }
      }
    }
  }
}
