import { randomBytes } from 'node:crypto';
import type { SimClock } from '../core/clock.js';
import { AwsError, invalidParameterCombination, invalidParameterValue } from '../core/errors.js';
import { el, items, type XmlValue } from '../core/xml.js';
import type { QueryParams } from '../protocols/query.js';
import type { GlobalFailoverEngine } from './global-failover.js';
import {
  clusterArn,
  type DbCluster,
  type GlobalCluster,
  globalClusterArn,
  instanceArn,
  parseClusterArn,
} from './model.js';
import type { RdsStore } from './store.js';
import { dbClusterXml, dbInstanceXml, eventXml, globalClusterXml, snapshotXml } from './xml.js';

export interface RdsContext {
  store: RdsStore;
  engine: GlobalFailoverEngine;
  clock: SimClock;
  /** The region whose endpoint received the call. */
  region: string;
  params: QueryParams;
}

export type RdsOperation = (ctx: RdsContext) => XmlValue;

const ENGINES = ['aurora-mysql', 'aurora-postgresql'];
const DEFAULT_VERSIONS: Record<string, string> = {
  'aurora-mysql': '8.0.mysql_aurora.3.08.0',
  'aurora-postgresql': '16.6',
};

function suffix(): string {
  return randomBytes(6).toString('hex');
}

function validIdentifier(name: string, value: string): string {
  if (!/^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}$/.test(value) || value.endsWith('-')) {
    throw invalidParameterValue(
      `The parameter ${name} is not a valid identifier. Identifiers must begin with a letter; must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.`,
    );
  }
  return value;
}

function validEngine(value: string): string {
  if (!ENGINES.includes(value)) throw invalidParameterValue(`Invalid DB engine: ${value}`);
  return value;
}

function globalNotFound(id: string): AwsError {
  return new AwsError('GlobalClusterNotFoundFault', `Global cluster ${id} not found`, 404);
}

function clusterNotFound(id: string): AwsError {
  return new AwsError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
}

function requireGlobal(ctx: RdsContext, id: string): GlobalCluster {
  const global = ctx.store.globalClusters.get(id);
  if (!global) throw globalNotFound(id);
  return global;
}

function requireIdle(global: GlobalCluster): void {
  if (global.failover || global.status !== 'available') {
    throw new AwsError(
      'InvalidGlobalClusterStateFault',
      `Global cluster ${global.id} is in ${global.failover?.status ?? global.status} state, which is not valid for this operation.`,
    );
  }
}

function describeResult(name: string, itemName: string, values: readonly XmlValue[]): XmlValue {
  return el(
    name,
    items(itemName, values, (v) => v),
  );
}

/** The member cluster a failover or switchover targets; it must be a secondary of this global cluster. */
function requireSecondaryTarget(ctx: RdsContext, global: GlobalCluster, targetId: string): DbCluster {
  const target = ctx.store.findCluster(ctx.region, targetId);
  if (!target) throw clusterNotFound(targetId);
  const member = global.members.find((m) => m.clusterArn === target.arn);
  if (!member) {
    throw invalidParameterValue(`DB cluster ${target.arn} is not a member of global cluster ${global.id}.`);
  }
  if (member.isWriter) {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `DB cluster ${target.arn} is already the primary cluster of global cluster ${global.id}.`,
    );
  }
  if (ctx.store.instancesOf(target).length === 0) {
    throw new AwsError(
      'InvalidDBClusterStateFault',
      `DB cluster ${target.arn} has no DB instances. Add an instance to a headless secondary before promoting it.`,
    );
  }
  return target;
}

