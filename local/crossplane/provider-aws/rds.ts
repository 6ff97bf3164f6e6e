import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DeleteGlobalClusterCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
} from '@aws-sdk/client-rds';
import type { ManagedResourceHandler } from '../provider.js';
import type { AwsClients } from './clients.js';
import {
  apiVersionOf,
  bool,
  createFields,
  externalNameOf,
  isNotFound,
  num,
  referencedId,
  regionOf,
  requireField,
  str,
  strings,
} from './fields.js';

const RDS = apiVersionOf('rds');
const identifierOf = (mr: Parameters<ManagedResourceHandler['observe']>[0]) =>
  externalNameOf(mr) ?? mr.metadata.name;

/**
 * Aurora global database (ARCHITECTURE §4): the global cluster is created empty; the member created
 * with credentials joins first and writes, the other joins as a secondary by
 * `globalClusterIdentifier` (initProvider: sent once, never enforced, so a switchover by the
 * controller is never undone). Global clusters are not regional; the MR's region is the endpoint.
 * Clusters and instances have no delete: the simulator does not model deleting them (yet).
 */
export function globalClusterHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const id = identifierOf(mr);
      try {
        const { GlobalClusters = [] } = await clients
          .get('rds', regionOf(mr))
          .send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id }));
        const global = GlobalClusters[0];
        if (!global) return undefined;
        return {
          externalName: id,
          ready: global.Status === 'available',
          message: global.Status === 'available' ? undefined : `global cluster is ${global.Status}`,
          atProvider: {
            id,
            arn: global.GlobalClusterArn,
            globalClusterResourceId: global.GlobalClusterResourceId,
            engine: global.Engine,
            engineVersion: global.EngineVersion,
            storageEncrypted: global.StorageEncrypted,
            deletionProtection: global.DeletionProtection,
            globalClusterMembers: (global.GlobalClusterMembers ?? []).map((member) => ({
              dbClusterArn: member.DBClusterArn,
              isWriter: member.IsWriter,
            })),
          },
        };
      } catch (error) {
        if (isNotFound(error, 'GlobalClusterNotFoundFault')) return undefined;
        throw error;
      }
    },
    async create(mr) {
      const fields = createFields(mr);
      await clients.get('rds', regionOf(mr)).send(
        new CreateGlobalClusterCommand({
          GlobalClusterIdentifier: identifierOf(mr),
          Engine: str(fields, 'engine'),
          EngineVersion: str(fields, 'engineVersion'),
          StorageEncrypted: bool(fields, 'storageEncrypted'),
          DeletionProtection: bool(fields, 'deletionProtection'),
          DatabaseName: str(fields, 'databaseName'),
          SourceDBClusterIdentifier: str(fields, 'sourceDbClusterIdentifier'),
        }),
      );
    },
    async delete(mr) {
      await clients
        .get('rds', regionOf(mr))
        .send(new DeleteGlobalClusterCommand({ GlobalClusterIdentifier: identifierOf(mr) }));
    },
  };
}

export function clusterHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const id = identifierOf(mr);
      try {
        const { DBClusters = [] } = await clients
          .get('rds', regionOf(mr))
          .send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
        const cluster = DBClusters[0];
        if (!cluster) return undefined;
        return {
          externalName: id,
          ready: cluster.Status === 'available',
          message: cluster.Status === 'available' ? undefined : `cluster is ${cluster.Status}`,
          atProvider: {
            id,
            arn: cluster.DBClusterArn,
            clusterResourceId: cluster.DbClusterResourceId,
            endpoint: cluster.Endpoint,
            readerEndpoint: cluster.ReaderEndpoint,
            engine: cluster.Engine,
            engineVersion: cluster.EngineVersion,
            port: cluster.Port,
            status: cluster.Status,
            masterUsername: cluster.MasterUsername,
            globalClusterIdentifier: cluster.GlobalClusterIdentifier,
            storageEncrypted: cluster.StorageEncrypted,
            deletionProtection: cluster.DeletionProtection,
          },
        };
      } catch (error) {
        if (isNotFound(error, 'DBClusterNotFoundFault')) return undefined;
        throw error;
      }
    },
    async create(mr) {
      // initProvider's globalClusterIdentifier and credentials go out here, and only here.
      const fields = createFields(mr);
      await clients.get('rds', regionOf(mr)).send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: identifierOf(mr),
          Engine: str(fields, 'engine'),
          EngineVersion: str(fields, 'engineVersion'),
          GlobalClusterIdentifier: str(fields, 'globalClusterIdentifier'),
          MasterUsername: str(fields, 'masterUsername'),
          ManageMasterUserPassword: bool(fields, 'manageMasterUserPassword'),
          DatabaseName: str(fields, 'databaseName'),
          StorageEncrypted: bool(fields, 'storageEncrypted'),
          DeletionProtection: bool(fields, 'deletionProtection'),
          BackupRetentionPeriod: num(fields, 'backupRetentionPeriod'),
          PreferredBackupWindow: str(fields, 'preferredBackupWindow'),
          CopyTagsToSnapshot: bool(fields, 'copyTagsToSnapshot'),
          EnableCloudwatchLogsExports: strings(fields, 'enabledCloudwatchLogsExports'),
          Port: num(fields, 'port'),
        }),
      );
    },
  };
}

export function clusterInstanceHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const id = identifierOf(mr);
      try {
        const { DBInstances = [] } = await clients
          .get('rds', regionOf(mr))
          .send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        const instance = DBInstances[0];
        if (!instance) return undefined;
        return {
          externalName: id,
          ready: instance.DBInstanceStatus === 'available',
          message:
            instance.DBInstanceStatus === 'available'
              ? undefined
              : `instance is ${instance.DBInstanceStatus}`,
          atProvider: {
            id,
            arn: instance.DBInstanceArn,
            clusterIdentifier: instance.DBClusterIdentifier,
            instanceClass: instance.DBInstanceClass,
            engine: instance.Engine,
            engineVersion: instance.EngineVersion,
            endpoint: instance.Endpoint?.Address,
            status: instance.DBInstanceStatus,
          },
        };
      } catch (error) {
        if (isNotFound(error, 'DBInstanceNotFoundFault')) return undefined;
        throw error;
      }
    },
    async create(mr, context) {
      const fields = createFields(mr);
      const clusterIdentifier = await requireField(
        context,
        mr,
        fields,
        'clusterIdentifier',
        { apiVersion: RDS, kind: 'Cluster' },
        referencedId,
      );
      await clients.get('rds', regionOf(mr)).send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: identifierOf(mr),
          DBClusterIdentifier: clusterIdentifier,
          DBInstanceClass: str(fields, 'instanceClass'),
          Engine: str(fields, 'engine'),
          PubliclyAccessible: bool(fields, 'publiclyAccessible'),
          PromotionTier: num(fields, 'promotionTier'),
          EnablePerformanceInsights: bool(fields, 'performanceInsightsEnabled'),
        }),
      );
    },
  };
}
