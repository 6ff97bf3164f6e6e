import {
  type AttributeDefinition,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  type KeySchemaElement,
  type TableDescription,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type { HandlerContext, ManagedResource, ManagedResourceHandler, Observation } from '../provider.js';
import type { AwsClients } from './clients.js';
import {
  apiVersionOf,
  block,
  blocks,
  bool,
  createFields,
  externalNameOf,
  isNotFound,
  referencedArn,
  regionOf,
  requireField,
  str,
} from './fields.js';

const DYNAMODB = apiVersionOf('dynamodb');
const tableNameOf = (mr: ManagedResource) =>
  externalNameOf(mr) ?? str(mr.spec.forProvider, 'name') ?? mr.metadata.name;

async function describe(
  clients: AwsClients,
  region: string,
  name: string,
): Promise<TableDescription | undefined> {
  try {
    return (await clients.get('dynamodb', region).send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (isNotFound(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

function observation(externalName: string, table: TableDescription): Observation {
  const ready = table.TableStatus === 'ACTIVE';
  return {
    externalName,
    ready,
    message: ready ? undefined : `table is ${table.TableStatus}`,
    atProvider: {
      id: table.TableName,
      arn: table.TableArn,
      streamArn: table.LatestStreamArn,
      streamLabel: table.LatestStreamLabel,
      billingMode: table.BillingModeSummary?.BillingMode,
      replicas: (table.Replicas ?? []).map((replica) => replica.RegionName),
    },
  };
}

/** Tables (the sessions table), on-demand or provisioned; keys from hashKey/rangeKey. */
export function tableHandler(clients: AwsClients): ManagedResourceHandler {
  return {
    async observe(mr) {
      const name = tableNameOf(mr);
      const table = await describe(clients, regionOf(mr), name);
      return table && observation(name, table);
    },
    async create(mr) {
      const fields = createFields(mr);
      const keys: KeySchemaElement[] = [{ AttributeName: str(fields, 'hashKey'), KeyType: 'HASH' }];
      const rangeKey = str(fields, 'rangeKey');
      if (rangeKey) keys.push({ AttributeName: rangeKey, KeyType: 'RANGE' });
      const stream = bool(fields, 'streamEnabled');
      await clients.get('dynamodb', regionOf(mr)).send(
        new CreateTableCommand({
          TableName: tableNameOf(mr),
          KeySchema: keys,
          AttributeDefinitions: blocks(fields, 'attribute').map(
            (attribute): AttributeDefinition => ({
              AttributeName: str(attribute, 'name'),
              AttributeType: str(attribute, 'type') as AttributeDefinition['AttributeType'],
            }),
          ),
          BillingMode: (str(fields, 'billingMode') ?? 'PROVISIONED') as 'PAY_PER_REQUEST',
          StreamSpecification: stream
            ? { StreamEnabled: true, StreamViewType: str(fields, 'streamViewType') as 'NEW_AND_OLD_IMAGES' }
            : undefined,
          SSESpecification: bool(block(fields, 'serverSideEncryption'), 'enabled')
            ? { Enabled: true }
            : undefined,
          DeletionProtectionEnabled: bool(fields, 'deletionProtectionEnabled'),
        }),
      );
    },
    async delete(mr) {
      await clients
        .get('dynamodb', regionOf(mr))
        .send(new DeleteTableCommand({ TableName: tableNameOf(mr) }));
    },
  };
}

/** `arn:aws:dynamodb:<region>:<account>:table/<name>` → region and name. */
function parseTableArn(arn: string): { region: string; name: string } {
  const [, , , region = '', , resource = ''] = arn.split(':');
  return { region, name: resource.replace(/^table\//, '') };
}

/**
 * A global table's replica: the MR's region is the replica's, the table's ARN names the main
 * region, which adds the replica (UpdateTable ReplicaUpdates). External name `<table>:<main region>`,
 * as upjet's.
 */
export function tableReplicaHandler(clients: AwsClients): ManagedResourceHandler {
  const main = async (mr: ManagedResource, context: HandlerContext) =>
    parseTableArn(
      await requireField(
        context,
        mr,
        mr.spec.forProvider,
        'globalTableArn',
        { apiVersion: DYNAMODB, kind: 'Table' },
        referencedArn,
      ),
    );
  return {
    async observe(mr, context) {
      let table: { region: string; name: string };
      try {
        table = await main(mr, context);
      } catch {
        return undefined;
      }
      const replica = await describe(clients, regionOf(mr), table.name);
      return replica && observation(`${table.name}:${table.region}`, replica);
    },
    async create(mr, context) {
      const table = await main(mr, context);
      await clients.get('dynamodb', table.region).send(
        new UpdateTableCommand({
          TableName: table.name,
          ReplicaUpdates: [{ Create: { RegionName: regionOf(mr) } }],
        }),
      );
    },
    async delete(mr, context) {
      const table = await main(mr, context);
      await clients.get('dynamodb', table.region).send(
        new UpdateTableCommand({
          TableName: table.name,
          ReplicaUpdates: [{ Delete: { RegionName: regionOf(mr) } }],
        }),
      );
    },
  };
}
