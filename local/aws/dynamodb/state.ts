import { z } from 'zod';
import { isoDate } from '../core/persistence.js';
import type { ReplicaSet, Table } from './model.js';

/**
 * The DynamoDB section of the state file: every region's tables, each with the regions of its
 * global table (`replicaRegions`, just its own region for a table without replicas).
 */

const tableSchema = z
  .object({
    name: z.string(),
    region: z.string(),
    arn: z.string(),
    id: z.string(),
    keySchema: z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) })),
    attributeDefinitions: z.array(
      z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) }),
    ),
    billingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']),
    createdAt: isoDate,
    deletionProtection: z.boolean(),
    stream: z.object({ enabled: z.boolean(), viewType: z.string().optional(), label: z.string() }).optional(),
    sseEnabled: z.boolean(),
    replicaRegions: z.array(z.string()),
  })
  .refine((table) => table.replicaRegions.includes(table.region), {
    message: 'replicaRegions must include the table’s own region',
    path: ['replicaRegions'],
  });

export const dynamoDbStateSchema = z.object({ tables: z.array(tableSchema) });

export type DynamoDbStateFile = z.input<typeof dynamoDbStateSchema>;

export function snapshotDynamoDb(tables: ReadonlyMap<string, ReadonlyMap<string, Table>>): DynamoDbStateFile {
  return {
    tables: [...tables.values()].flatMap((byName) =>
      [...byName.values()].map(({ replicas, createdAt, ...table }) => ({
        ...table,
        createdAt: createdAt.toISOString(),
        replicaRegions: replicas.regions,
      })),
    ),
  };
}

/**
 * The tables to put back. The copies of one global table share their replica set again (adding or
 * removing a replica from any region is seen by all): copies have the same name and the same
 * replica regions, and two different global tables of one name cannot, since a region holds one
 * table of a name.
 */
export function restoreDynamoDb(state: z.output<typeof dynamoDbStateSchema>): Table[] {
  const sets = new Map<string, ReplicaSet>();
  return state.tables.map(({ replicaRegions, ...table }) => {
    const key = JSON.stringify([table.name, replicaRegions]);
    let replicas = sets.get(key);
    if (!replicas) {
      replicas = { regions: replicaRegions };
      sets.set(key, replicas);
    }
    return { ...table, replicas };
  });
}
