import { z } from 'zod';
import { isoDate } from '../core/persistence.js';
import type { EngineState, GlobalFailoverEngine } from './global-failover.js';
import type { DbCluster, GlobalCluster } from './model.js';
import type { RdsStore } from './store.js';

/** The RDS section of the state file: global clusters, per-region clusters, instances, snapshots, events. */

const globalClusterSchema = z.object({
  id: z.string(),
  arn: z.string(),
  resourceId: z.string(),
  engine: z.string(),
  engineVersion: z.string(),
  status: z.string(),
  databaseName: z.string().optional(),
  deletionProtection: z.boolean(),
  storageEncrypted: z.boolean(),
  endpoint: z.string(),
  members: z.array(
    z.object({
      clusterArn: z.string(),
      isWriter: z.boolean(),
      sync: z.enum(['connected', 'pending-resync']),
    }),
  ),
  failover: z
    .object({
      status: z.enum(['pending', 'failing-over', 'switching-over', 'cancelling']),
      fromArn: z.string(),
      toArn: z.string(),
      dataLossAllowed: z.boolean(),
    })
    .optional(),
}) satisfies z.ZodType<GlobalCluster>;

const clusterSchema = z.object({
  id: z.string(),
  arn: z.string(),
  region: z.string(),
  resourceId: z.string(),
  engine: z.string(),
  engineVersion: z.string(),
  status: z.string(),
  masterUsername: z.string().optional(),
  databaseName: z.string().optional(),
  port: z.number().int(),
  endpoint: z.string(),
  readerEndpoint: z.string(),
  createdAt: isoDate,
  deletionProtection: z.boolean(),
  storageEncrypted: z.boolean(),
  globalClusterId: z.string().optional(),
  volumeGeneration: z.number().int(),
}) satisfies z.ZodType<DbCluster>;

const instanceSchema = z.object({
  id: z.string(),
  arn: z.string(),
  region: z.string(),
  clusterId: z.string(),
  instanceClass: z.string(),
  engine: z.string(),
  engineVersion: z.string(),
  status: z.string(),
  createdAt: isoDate,
});

const snapshotSchema = z.object({
  id: z.string(),
  arn: z.string(),
  region: z.string(),
  clusterId: z.string(),
  engine: z.string(),
  engineVersion: z.string(),
  createdAt: isoDate,
  clusterCreatedAt: isoDate,
  type: z.enum(['automated', 'manual']),
});

const eventSchema = z.object({
  eventId: z.string(),
  region: z.string(),
  sourceId: z.string(),
  sourceType: z.enum(['db-cluster', 'db-instance']),
  sourceArn: z.string(),
  message: z.string(),
  categories: z.array(z.string()),
  date: isoDate,
});

export const rdsStateSchema = z.object({
  globalClusters: z.array(globalClusterSchema),
  regions: z.record(
    z.string(),
    z.object({
      clusters: z.array(clusterSchema),
      instances: z.array(instanceSchema),
      snapshots: z.array(snapshotSchema),
      events: z.array(eventSchema),
    }),
  ),
  engine: z.object({
    awaitingResync: z.array(z.string()),
    resyncing: z.array(z.string()),
    pendingWriterDns: z.array(z.string()),
  }) satisfies z.ZodType<EngineState>,
});

export type RdsStateFile = z.input<typeof rdsStateSchema>;

const iso = (date: Date) => date.toISOString();

export function snapshotRds(store: RdsStore, engine: GlobalFailoverEngine): RdsStateFile {
  return {
    globalClusters: [...store.globalClusters.values()].map((global) => structuredClone(global)),
    regions: Object.fromEntries(
      store.regionEntries().map(([region, state]) => [
        region,
        {
          clusters: [...state.clusters.values()].map((c) => ({ ...c, createdAt: iso(c.createdAt) })),
          instances: [...state.instances.values()].map((i) => ({ ...i, createdAt: iso(i.createdAt) })),
          snapshots: [...state.snapshots.values()].map((s) => ({
            ...s,
            createdAt: iso(s.createdAt),
            clusterCreatedAt: iso(s.clusterCreatedAt),
          })),
          events: state.events.map((e) => ({ ...e, date: iso(e.date) })),
        },
      ]),
    ),
    engine: engine.state(),
  };
}

/** Puts the saved state back, then lets the engine settle what was in flight (see GlobalFailoverEngine.restore). */
export function restoreRds(
  store: RdsStore,
  engine: GlobalFailoverEngine,
  state: z.output<typeof rdsStateSchema>,
): void {
  for (const global of state.globalClusters) store.globalClusters.set(global.id, global);
  for (const [region, saved] of Object.entries(state.regions)) {
    const regional = store.region(region);
    for (const cluster of saved.clusters) regional.clusters.set(cluster.id, cluster);
    for (const instance of saved.instances) regional.instances.set(instance.id, instance);
    for (const snapshot of saved.snapshots) regional.snapshots.set(snapshot.id, snapshot);
    regional.events.push(...saved.events);
  }
  engine.restore(state.engine);
}
