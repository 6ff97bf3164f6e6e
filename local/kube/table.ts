import { builtinColumns } from './builtin-tables.js';
import { evaluateJsonPath } from './jsonpath.js';
import { type KubeObject, metadataOf, nameOf } from './object-meta.js';
import type { ResourceType } from './resource-type.js';

/**
 * meta.k8s.io/v1 Table output (what `kubectl get` asks for): the Name column, then the CRD's
 * printer columns (or Age), one row per object with the object's metadata attached.
 */

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const NAME_COLUMN: ColumnDefinition = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description:
    'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  priority: 0,
};

const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

interface Column {
  definition: ColumnDefinition;
  cell(object: KubeObject, now: number): unknown;
}

function columnsOf(type: ResourceType): Column[] {
  if (type.builtin) {
    return builtinColumns(type.builtin, type.group, type.plural).map(({ cell, ...definition }) => ({
      definition,
      cell: (object: KubeObject, now: number) => cell(object, (timestamp) => age(timestamp, now)),
    }));
  }
  const name: Column = { definition: NAME_COLUMN, cell: nameOf };
  if (type.kind === 'CustomResourceDefinition') {
    return [
      name,
      {
        definition: {
          name: 'Created At',
          type: 'date',
          format: '',
          description: CREATION_TIMESTAMP_DESCRIPTION,
          priority: 0,
        },
        cell: (object) => metadataOf(object).creationTimestamp ?? null,
      },
    ];
  }
  const printerColumns =
    type.printerColumns.length > 0 || type.crdName === undefined
      ? type.printerColumns
      : [
          {
            name: 'Age',
            type: 'date',
            jsonPath: '.metadata.creationTimestamp',
            description: CREATION_TIMESTAMP_DESCRIPTION,
          },
        ];
  if (type.crdName === undefined && printerColumns.length === 0) {
    return [
      name,
      {
        definition: {
          name: 'Age',
          type: 'date',
          format: '',
          description: CREATION_TIMESTAMP_DESCRIPTION,
          priority: 0,
        },
        cell: (object, now) => age(metadataOf(object).creationTimestamp, now),
      },
    ];
  }
  return [
    name,
    ...printerColumns.map((column) => ({
      definition: {
        name: column.name,
        type: column.type,
        format: column.format ?? '',
        description:
          column.description ?? `Custom resource definition column (in JSONPath format): ${column.jsonPath}`,
        priority: column.priority ?? 0,
      },
      cell: (object: KubeObject, now: number) => {
        const [value] = evaluateJsonPath(object, column.jsonPath);
        if (value === undefined || value === null) return null;
        if (column.type === 'date') return age(value, now);
        if (typeof value === 'object') return JSON.stringify(value);
        return value;
      },
    })),
  ];
}

function partialMetadata(object: KubeObject): Record<string, unknown> {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: metadataOf(object) };
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  listMetadata: Record<string, unknown>,
  options: { includeObject?: IncludeObject; noHeaders?: boolean } = {},
): Record<string, unknown> {
  const columns = columnsOf(type);
  const now = Date.now();
  const include = options.includeObject ?? 'Metadata';
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMetadata,
    columnDefinitions: options.noHeaders ? null : columns.map((column) => column.definition),
    rows: objects.map((object) => ({
      cells: columns.map((column) => column.cell(object, now)),
      ...(include === 'None' ? {} : { object: include === 'Object' ? object : partialMetadata(object) }),
    })),
  };
}

/** apimachinery duration.HumanDuration of the time since a timestamp, as kubectl shows ages. */
export function age(timestamp: unknown, now = Date.now()): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return '<invalid>';
  return humanDuration((now - then) / 1000);
}

export function humanDuration(totalSeconds: number): string {
  const seconds = Math.trunc(totalSeconds);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}
