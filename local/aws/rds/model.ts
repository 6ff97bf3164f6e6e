import { ACCOUNT_ID } from '../core/regions.js';

/** Aurora state, as DescribeGlobalClusters / DescribeDBClusters report it. */

export type SynchronizationStatus = 'connected' | 'pending-resync';

/** FailoverState.Status; `switching-over` is in the API reference but not the SDK enum. */
export type FailoverStatus = 'pending' | 'failing-over' | 'switching-over' | 'cancelling';

export interface FailoverState {
  status: FailoverStatus;
  fromArn: string;
  toArn: string;
  dataLossAllowed: boolean;
}

export interface GlobalMember {
  clusterArn: string;
  isWriter: boolean;
  sync: SynchronizationStatus;
}

export interface GlobalCluster {
  id: string;
  arn: string;
  resourceId: string;
  engine: string;
  engineVersion: string;
  status: string;
  databaseName?: string;
  deletionProtection: boolean;
  storageEncrypted: boolean;
  endpoint: string;
  members: GlobalMember[];
  failover?: FailoverState;
}

export interface DbCluster {
  id: string;
  arn: string;
  region: string;
  resourceId: string;
  engine: string;
  engineVersion: string;
  status: string;
  masterUsername?: string;
  databaseName?: string;
  port: number;
  endpoint: string;
  readerEndpoint: string;
  createdAt: Date;
  deletionProtection: boolean;
  storageEncrypted: boolean;
  globalClusterId?: string;
  /** Bumped when Aurora gives the cluster a fresh storage volume (old primary after a failover). */
  volumeGeneration: number;
}

export interface DbInstance {
  id: string;
  arn: string;
  region: string;
  clusterId: string;
  instanceClass: string;
  engine: string;
  engineVersion: string;
  status: string;
  createdAt: Date;
}

export interface ClusterSnapshot {
  id: string;
  arn: string;
  region: string;
  clusterId: string;
  engine: string;
  engineVersion: string;
  createdAt: Date;
  clusterCreatedAt: Date;
  type: 'automated' | 'manual';
}

export interface RdsEvent {
  /** The catalogue ID (RDS-EVENT-0238 …); EventBridge carries it, DescribeEvents only the message. */
  eventId: string;
  region: string;
  sourceId: string;
  sourceType: 'db-cluster' | 'db-instance';
  sourceArn: string;
  message: string;
  categories: string[];
  date: Date;
}

export function clusterArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT_ID}:cluster:${id}`;
}

export function instanceArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT_ID}:db:${id}`;
}

export function globalClusterArn(id: string): string {
  return `arn:aws:rds::${ACCOUNT_ID}:global-cluster:${id}`;
}

export function snapshotArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT_ID}:cluster-snapshot:${id}`;
}

/** `arn:aws:rds:us-east-2:123456789012:cluster:orders` → { region, id }. */
export function parseClusterArn(value: string): { region: string; id: string } | undefined {
  const match = /^arn:aws:rds:([a-z0-9-]+):\d{12}:cluster:([A-Za-z0-9-]+)$/.exec(value);
  return match?.[1] && match[2] ? { region: match[1], id: match[2] } : undefined;
}
