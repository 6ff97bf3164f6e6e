import type { DbCluster, RdsEvent } from './model.js';
import type { RdsStore } from './store.js';

/**
 * The `global-failover` events of the Aurora event catalogue. DescribeEvents returns only the message,
 * so the wording here is what callers match on; the IDs are kept for the admin API and tests.
 */
export const GLOBAL_FAILOVER_EVENTS = {
  'RDS-EVENT-0181': (c: DbCluster) =>
    `Global switchover to DB cluster ${c.id} in Region ${c.region} started.`,
  'RDS-EVENT-0182': (c: DbCluster) =>
    `Old primary DB cluster ${c.id} in Region ${c.region} successfully shut down.`,
  'RDS-EVENT-0183': (_c: DbCluster, lagMs = 0) =>
    `Waiting for data synchronization across global cluster members. Current lags behind primary DB cluster: ${lagMs} ms.`,
  'RDS-EVENT-0184': (c: DbCluster) =>
    `New primary DB cluster ${c.id} in Region ${c.region} was successfully promoted.`,
  'RDS-EVENT-0185': (c: DbCluster) =>
    `Global switchover to DB cluster ${c.id} in Region ${c.region} completed.`,
  'RDS-EVENT-0186': (c: DbCluster) =>
    `Global switchover to DB cluster ${c.id} in Region ${c.region} is cancelled.`,
  'RDS-EVENT-0187': (c: DbCluster) =>
    `Error while completing global switchover to DB cluster ${c.id} in Region ${c.region}.`,
  'RDS-EVENT-0238': (c: DbCluster) =>
    `Global failover to DB cluster ${c.id} in Region ${c.region} completed.`,
  'RDS-EVENT-0239': (c: DbCluster) => `Global failover to DB cluster ${c.id} in Region ${c.region} failed.`,
  'RDS-EVENT-0240': (c: DbCluster) =>
    `Started resynchronizing members of DB cluster ${c.id} in Region ${c.region}.`,
  'RDS-EVENT-0241': (c: DbCluster) =>
    `Finished resynchronizing members of DB cluster ${c.id} in Region ${c.region}.`,
  'RDS-EVENT-0397': (_c: DbCluster) =>
    'Aurora finished changing the DNS name that the global writer endpoint resolves to.',
} as const;

export type GlobalFailoverEventId = keyof typeof GLOBAL_FAILOVER_EVENTS;

export function emitEvent(
  store: RdsStore,
  date: Date,
  eventId: GlobalFailoverEventId,
  cluster: DbCluster,
  lagMs?: number,
): RdsEvent {
  const event: RdsEvent = {
    eventId,
    region: cluster.region,
    sourceId: cluster.id,
    sourceType: 'db-cluster',
    sourceArn: cluster.arn,
    message: GLOBAL_FAILOVER_EVENTS[eventId](cluster, lagMs),
    categories: ['global-failover'],
    date,
  };
  store.region(cluster.region).events.push(event);
  return event;
}