export const rdsOperations: Record<string, RdsOperation> = {
  CreateGlobalCluster(ctx) {
    const id = validIdentifier('GlobalClusterIdentifier', ctx.params.required('GlobalClusterIdentifier'));
    const sourceId = ctx.params.string('SourceDBClusterIdentifier');
    const source = sourceId ? ctx.store.findCluster(ctx.region, sourceId) : undefined;
    if (sourceId && !source) throw clusterNotFound(sourceId);
    if (source?.globalClusterId) {
      throw new AwsError(
        'InvalidDBClusterStateFault',
        `DB cluster ${source.id} is already a member of a global cluster.`,
      );
    }
    const engineParam = ctx.params.string('Engine');
    if (!engineParam && !source) {
      throw invalidParameterValue(
        'The Engine parameter is required when SourceDBClusterIdentifier is not specified.',
      );
    }
    const engine = validEngine(engineParam ?? source?.engine ?? '');
    if (source && source.engine !== engine) {
      throw invalidParameterCombination(
        `The engine ${engine} doesn't match the source DB cluster engine ${source.engine}.`,
      );
    }
    if (ctx.store.globalClusters.has(id)) {
      throw new AwsError('GlobalClusterAlreadyExistsFault', `Global cluster ${id} already exists`);
    }
    const global: GlobalCluster = {
      id,
      arn: globalClusterArn(id),
      resourceId: `cluster-${suffix()}`,
      engine,
      engineVersion:
        ctx.params.string('EngineVersion') ?? source?.engineVersion ?? DEFAULT_VERSIONS[engine] ?? '',
      status: 'available',
      databaseName: ctx.params.string('DatabaseName'),
      deletionProtection: ctx.params.bool('DeletionProtection') ?? false,
      storageEncrypted: ctx.params.bool('StorageEncrypted') ?? source?.storageEncrypted ?? false,
      endpoint: `${id}.global-${suffix().slice(0, 10)}.global.rds.amazonaws.com`,
      members: source ? [{ clusterArn: source.arn, isWriter: true, sync: 'connected' }] : [],
    };
    if (source) source.globalClusterId = id;
    ctx.store.globalClusters.set(id, global);
    return el('GlobalCluster', globalClusterXml(global));
  },

  CreateDBCluster(ctx) {
    const id = validIdentifier('DBClusterIdentifier', ctx.params.required('DBClusterIdentifier'));
    const engine = validEngine(ctx.params.required('Engine'));
    const globalId = ctx.params.string('GlobalClusterIdentifier');
    const global = globalId ? requireGlobal(ctx, globalId) : undefined;
    const joinsAsSecondary = global !== undefined && global.members.length > 0;
    const masterUsername = ctx.params.string('MasterUsername');
    if (!joinsAsSecondary && !masterUsername) {
      throw new AwsError(
        'MissingParameter',
        'The parameter MasterUsername must be provided and must not be blank.',
      );
    }
    const requestedVersion = ctx.params.string('EngineVersion');
    if (global) {
      if (global.engine !== engine) {
        throw invalidParameterCombination(
          `The engine ${engine} doesn't match the engine ${global.engine} of global cluster ${global.id}.`,
        );
      }
      if (requestedVersion && requestedVersion !== global.engineVersion) {
        throw invalidParameterCombination(
          `The engine version ${requestedVersion} doesn't match the engine version ${global.engineVersion} of global cluster ${global.id}.`,
        );
      }
      requireIdle(global);
      const sameRegion = global.members.some((m) => parseClusterArn(m.clusterArn)?.region === ctx.region);
      if (sameRegion) {
        throw invalidParameterCombination(
          `Global cluster ${global.id} already has a member in ${ctx.region}.`,
        );
      }
    }
    const regional = ctx.store.region(ctx.region);
    if (regional.clusters.has(id))
      throw new AwsError('DBClusterAlreadyExistsFault', 'DB Cluster already exists');
    const hash = suffix();
    const port = engine === 'aurora-postgresql' ? 5432 : 3306;
    const cluster: DbCluster = {
      id,
      arn: clusterArn(ctx.region, id),
      region: ctx.region,
      resourceId: `cluster-${hash.toUpperCase()}`,
      engine,
      engineVersion: global?.engineVersion ?? requestedVersion ?? DEFAULT_VERSIONS[engine] ?? '',
      status: 'available',
      masterUsername,
      databaseName: ctx.params.string('DatabaseName') ?? global?.databaseName,
      port: ctx.params.int('Port') ?? port,
      endpoint: `${id}.cluster-${hash}.${ctx.region}.rds.amazonaws.com`,
      readerEndpoint: `${id}.cluster-ro-${hash}.${ctx.region}.rds.amazonaws.com`,
      createdAt: ctx.clock.date(),
      deletionProtection: ctx.params.bool('DeletionProtection') ?? false,
      storageEncrypted: ctx.params.bool('StorageEncrypted') ?? global?.storageEncrypted ?? false,
      globalClusterId: global?.id,
      volumeGeneration: 1,
    };
    regional.clusters.set(id, cluster);
    global?.members.push({ clusterArn: cluster.arn, isWriter: !joinsAsSecondary, sync: 'connected' });
    return el('DBCluster', dbClusterXml(ctx.store, cluster));
  },

  CreateDBInstance(ctx) {
    const id = validIdentifier('DBInstanceIdentifier', ctx.params.required('DBInstanceIdentifier'));
    const instanceClass = ctx.params.required('DBInstanceClass');
    const engine = validEngine(ctx.params.required('Engine'));
    const clusterId = ctx.params.string('DBClusterIdentifier');
    if (!clusterId) {
      throw invalidParameterValue(
        'Aurora DB instances must be created in a DB cluster: DBClusterIdentifier is required.',
      );
    }
    const cluster = ctx.store.region(ctx.region).clusters.get(clusterId);
    if (!cluster) throw clusterNotFound(clusterId);
    if (cluster.engine !== engine) {
      throw invalidParameterCombination(
        `The engine ${engine} doesn't match the DB cluster engine ${cluster.engine}.`,
      );
    }
    const regional = ctx.store.region(ctx.region);
    if (regional.instances.has(id)) {
      throw new AwsError('DBInstanceAlreadyExists', 'DB instance already exists');
    }
    const instance = {
      id,
      arn: instanceArn(ctx.region, id),
      region: ctx.region,
      clusterId: cluster.id,
      instanceClass,
      engine,
      engineVersion: cluster.engineVersion,
      status: 'available',
      createdAt: ctx.clock.date(),
    };
    regional.instances.set(id, instance);
    return el('DBInstance', dbInstanceXml(instance));
  },

  DescribeGlobalClusters(ctx) {
    const id = ctx.params.string('GlobalClusterIdentifier');
    const globals = id ? [requireGlobal(ctx, id)] : [...ctx.store.globalClusters.values()];
    return describeResult('GlobalClusters', 'GlobalClusterMember', globals.map(globalClusterXml));
  },

  DescribeDBClusters(ctx) {
    const id = ctx.params.string('DBClusterIdentifier');
    const regional = ctx.store.region(ctx.region);
    let clusters = [...regional.clusters.values()];
    if (id) {
      const cluster = ctx.store.findCluster(ctx.region, id);
      // A regional endpoint knows only its own region's clusters, even when given another's ARN.
      if (!cluster || cluster.region !== ctx.region) throw clusterNotFound(id);
      clusters = [cluster];
    }
    return describeResult(
      'DBClusters',
      'DBCluster',
      clusters.map((c) => dbClusterXml(ctx.store, c)),
    );
  },

  DescribeDBInstances(ctx) {
    const id = ctx.params.string('DBInstanceIdentifier');
    const regional = ctx.store.region(ctx.region);
    let instances = [...regional.instances.values()];
    if (id) {
      const instance = regional.instances.get(id);
      if (!instance) throw new AwsError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
      instances = [instance];
    }
    return describeResult('DBInstances', 'DBInstance', instances.map(dbInstanceXml));
  },

  FailoverGlobalCluster(ctx) {
    const global = requireGlobal(ctx, ctx.params.required('GlobalClusterIdentifier'));
    const targetId = ctx.params.required('TargetDbClusterIdentifier');
    const allowDataLoss = ctx.params.bool('AllowDataLoss');
    const switchover = ctx.params.bool('Switchover');
    if (allowDataLoss && switchover) {
      throw invalidParameterCombination('AllowDataLoss and Switchover are mutually exclusive.');
    }
    const target = requireSecondaryTarget(ctx, global, targetId);
    if (target.region !== ctx.region) {
      throw invalidParameterValue(
        `FailoverGlobalCluster must be called in the Region of the target DB cluster (${target.region}), not ${ctx.region}.`,
      );
    }
    requireIdle(global);
    // Omitting AllowDataLoss means a switchover, which waits for the old primary.
    if (allowDataLoss) ctx.engine.startFailover(global, target);
    else {
      requireSynchronized(global);
      ctx.engine.startSwitchover(global, target);
    }
    return el('GlobalCluster', globalClusterXml(global));
  },

  SwitchoverGlobalCluster(ctx) {
    const global = requireGlobal(ctx, ctx.params.required('GlobalClusterIdentifier'));
    const target = requireSecondaryTarget(ctx, global, ctx.params.required('TargetDbClusterIdentifier'));
    const writer = global.members.find((m) => m.isWriter);
    const writerRegion = writer ? parseClusterArn(writer.clusterArn)?.region : undefined;
    if (writerRegion !== ctx.region) {
      throw invalidParameterValue(
        `SwitchoverGlobalCluster must be called in the Region of the primary DB cluster (${writerRegion}), not ${ctx.region}.`,
      );
    }
    requireIdle(global);
    requireSynchronized(global);
    ctx.engine.startSwitchover(global, target);
    return el('GlobalCluster', globalClusterXml(global));
  },

  RemoveFromGlobalCluster(ctx) {
    const global = requireGlobal(ctx, ctx.params.required('GlobalClusterIdentifier'));
    const clusterId = ctx.params.required('DbClusterIdentifier');
    const cluster = ctx.store.findCluster(ctx.region, clusterId);
    if (!cluster) throw clusterNotFound(clusterId);
    const member = global.members.find((m) => m.clusterArn === cluster.arn);
    if (!member) {
      throw invalidParameterValue(
        `DB cluster ${cluster.arn} is not a member of global cluster ${global.id}.`,
      );
    }
    if (cluster.region !== ctx.region) {
      throw invalidParameterValue(
        `RemoveFromGlobalCluster must be called in the Region of the DB cluster (${cluster.region}), not ${ctx.region}.`,
      );
    }
    requireIdle(global);
    if (member.isWriter && global.members.length > 1) {
      throw new AwsError(
        'InvalidGlobalClusterStateFault',
        `The primary DB cluster ${cluster.arn} can't be removed while global cluster ${global.id} has secondary clusters.`,
      );
    }
    // "Detach and promote": the cluster becomes a standalone read-write cluster.
    global.members = global.members.filter((m) => m !== member);
    cluster.globalClusterId = undefined;
    return el('GlobalCluster', globalClusterXml(global));
  },

  DeleteGlobalCluster(ctx) {
    const global = requireGlobal(ctx, ctx.params.required('GlobalClusterIdentifier'));
    if (global.members.length > 0) {
      throw new AwsError(
        'InvalidGlobalClusterStateFault',
        `Global cluster ${global.id} still has member clusters.`,
      );
    }
    ctx.store.globalClusters.delete(global.id);
    return el('GlobalCluster', globalClusterXml(global));
  },

  DescribeEvents(ctx) {
    const sourceId = ctx.params.string('SourceIdentifier');
    const sourceType = ctx.params.string('SourceType');
    const categories = ctx.params.list('EventCategories');
    const now = ctx.clock.now();
    const end = parseTime(ctx.params.string('EndTime'), 'EndTime') ?? now;
    const duration = ctx.params.int('Duration');
    const start = parseTime(ctx.params.string('StartTime'), 'StartTime') ?? end - (duration ?? 60) * 60_000;
    if (sourceId && !sourceType) {
      throw invalidParameterValue(
        'The parameter SourceType must be provided when SourceIdentifier is specified.',
      );
    }
    const events = ctx.store
      .region(ctx.region)
      .events.filter(
        (e) =>
          (!sourceId || e.sourceId === sourceId) &&
          (!sourceType || e.sourceType === sourceType) &&
          (categories.length === 0 || e.categories.some((c) => categories.includes(c))) &&
          e.date.getTime() >= start &&
          e.date.getTime() <= end,
      );
    return describeResult('Events', 'Event', events.map(eventXml));
  },

  DescribeDBClusterSnapshots(ctx) {
    const clusterId = ctx.params.string('DBClusterIdentifier');
    const snapshotId = ctx.params.string('DBClusterSnapshotIdentifier');
    const type = ctx.params.string('SnapshotType');
    const snapshots = [...ctx.store.region(ctx.region).snapshots.values()].filter(
      (s) =>
        (!clusterId || s.clusterId === clusterId) &&
        (!snapshotId || s.id === snapshotId) &&
        (!type || s.type === type),
    );
    if (snapshotId && snapshots.length === 0) {
      throw new AwsError('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${snapshotId} not found.`, 404);
    }
    return describeResult('DBClusterSnapshots', 'DBClusterSnapshot', snapshots.map(snapshotXml));
  },
};

function requireSynchronized(global: GlobalCluster): void {
  const behind = global.members.filter((m) => !m.isWriter && m.sync !== 'connected');
  if (behind.length > 0) {
    throw new AwsError(
      'InvalidGlobalClusterStateFault',
      `Global cluster ${global.id} can't be switched over while secondary cluster ${behind[0]?.clusterArn} is ${behind[0]?.sync}.`,
    );
  }
}

function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalidParameterValue(`Invalid value for parameter ${name}: ${value}`);
  return time;
}
