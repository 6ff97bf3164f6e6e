import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { SimClock } from '../core/clock.js';
import { AwsError } from '../core/errors.js';
import type { Persistable } from '../core/persistence.js';
import { ACCOUNT_ID } from '../core/regions.js';
import type { RequestAuthorization, ServiceReply, ServiceRequest, SimService } from '../core/request.js';
import { jsonError, jsonReply, targetOperation } from '../protocols/json.js';
import type { AttributeDefinition, KeyElement, Table } from './model.js';
import { type DynamoDbStateFile, dynamoDbStateSchema, restoreDynamoDb, snapshotDynamoDb } from './state.js';

const TARGET_PREFIX = 'DynamoDB_20120810';
const SHAPE_NAMESPACE = 'com.amazonaws.dynamodb.v20120810';
/** The global tables version AWS gives replicas added with UpdateTable (ReplicaUpdates). */
const GLOBAL_TABLE_VERSION = '2019.11.21';

type Json = Record<string, unknown>;

const validation = (message: string) => new AwsError('ValidationException', message);
const notFound = (name: string) =>
  new AwsError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
const inUse = (message: string) => new AwsError('ResourceInUseException', message);

/** `arn:aws:dynamodb:<region>:<account>:table/<name>` or a plain name → the table name. */
const tableNameOf = (value: string) =>
  value.startsWith('arn:') ? value.slice(value.indexOf('/') + 1) : value;

/**
 * DynamoDB over awsJson1_0, control plane only: tables (on-demand or provisioned billing, no
 * items) and global-table replicas added or removed with UpdateTable's ReplicaUpdates. Enough for
 * the estate's SessionStore to exist where the app and the controller look for it.
 */
export class DynamoDbService implements SimService, Persistable<typeof dynamoDbStateSchema> {
  readonly signingName = 'dynamodb';
  readonly stateKey = 'dynamodb';
  readonly stateSchema = dynamoDbStateSchema;
  /** region → table name → table. */
  readonly tables = new Map<string, Map<string, Table>>();

  constructor(private readonly clock: SimClock) {}

  snapshot(): DynamoDbStateFile {
    return snapshotDynamoDb(this.tables);
  }

  restore(state: z.output<typeof dynamoDbStateSchema>): void {
    for (const table of restoreDynamoDb(state)) this.put(table);
  }

  operationOf(request: ServiceRequest): string {
    return targetOperation(request.headers['x-amz-target'], TARGET_PREFIX) ?? 'Unknown';
  }

  renderError(error: AwsError, request: ServiceRequest): ServiceReply {
    return jsonError(error, request.requestId, SHAPE_NAMESPACE, {});
  }

  authorization(request: ServiceRequest): RequestAuthorization {
    const name = parseBody(request.body).TableName;
    return {
      resources: [
        typeof name === 'string'
          ? `arn:aws:dynamodb:${request.region}:${ACCOUNT_ID}:table/${tableNameOf(name)}`
          : '*',
      ],
    };
  }

  async handle(request: ServiceRequest, operation: string): Promise<ServiceReply> {
    const body = parseBody(request.body);
    const region = request.region;
    const reply = (value: unknown) => jsonReply(request.requestId, value);
    switch (operation) {
      case 'CreateTable':
        return reply({ TableDescription: this.describe(this.createTable(region, body)) });
      case 'DescribeTable':
        return reply({ Table: this.describe(this.table(region, requiredName(body))) });
      case 'UpdateTable':
        return reply({ TableDescription: this.describe(this.updateTable(region, body)) });
      case 'DeleteTable': {
        const table = this.table(region, requiredName(body));
        if (table.deletionProtection) {
          throw validation(
            'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.',
          );
        }
        this.in(region).delete(table.name);
        table.replicas.regions = table.replicas.regions.filter((r) => r !== region);
        return reply({ TableDescription: { ...this.describe(table), TableStatus: 'DELETING' } });
      }
      case 'ListTables':
        return reply({ TableNames: [...this.in(region).keys()].sort() });
      default:
        throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  }

  private in(region: string): Map<string, Table> {
    let tables = this.tables.get(region);
    if (!tables) {
      tables = new Map();
      this.tables.set(region, tables);
    }
    return tables;
  }

  private table(region: string, name: string): Table {
    const table = this.in(region).get(tableNameOf(name));
    if (!table) throw notFound(tableNameOf(name));
    return table;
  }

  private createTable(region: string, body: Json): Table {
    const name = requiredName(body);
    if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) {
      throw validation(
        `1 validation error detected: Value '${name}' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+`,
      );
    }
    if (this.in(region).has(name)) throw inUse(`Table already exists: ${name}`);
    const keySchema = arrayOf<KeyElement>(body.KeySchema);
    const attributes = arrayOf<AttributeDefinition>(body.AttributeDefinitions);
    if (!keySchema.some((k) => k.KeyType === 'HASH')) throw validation('No Hash Key specified in schema.');
    for (const key of keySchema) {
      if (!attributes.some((a) => a.AttributeName === key.AttributeName)) {
        throw validation(
          'One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions.',
        );
      }
    }
    const billingMode = body.BillingMode === 'PAY_PER_REQUEST' ? 'PAY_PER_REQUEST' : 'PROVISIONED';
    if (billingMode === 'PROVISIONED' && !body.ProvisionedThroughput) {
      throw validation(
        'One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED',
      );
    }
    const streamSpec = body.StreamSpecification as
      | { StreamEnabled?: boolean; StreamViewType?: string }
      | undefined;
    const sse = body.SSESpecification as { Enabled?: boolean } | undefined;
    return this.put({
      name,
      region,
      arn: `arn:aws:dynamodb:${region}:${ACCOUNT_ID}:table/${name}`,
      id: randomUUID(),
      keySchema,
      attributeDefinitions: attributes,
      billingMode,
      createdAt: this.clock.date(),
      deletionProtection: body.DeletionProtectionEnabled === true,
      ...(streamSpec?.StreamEnabled
        ? {
            stream: {
              enabled: true,
              viewType: streamSpec.StreamViewType,
              label: this.clock.date().toISOString(),
            },
          }
        : {}),
      sseEnabled: sse?.Enabled === true,
      replicas: { regions: [region] },
    });
  }

