import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DBClusterNotFoundFault,
  DBInstanceAlreadyExistsFault,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeEventsCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  GlobalClusterAlreadyExistsFault,
  GlobalClusterNotFoundFault,
  InvalidDBClusterStateFault,
  InvalidGlobalClusterStateFault,
  RDSServiceException,
  RemoveFromGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsSimulator, AwsSimulatorOptions } from '../../local/aws/index.js';
import { waitFor } from '../support/wait.js';
import { createTwoRegionGlobalCluster } from './aurora-fixture.js';
import { fastSimulator, type rdsClient, rejectionOf } from './support.js';

let sim: AwsSimulator;
async function start(options: AwsSimulatorOptions = {}) {
  sim = await fastSimulator(options);
  return createTwoRegionGlobalCluster(sim);
}
afterEach(async () => {
  await sim.close();
});

async function members(client: ReturnType<typeof rdsClient>) {
  const out = await client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'trading' }));
  return out.GlobalClusters?.[0];
}

describe('RDS describe operations', () => {
  it('DescribeGlobalClusters reports members, readers, sync status and the writer endpoint', async () => {
    const { east2, primaryArn, secondaryArn } = await start();
    const global = await members(east2);
    expect(global).toMatchObject({
      GlobalClusterIdentifier: 'trading',
      GlobalClusterArn: 'arn:aws:rds::123456789012:global-cluster:trading',
      Status: 'available',
      Engine: 'aurora-mysql',
      GlobalClusterMembers: [
        {
          DBClusterArn: primaryArn,
          IsWriter: true,
          Readers: [secondaryArn],
          SynchronizationStatus: 'connected',
        },
        { DBClusterArn: secondaryArn, IsWriter: false, Readers: [], SynchronizationStatus: 'connected' },
      ],
    });
    expect(global?.Endpoint).toMatch(/^trading\.global-[0-9a-f]+\.global\.rds\.amazonaws\.com$/);
  });

  it('DescribeDBClusters and DescribeDBInstances are regional', async () => {
    const { east1, east2 } = await start();
    const clusters = await east2.send(new DescribeDBClustersCommand({}));
    expect(clusters.DBClusters?.map((c) => c.DBClusterIdentifier)).toEqual(['trading-use2']);
    expect(clusters.DBClusters?.[0]).toMatchObject({
      Status: 'available',
      GlobalClusterIdentifier: 'trading',
      DBClusterMembers: [{ DBInstanceIdentifier: 'trading-use2-1', IsClusterWriter: false }],
    });
    const primary = await east1.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'trading-use1' }));
    expect(primary.DBClusters?.[0]?.DBClusterMembers?.[0]?.IsClusterWriter).toBe(true);
    const instances = await east1.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'trading-use1-1' }),
    );
    expect(instances.DBInstances?.[0]).toMatchObject({
      DBInstanceStatus: 'available',
      DBClusterIdentifier: 'trading-use1',
    });

    const error = await rejectionOf(
      east2.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'trading-use1' })),
    );
    expect(error).toBeInstanceOf(DBClusterNotFoundFault);
    expect((error as DBClusterNotFoundFault).$metadata.httpStatusCode).toBe(404);
  });
});

