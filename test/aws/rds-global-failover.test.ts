import {
  DescribeDBClusterSnapshotsCommand,
  DescribeEventsCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsSimulator } from '../../local/aws/index.js';
import { waitFor } from '../support/wait.js';
import { createTwoRegionGlobalCluster } from './aurora-fixture.js';
import { fastSimulator } from './support.js';

const EAST1 = 'us-east-1';

async function describeGlobal(client: RDSClient, id = 'trading'): Promise<GlobalCluster> {
  const out = await client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: id }));
  const global = out.GlobalClusters?.[0];
  if (!global) throw new Error('no global cluster');
  return global;
}

function writerArn(global: GlobalCluster): string | undefined {
  return global.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
}

describe('Aurora global database failover over the wire', () => {
  let sim: AwsSimulator;
  beforeEach(async () => {
    sim = await fastSimulator();
  });
  afterEach(async () => {
    await sim.close();
  });

  it('region-down us-east-1, FailoverGlobalCluster via us-east-2 flips IsWriter; the journal shows it', async () => {
    const { east2, primaryArn, secondaryArn } = await createTwoRegionGlobalCluster(sim);
    sim.faults.apply('region-down', [EAST1]);
    sim.journal.clear();

    const started = await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );
    expect(started.GlobalCluster?.FailoverState).toEqual({
      Status: 'pending',
      FromDbClusterArn: primaryArn,
      ToDbClusterArn: secondaryArn,
      IsDataLossAllowed: true,
    });

    const after = await waitFor(async () => {
      const global = await describeGlobal(east2);
      return writerArn(global) === secondaryArn ? global : undefined;
    }, 'the secondary to become writer');
    expect(after.FailoverState).toBeUndefined();
    expect(after.GlobalClusterMembers?.find((m) => m.DBClusterArn === primaryArn)).toMatchObject({
      IsWriter: false,
      SynchronizationStatus: 'pending-resync',
    });

    const toEast1 = sim.journal.list({ region: EAST1 });
    expect(toEast1.filter((e) => e.outcome === 'ok')).toHaveLength(0);
    expect(sim.journal.list({ operation: 'FailoverGlobalCluster' })).toHaveLength(1);

    const events = await east2.send(
      new DescribeEventsCommand({ SourceIdentifier: 'trading-use2', SourceType: 'db-cluster' }),
    );
    expect(events.Events?.map((e) => e.Message)).toContain(
      'Global failover to DB cluster trading-use2 in Region us-east-2 completed.',
    );
  });

  it('the old primary rejoins as a secondary after region-up and leaves an unplanned-failover snapshot', async () => {
    const { east1, east2, primaryArn, secondaryArn } = await createTwoRegionGlobalCluster(sim);
    sim.faults.apply('region-down', [EAST1]);
    await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );
    await waitFor(async () => writerArn(await describeGlobal(east2)) === secondaryArn, 'promotion');
    sim.faults.apply('region-up', [EAST1]);

    const rejoined = await waitFor(async () => {
      const global = await describeGlobal(east1);
      const old = global.GlobalClusterMembers?.find((m) => m.DBClusterArn === primaryArn);
      return old?.SynchronizationStatus === 'connected' ? old : undefined;
    }, 'the old primary to resynchronise');
    expect(rejoined.IsWriter).toBe(false);

    const snapshots = await east1.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterIdentifier: 'trading-use1' }),
    );
    expect(snapshots.DBClusterSnapshots?.[0]?.DBClusterSnapshotIdentifier).toMatch(
      /^rds:unplanned-global-failover-trading-use1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/,
    );
  });
});
