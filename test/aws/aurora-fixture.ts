import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import type { AwsSimulator } from '../../local/aws/index.js';
import { rdsClient } from './support.js';

/** A global cluster `id` with its writer in us-east-1 and one secondary in us-east-2, one instance each. */
export async function createTwoRegionGlobalCluster(sim: AwsSimulator, id = 'trading') {
  const east1 = rdsClient(sim, 'us-east-1');
  const east2 = rdsClient(sim, 'us-east-2');
  await east1.send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: id, Engine: 'aurora-mysql' }));
  const primary = await east1.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: `${id}-use1`,
      Engine: 'aurora-mysql',
      GlobalClusterIdentifier: id,
      MasterUsername: 'admin',
      MasterUserPassword: 'secret-password',
    }),
  );
  const secondary = await east2.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: `${id}-use2`,
      Engine: 'aurora-mysql',
      GlobalClusterIdentifier: id,
    }),
  );
  for (const [client, cluster] of [
    [east1, `${id}-use1`],
    [east2, `${id}-use2`],
  ] as const) {
    await client.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${cluster}-1`,
        DBClusterIdentifier: cluster,
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-mysql',
      }),
    );
  }
  return {
    east1,
    east2,
    primaryArn: primary.DBCluster?.DBClusterArn ?? '',
    secondaryArn: secondary.DBCluster?.DBClusterArn ?? '',
  };
}