describe('RDS errors arrive as the typed SDK exceptions and change nothing', () => {
  it('unknown and duplicate global clusters', async () => {
    const { east1 } = await start();
    const missing = await rejectionOf(
      east1.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'nope' })),
    );
    expect(missing).toBeInstanceOf(GlobalClusterNotFoundFault);
    expect(missing.message).toBe('Global cluster nope not found');
    const duplicate = await rejectionOf(
      east1.send(
        new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'trading', Engine: 'aurora-mysql' }),
      ),
    );
    expect(duplicate).toBeInstanceOf(GlobalClusterAlreadyExistsFault);
  });

  it('invalid identifiers and missing parameters give InvalidParameterValue / MissingParameter', async () => {
    const { east1 } = await start();
    const before = await east1.send(new DescribeDBClustersCommand({}));
    const invalid = await rejectionOf(
      east1.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: 'bad--name',
          Engine: 'aurora-mysql',
          MasterUsername: 'a',
        }),
      ),
    );
    expect(invalid).toBeInstanceOf(RDSServiceException);
    expect(invalid.name).toBe('InvalidParameterValue');
    expect((invalid as RDSServiceException).$metadata.httpStatusCode).toBe(400);
    const missing = await rejectionOf(
      east1.send(new CreateDBClusterCommand({ DBClusterIdentifier: 'standalone', Engine: 'aurora-mysql' })),
    );
    expect(missing.name).toBe('MissingParameter');
    const engine = await rejectionOf(
      east1.send(
        new CreateDBClusterCommand({ DBClusterIdentifier: 'x', Engine: 'oracle', MasterUsername: 'a' }),
      ),
    );
    expect(engine.name).toBe('InvalidParameterValue');
    const after = await east1.send(new DescribeDBClustersCommand({}));
    expect(after.DBClusters).toEqual(before.DBClusters);
  });

  it('instances need an existing cluster and a fresh identifier', async () => {
    const { east1 } = await start();
    const instance = {
      DBInstanceIdentifier: 'trading-use1-1',
      DBClusterIdentifier: 'trading-use1',
      DBInstanceClass: 'db.r6g.large',
      Engine: 'aurora-mysql',
    };
    expect(await rejectionOf(east1.send(new CreateDBInstanceCommand(instance)))).toBeInstanceOf(
      DBInstanceAlreadyExistsFault,
    );
    expect(
      await rejectionOf(
        east1.send(
          new CreateDBInstanceCommand({
            ...instance,
            DBInstanceIdentifier: 'i2',
            DBClusterIdentifier: 'nope',
          }),
        ),
      ),
    ).toBeInstanceOf(DBClusterNotFoundFault);
  });

  it('FailoverGlobalCluster is accepted only in the target region and only for a secondary', async () => {
    const { east1, east2, primaryArn, secondaryArn } = await start();
    const wrongRegion = await rejectionOf(
      east1.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'trading',
          TargetDbClusterIdentifier: secondaryArn,
          AllowDataLoss: true,
        }),
      ),
    );
    expect(wrongRegion.name).toBe('InvalidParameterValue');
    expect(wrongRegion.message).toContain('Region of the target DB cluster (us-east-2)');
    const writerTarget = await rejectionOf(
      east1.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'trading',
          TargetDbClusterIdentifier: primaryArn,
          AllowDataLoss: true,
        }),
      ),
    );
    expect(writerTarget).toBeInstanceOf(InvalidDBClusterStateFault);
    const both = await rejectionOf(
      east2.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'trading',
          TargetDbClusterIdentifier: secondaryArn,
          AllowDataLoss: true,
          Switchover: true,
        }),
      ),
    );
    expect(both.name).toBe('InvalidParameterCombination');
    const missingGlobal = await rejectionOf(
      east2.send(
        new FailoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'nope',
          TargetDbClusterIdentifier: secondaryArn,
        }),
      ),
    );
    expect(missingGlobal).toBeInstanceOf(GlobalClusterNotFoundFault);
    expect((await members(east2))?.FailoverState).toBeUndefined();
  });

  it('a second failover while one is in progress is InvalidGlobalClusterStateFault', async () => {
    const { east2, secondaryArn } = await start({ aurora: { failoverMs: 10_000_000 } });
    const request = {
      GlobalClusterIdentifier: 'trading',
      TargetDbClusterIdentifier: secondaryArn,
      AllowDataLoss: true,
    };
    await east2.send(new FailoverGlobalClusterCommand(request));
    const state = await waitFor(async () => {
      const global = await members(east2);
      return global?.FailoverState?.Status === 'failing-over' ? global : undefined;
    }, 'failing-over');
    expect(state.Status).toBe('failing-over');
    expect(await rejectionOf(east2.send(new FailoverGlobalClusterCommand(request)))).toBeInstanceOf(
      InvalidGlobalClusterStateFault,
    );
  });

  it('an unknown action is InvalidAction', async () => {
    await start();
    const response = await fetch(`${sim.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=AK/20261125/us-east-2/rds/aws4_request, SignedHeaders=host, Signature=x',
      },
      body: 'Action=FlyToTheMoon&Version=2014-10-31',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>InvalidAction</Code>');
  });
});

describe('switchover and detach', () => {
  it('SwitchoverGlobalCluster runs in the primary region, swaps roles with RPO 0 and emits the switchover events', async () => {
    const { east1, east2, primaryArn, secondaryArn } = await start();
    const wrongRegion = await rejectionOf(
      east2.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'trading',
          TargetDbClusterIdentifier: secondaryArn,
        }),
      ),
    );
    expect(wrongRegion.message).toContain('Region of the primary DB cluster (us-east-1)');

    const started = await east1.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );
    expect(started.GlobalCluster?.FailoverState).toMatchObject({
      Status: 'pending',
      IsDataLossAllowed: false,
    });
    const done = await waitFor(async () => {
      const global = await members(east1);
      return global?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn === secondaryArn
        ? global
        : undefined;
    }, 'switchover');
    expect(done.GlobalClusterMembers?.find((m) => m.DBClusterArn === primaryArn)?.SynchronizationStatus).toBe(
      'connected',
    );

    await waitFor(async () => {
      const events = await east2.send(new DescribeEventsCommand({ EventCategories: ['global-failover'] }));
      return events.Events?.some((e) => e.Message?.startsWith('Aurora finished changing the DNS name'));
    }, 'RDS-EVENT-0397');
    const east2Events = (await east2.send(new DescribeEventsCommand({}))).Events?.map((e) => e.Message);
    expect(east2Events).toEqual([
      'Global switchover to DB cluster trading-use2 in Region us-east-2 started.',
      'Waiting for data synchronization across global cluster members. Current lags behind primary DB cluster: 20 ms.',
      'New primary DB cluster trading-use2 in Region us-east-2 was successfully promoted.',
      'Global switchover to DB cluster trading-use2 in Region us-east-2 completed.',
      'Aurora finished changing the DNS name that the global writer endpoint resolves to.',
    ]);
    const east1Events = (await east1.send(new DescribeEventsCommand({}))).Events?.map((e) => e.Message);
    expect(east1Events).toEqual([
      'Old primary DB cluster trading-use1 in Region us-east-1 successfully shut down.',
    ]);
    const snapshots = await east1.send(new DescribeDBClusterSnapshotsCommand({}));
    expect(snapshots.DBClusterSnapshots).toEqual([]);
  });

  it('FailoverGlobalCluster without AllowDataLoss during an outage is a switchover that cancels', async () => {
    const { east2, primaryArn, secondaryArn } = await start({ aurora: { switchoverTimeoutMs: 600_000 } });
    sim.faults.apply('region-down', ['us-east-1']);
    await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );
    const seen = new Set<string>();
    await waitFor(async () => {
      const global = await members(east2);
      if (global?.FailoverState?.Status) seen.add(global.FailoverState.Status);
      return seen.has('switching-over') && global?.FailoverState === undefined;
    }, 'the switchover to give up');
    expect(seen).toContain('switching-over');
    expect((await members(east2))?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn).toBe(
      primaryArn,
    );
    const messages = (await east2.send(new DescribeEventsCommand({}))).Events?.map((e) => e.Message);
    expect(messages).toContain(
      'Global switchover to DB cluster trading-use2 in Region us-east-2 is cancelled.',
    );
  });

  it('a switchover is refused while a secondary is pending-resync', async () => {
    const { east2, primaryArn, secondaryArn } = await start({ aurora: { resyncMs: 100_000_000 } });
    await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );
    await waitFor(async () => (await members(east2))?.FailoverState === undefined, 'failover');
    const refused = await rejectionOf(
      east2.send(
        new SwitchoverGlobalClusterCommand({
          GlobalClusterIdentifier: 'trading',
          TargetDbClusterIdentifier: primaryArn,
        }),
      ),
    );
    expect(refused).toBeInstanceOf(InvalidGlobalClusterStateFault);
    expect(refused.message).toContain('pending-resync');
  });

  it('RemoveFromGlobalCluster detaches a secondary but not a primary with secondaries', async () => {
    const { east1, east2, primaryArn, secondaryArn } = await start();
    const primary = await rejectionOf(
      east1.send(
        new RemoveFromGlobalClusterCommand({
          GlobalClusterIdentifier: 'trading',
          DbClusterIdentifier: primaryArn,
        }),
      ),
    );
    expect(primary).toBeInstanceOf(InvalidGlobalClusterStateFault);
    const out = await east2.send(
      new RemoveFromGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading',
        DbClusterIdentifier: secondaryArn,
      }),
    );
    expect(out.GlobalCluster?.GlobalClusterMembers?.map((m) => m.DBClusterArn)).toEqual([primaryArn]);
    const detached = await east2.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'trading-use2' }));
    expect(detached.DBClusters?.[0]?.GlobalClusterIdentifier).toBeUndefined();
    expect(detached.DBClusters?.[0]?.DBClusterMembers?.[0]?.IsClusterWriter).toBe(true);
  });
});
