import { fields, items, type Xml } from '../core/xml.js';
import type { ClusterSnapshot, DbCluster, DbInstance, GlobalCluster, RdsEvent } from './model.js';
import type { RdsStore } from './store.js';

/** Element names follow the RDS 2014-10-31 shapes the SDK deserialises. */

export function globalClusterXml(global: GlobalCluster): Xml {
  const readersOf = (arn: string, isWriter: boolean) =>
    isWriter ? global.members.filter((m) => m.clusterArn !== arn).map((m) => m.clusterArn) : [];
  return fields({
    GlobalClusterIdentifier: global.id,
    GlobalClusterResourceId: global.resourceId,
    GlobalClusterArn: global.arn,
    Status: global.status,
    Engine: global.engine,
    EngineVersion: global.engineVersion,
    DatabaseName: global.databaseName,
    StorageEncrypted: global.storageEncrypted,
    DeletionProtection: global.deletionProtection,
    GlobalClusterMembers: items('GlobalClusterMember', global.members, (member) =>
      fields({
        DBClusterArn: member.clusterArn,
        // Aurora lists the readers on the writer's entry only.
        Readers: items('member', readersOf(member.clusterArn, member.isWriter), (arn) => arn),
        IsWriter: member.isWriter,
        GlobalWriteForwardingStatus: 'disabled',
        SynchronizationStatus: member.sync,
      }),
    ),
    Endpoint: global.endpoint,
    FailoverState: global.failover
      ? fields({
          Status: global.failover.status,
          FromDbClusterArn: global.failover.fromArn,
          ToDbClusterArn: global.failover.toArn,
          IsDataLossAllowed: global.failover.dataLossAllowed,
        })
      : undefined,
  });
}

export function dbClusterXml(store: RdsStore, cluster: DbCluster): Xml {
  const global = cluster.globalClusterId ? store.globalClusters.get(cluster.globalClusterId) : undefined;
  const isPrimary = !global || global.members.find((m) => m.clusterArn === cluster.arn)?.isWriter === true;
  const instances = store.instancesOf(cluster);
  return fields({
    AllocatedStorage: 1,
    DatabaseName: cluster.databaseName,
    DBClusterIdentifier: cluster.id,
    Status: cluster.status,
    Endpoint: cluster.endpoint,
    ReaderEndpoint: cluster.readerEndpoint,
    MultiAZ: instances.length > 1,
    Engine: cluster.engine,
    EngineVersion: cluster.engineVersion,
    Port: cluster.port,
    MasterUsername: cluster.masterUsername,
    DBClusterMembers: items('DBClusterMember', instances, (instance) =>
      fields({
        DBInstanceIdentifier: instance.id,
        // A secondary cluster of a global database has no writer instance.
        IsClusterWriter: isPrimary && instance === instances[0],
        DBClusterParameterGroupStatus: 'in-sync',
        PromotionTier: 1,
      }),
    ),
    StorageEncrypted: cluster.storageEncrypted,
    DbClusterResourceId: cluster.resourceId,
    DBClusterArn: cluster.arn,
    ClusterCreateTime: cluster.createdAt,
    EngineMode: 'provisioned',
    DeletionProtection: cluster.deletionProtection,
    GlobalClusterIdentifier: cluster.globalClusterId,
    GlobalWriteForwardingStatus: global ? 'disabled' : undefined,
  });
}

export function dbInstanceXml(instance: DbInstance): Xml {
  return fields({
    DBInstanceIdentifier: instance.id,
    DBInstanceClass: instance.instanceClass,
    Engine: instance.engine,
    DBInstanceStatus: instance.status,
    InstanceCreateTime: instance.createdAt,
    EngineVersion: instance.engineVersion,
    DBClusterIdentifier: instance.clusterId,
    DBInstanceArn: instance.arn,
  });
}

export function eventXml(event: RdsEvent): Xml {
  return fields({
    SourceIdentifier: event.sourceId,
    SourceType: event.sourceType,
    Message: event.message,
    EventCategories: items('EventCategory', event.categories, (c) => c),
    Date: event.date,
    SourceArn: event.sourceArn,
  });
}

export function snapshotXml(snapshot: ClusterSnapshot): Xml {
  return fields({
    DBClusterSnapshotIdentifier: snapshot.id,
    DBClusterIdentifier: snapshot.clusterId,
    SnapshotCreateTime: snapshot.createdAt,
    Engine: snapshot.engine,
    EngineMode: 'provisioned',
    Status: 'available',
    ClusterCreateTime: snapshot.clusterCreatedAt,
    EngineVersion: snapshot.engineVersion,
    SnapshotType: snapshot.type,
    PercentProgress: 100,
    DBClusterSnapshotArn: snapshot.arn,
  });
}
