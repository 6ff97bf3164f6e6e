import type { ClusterSnapshot, DbCluster, DbInstance, GlobalCluster, RdsEvent } from './model.js';
import { parseClusterArn } from './model.js';

/** Per-region Aurora state plus the global clusters, which belong to no region. */
export class RegionalRds {
  readonly clusters = new Map<string, DbCluster>();
  readonly instances = new Map<string, DbInstance>();
  readonly snapshots = new Map<string, ClusterSnapshot>();
  readonly events: RdsEvent[] = [];
}

export class RdsStore {
  readonly globalClusters = new Map<string, GlobalCluster>();
  private readonly regions = new Map<string, RegionalRds>();

  region(name: string): RegionalRds {
    let state = this.regions.get(name);
    if (!state) {
      state = new RegionalRds();
      this.regions.set(name, state);
    }
    return state;
  }

  clusterByArn(arn: string): DbCluster | undefined {
    const parsed = parseClusterArn(arn);
    return parsed ? this.region(parsed.region).clusters.get(parsed.id) : undefined;
  }

  /** A cluster named by identifier (in `region`) or by ARN (anywhere). */
  findCluster(region: string, idOrArn: string): DbCluster | undefined {
    return idOrArn.startsWith('arn:')
      ? this.clusterByArn(idOrArn)
      : this.region(region).clusters.get(idOrArn);
  }

  instancesOf(cluster: DbCluster): DbInstance[] {
    return [...this.region(cluster.region).instances.values()].filter((i) => i.clusterId === cluster.id);
  }

  /** Every region that has Aurora state, with it. */
  regionEntries(): [string, RegionalRds][] {
    return [...this.regions];
  }

  allEvents(): RdsEvent[] {
    return [...this.regions.values()].flatMap((r) => r.events);
  }
}