  private put(table: Table): Table {
    this.in(table.region).set(table.name, table);
    return table;
  }

  private updateTable(region: string, body: Json): Table {
    const table = this.table(region, requiredName(body));
    if (typeof body.DeletionProtectionEnabled === 'boolean')
      table.deletionProtection = body.DeletionProtectionEnabled;
    for (const update of arrayOf<Json>(body.ReplicaUpdates)) {
      const create = update.Create as { RegionName?: string } | undefined;
      const remove = update.Delete as { RegionName?: string } | undefined;
      if (create?.RegionName) {
        const target = create.RegionName;
        if (table.replicas.regions.includes(target))
          throw validation(
            `Failed to create a the new replica of table with name: '${table.name}' because one or more replicas already existed as tables.`,
          );
        if (this.in(target).has(table.name)) throw inUse(`Table already exists in ${target}: ${table.name}`);
        table.replicas.regions.push(target);
        this.put({
          ...table,
          region: target,
          arn: `arn:aws:dynamodb:${target}:${ACCOUNT_ID}:table/${table.name}`,
          id: randomUUID(),
          createdAt: this.clock.date(),
          deletionProtection: false,
        });
      }
      if (remove?.RegionName) {
        const target = remove.RegionName;
        if (!table.replicas.regions.includes(target) || target === region)
          throw validation(`Replica ${target} of table ${table.name} cannot be deleted from ${region}.`);
        table.replicas.regions = table.replicas.regions.filter((r) => r !== target);
        this.in(target).delete(table.name);
      }
    }
    return table;
  }

  private describe(table: Table): Json {
    const epochSeconds = table.createdAt.getTime() / 1000;
    return {
      TableName: table.name,
      TableArn: table.arn,
      TableId: table.id,
      TableStatus: 'ACTIVE',
      KeySchema: table.keySchema,
      AttributeDefinitions: table.attributeDefinitions,
      CreationDateTime: epochSeconds,
      ItemCount: 0,
      TableSizeBytes: 0,
      BillingModeSummary: { BillingMode: table.billingMode, LastUpdateToPayPerRequestDateTime: epochSeconds },
      ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, NumberOfDecreasesToday: 0 },
      DeletionProtectionEnabled: table.deletionProtection,
      ...(table.stream
        ? {
            StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream.viewType },
            LatestStreamLabel: table.stream.label,
            LatestStreamArn: `${table.arn}/stream/${table.stream.label}`,
          }
        : {}),
      ...(table.sseEnabled ? { SSEDescription: { Status: 'ENABLED', SSEType: 'KMS' } } : {}),
      ...(table.replicas.regions.length > 1
        ? {
            GlobalTableVersion: GLOBAL_TABLE_VERSION,
            Replicas: table.replicas.regions
              .filter((r) => r !== table.region)
              .map((r) => ({ RegionName: r, ReplicaStatus: 'ACTIVE' })),
          }
        : {}),
    };
  }
}

function parseBody(body: Buffer): Json {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8') || '{}');
    return parsed && typeof parsed === 'object' ? (parsed as Json) : {};
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
}

function requiredName(body: Json): string {
  if (typeof body.TableName !== 'string' || body.TableName === '')
    throw validation(
      "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
    );
  return tableNameOf(body.TableName);
}

function arrayOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}
