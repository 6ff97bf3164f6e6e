import { isPlainObject } from '../../src/schema/openapi.js';
import type { KubeObject } from './object-meta.js';
import { readFields, WIRE, WireError, type WireReader } from './protobuf-wire.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';
import { badRequest } from './status.js';

/**
 * `application/vnd.kubernetes.protobuf` request bodies: the `k8s\0` magic, a runtime.Unknown
 * envelope (typeMeta, raw) and the object's message from k8s.io/api's generated.proto (v0.32),
 * decoded into the JSON object the Go client would have sent as JSON, so the rest of the write
 * path is the JSON one. Only the built-in kinds below are known; unknown fields are skipped, as
 * the Go decoders skip them.
 */

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from('k8s\0', 'latin1');

/** Values whose wire form is not a plain message of the tables below (`raw`: the bytes as they are). */
type Scalar = 'string' | 'bytes' | 'raw' | 'bool' | 'int' | 'time' | 'microTime' | 'fieldsV1';

interface MessageType {
  name: string;
  fields: Record<number, Field>;
}

/**
 * Whether a zero value shows in the Go struct's JSON: `omitempty` drops it (strings, numbers,
 * lists, maps), `pointer` keeps whatever was sent (`*bool`, `*Time`...), `always` shows the zero
 * value (fields without omitempty, and nested structs, whose zero is `{}` or, for times, null).
 */
type Presence = 'omitempty' | 'pointer' | 'always';

interface Field {
  name: string;
  type: Scalar | MessageType;
  list?: 'repeated' | 'map';
  presence: Presence;
  /** Maps: the entry message {1: key, 2: value of `type`}. */
  entry?: MessageType;
}

const message = (name: string, fields: Record<number, Field>): MessageType => ({ name, fields });
const field = (name: string, type: Scalar | MessageType, presence?: Presence): Field => ({
  name,
  type,
  presence:
    presence ??
    (typeof type === 'object' || type === 'time' || type === 'microTime' ? 'always' : 'omitempty'),
});
const pointer = (name: string, type: Scalar | MessageType): Field => field(name, type, 'pointer');
const repeated = (name: string, type: Scalar | MessageType): Field => ({
  name,
  type,
  list: 'repeated',
  presence: 'omitempty',
});
/** map<string, type>: on the wire, repeated entries {1: key, 2: value}. */
const map = (name: string, type: Scalar): Field => ({
  name,
  type,
  list: 'map',
  presence: 'omitempty',
  entry: message(`${name}Entry`, { 1: field('key', 'string'), 2: field('value', type) }),
});

// k8s.io/apimachinery pkg/runtime and pkg/apis/meta/v1

const UNKNOWN = message('Unknown', {
  1: field('typeMeta', message('TypeMeta', { 1: field('apiVersion', 'string'), 2: field('kind', 'string') })),
  2: field('raw', 'raw'),
  // 3 contentEncoding and 4 contentType do not change how the raw object is read.
});

const OWNER_REFERENCE = message('OwnerReference', {
  1: field('kind', 'string', 'always'),
  3: field('name', 'string', 'always'),
  4: field('uid', 'string', 'always'),
  5: field('apiVersion', 'string', 'always'),
  6: pointer('controller', 'bool'),
  7: pointer('blockOwnerDeletion', 'bool'),
});

const MANAGED_FIELDS_ENTRY = message('ManagedFieldsEntry', {
  1: field('manager', 'string'),
  2: field('operation', 'string'),
  3: field('apiVersion', 'string'),
  4: pointer('time', 'time'),
  6: field('fieldsType', 'string'),
  7: pointer('fieldsV1', 'fieldsV1'),
  8: field('subresource', 'string'),
});

const OBJECT_META = message('ObjectMeta', {
  1: field('name', 'string'),
  2: field('generateName', 'string'),
  3: field('namespace', 'string'),
  4: field('selfLink', 'string'),
  5: field('uid', 'string'),
  6: field('resourceVersion', 'string'),
  7: field('generation', 'int'),
  8: field('creationTimestamp', 'time'),
  9: pointer('deletionTimestamp', 'time'),
  10: pointer('deletionGracePeriodSeconds', 'int'),
  11: map('labels', 'string'),
  12: map('annotations', 'string'),
  13: repeated('ownerReferences', OWNER_REFERENCE),
  14: repeated('finalizers', 'string'),
  17: repeated('managedFields', MANAGED_FIELDS_ENTRY),
});

const DELETE_OPTIONS = message('DeleteOptions', {
  1: pointer('gracePeriodSeconds', 'int'),
  2: pointer(
    'preconditions',
    message('Preconditions', { 1: pointer('uid', 'string'), 2: pointer('resourceVersion', 'string') }),
  ),
  3: pointer('orphanDependents', 'bool'),
  4: pointer('propagationPolicy', 'string'),
  5: repeated('dryRun', 'string'),
  6: pointer('ignoreStoreReadErrorWithClusterBreakingPotential', 'bool'),
});

// k8s.io/api core/v1, events/v1, coordination/v1

const OBJECT_REFERENCE = message('ObjectReference', {
  1: field('kind', 'string'),
  2: field('namespace', 'string'),
  3: field('name', 'string'),
  4: field('uid', 'string'),
  5: field('apiVersion', 'string'),
  6: field('resourceVersion', 'string'),
  7: field('fieldPath', 'string'),
});

const EVENT_SOURCE = message('EventSource', { 1: field('component', 'string'), 2: field('host', 'string') });

const NAMESPACE = message('Namespace', {
  1: field('metadata', OBJECT_META),
  2: field('spec', message('NamespaceSpec', { 1: repeated('finalizers', 'string') })),
  3: field(
    'status',
    message('NamespaceStatus', {
      1: field('phase', 'string'),
      2: repeated(
        'conditions',
        message('NamespaceCondition', {
          1: field('type', 'string', 'always'),
          2: field('status', 'string', 'always'),
          4: field('lastTransitionTime', 'time'),
          5: field('reason', 'string'),
          6: field('message', 'string'),
        }),
      ),
    }),
  ),
});

const CONFIG_MAP = message('ConfigMap', {
  1: field('metadata', OBJECT_META),
  2: map('data', 'string'),
  3: map('binaryData', 'bytes'),
  4: pointer('immutable', 'bool'),
});

const SECRET = message('Secret', {
  1: field('metadata', OBJECT_META),
  2: map('data', 'bytes'),
  3: field('type', 'string'),
  4: map('stringData', 'string'),
  5: pointer('immutable', 'bool'),
});

const SERVICE_ACCOUNT = message('ServiceAccount', {
  1: field('metadata', OBJECT_META),
  2: repeated('secrets', OBJECT_REFERENCE),
  3: repeated('imagePullSecrets', message('LocalObjectReference', { 1: field('name', 'string') })),
  4: pointer('automountServiceAccountToken', 'bool'),
});

const CORE_EVENT = message('Event', {
  1: field('metadata', OBJECT_META),
  2: field('involvedObject', OBJECT_REFERENCE),
  3: field('reason', 'string'),
  4: field('message', 'string'),
  5: field('source', EVENT_SOURCE),
  6: field('firstTimestamp', 'time'),
  7: field('lastTimestamp', 'time'),
  8: field('count', 'int'),
  9: field('type', 'string'),
  10: field('eventTime', 'microTime'),
  11: pointer(
    'series',
    message('EventSeries', { 1: field('count', 'int'), 2: field('lastObservedTime', 'microTime') }),
  ),
  12: field('action', 'string'),
  13: pointer('related', OBJECT_REFERENCE),
  14: field('reportingComponent', 'string', 'always'),
  15: field('reportingInstance', 'string', 'always'),
});

const EVENTS_EVENT = message('Event', {
  1: field('metadata', OBJECT_META),
  2: field('eventTime', 'microTime'),
  3: pointer(
    'series',
    message('EventSeries', { 1: field('count', 'int', 'always'), 2: field('lastObservedTime', 'microTime') }),
  ),
  4: field('reportingController', 'string'),
  5: field('reportingInstance', 'string'),
  6: field('action', 'string'),
  7: field('reason', 'string'),
  8: field('regarding', OBJECT_REFERENCE),
  9: pointer('related', OBJECT_REFERENCE),
  10: field('note', 'string'),
  11: field('type', 'string'),
  12: field('deprecatedSource', EVENT_SOURCE),
  13: field('deprecatedFirstTimestamp', 'time'),
  14: field('deprecatedLastTimestamp', 'time'),
  15: field('deprecatedCount', 'int'),
});

const LEASE = message('Lease', {
  1: field('metadata', OBJECT_META),
  2: field(
    'spec',
    message('LeaseSpec', {
      1: pointer('holderIdentity', 'string'),
      2: pointer('leaseDurationSeconds', 'int'),
      3: pointer('acquireTime', 'microTime'),
      4: pointer('renewTime', 'microTime'),
      5: pointer('leaseTransitions', 'int'),
      6: pointer('strategy', 'string'),
      7: pointer('preferredHolder', 'string'),
    }),
  ),
});

/** The kinds decoded, by apiVersion and kind: the built-ins of builtins.ts but the CRD kind. */
const KINDS: Record<string, MessageType> = {
  'v1/Namespace': NAMESPACE,
  'v1/ConfigMap': CONFIG_MAP,
  'v1/Secret': SECRET,
  'v1/ServiceAccount': SERVICE_ACCOUNT,
  'v1/Event': CORE_EVENT,
  'events.k8s.io/v1/Event': EVENTS_EVENT,
  'coordination.k8s.io/v1/Lease': LEASE,
};

/** Whether protobuf bodies of this resource can be decoded (custom resources and CRDs cannot). */
export function decodesProtobuf(type: ResourceType): boolean {
  return type.crdName === undefined && KINDS[`${apiVersionOf(type)}/${type.kind}`] !== undefined;
}

/** A POST or PUT body: the object as JSON, or a 400 worded as the apiserver words it. */
export function decodeProtobufObject(body: Buffer, type: ResourceType): KubeObject {
  const envelope = openEnvelope(body, type);
  const messageType = KINDS[`${envelope.apiVersion}/${envelope.kind}`];
  if (!messageType) {
    throw cannotHandle(
      envelope,
      type.kind,
      `no kind "${envelope.kind}" is registered for version "${envelope.apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`,
    );
  }
  return decodeRaw(envelope, messageType, type.kind);
}

/** A DELETE body (metav1.DeleteOptions, sent under any group version). */
export function decodeProtobufDeleteOptions(body: Buffer, type: ResourceType): KubeObject {
  const expected = { group: type.group, version: type.version, kind: 'DeleteOptions' };
  const envelope = openEnvelope(body, expected);
  if (envelope.kind !== expected.kind) {
    throw cannotHandle(
      envelope,
      expected.kind,
      `no kind "${envelope.kind}" is registered for version "${envelope.apiVersion}"`,
    );
  }
  return decodeRaw(envelope, DELETE_OPTIONS, expected.kind);
}

interface Envelope {
  apiVersion: string;
  version: string;
  kind: string;
  raw: Uint8Array;
}

/**
 * The magic and the runtime.Unknown around the object; an empty apiVersion or kind takes the
 * resource's, as the Go serializer's copyKindDefaults does.
 */
function openEnvelope(body: Buffer, expected: { group: string; version: string; kind: string }): Envelope {
  const unrecognized = (reason: string) =>
    badRequest(
      `the object provided is unrecognized (must be of type ${expected.kind}): ${reason} (${summarize(body)})`,
    );
  if (body.length === 0) throw unrecognized('empty data');
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw unrecognized(
      `provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`,
    );
  }
  if (body.length === MAGIC.length) throw unrecognized('empty body');
  let unknown: Record<string, unknown>;
  try {
    unknown = decodeMessage(body.subarray(MAGIC.length), UNKNOWN);
  } catch (error) {
    if (error instanceof WireError) throw unrecognized(error.message);
    throw error;
  }
  const typeMeta = unknown.typeMeta as { apiVersion?: string; kind?: string };
  const raw = unknown.raw instanceof Uint8Array ? unknown.raw : new Uint8Array();
  const kind = typeMeta.kind ?? expected.kind;
  let [group, version] = splitApiVersion(typeMeta.apiVersion ?? '');
  if (version === '') [group, version] = [expected.group, expected.version];
  return { apiVersion: apiVersionOf({ group, version }), version, kind, raw };
}

function decodeRaw(envelope: Envelope, messageType: MessageType, expectedKind: string): KubeObject {
  try {
    return {
      apiVersion: envelope.apiVersion,
      kind: envelope.kind,
      ...decodeMessage(envelope.raw, messageType),
    };
  } catch (error) {
    if (error instanceof WireError) throw cannotHandle(envelope, expectedKind, error.message);
    throw error;
  }
}

function cannotHandle(envelope: Envelope, expectedKind: string, reason: string) {
  return badRequest(
    `${envelope.kind} in version "${envelope.version}" cannot be handled as a ${expectedKind}: ${reason}`,
  );
}

/** schema.ParseGroupVersion, where a malformed string counts as empty. */
function splitApiVersion(apiVersion: string): [string, string] {
  const parts = apiVersion.split('/');
  if (parts.length === 1) return ['', parts[0] ?? ''];
  if (parts.length === 2) return [parts[0] ?? '', parts[1] ?? ''];
  return ['', ''];
}

/** The apiserver's summarizeData: the first 30 bytes, as hex unless they look like JSON. */
function summarize(body: Buffer): string {
  if (body.length === 0) return '<empty>';
  const head = body.subarray(0, 30);
  const text = body[0] === 0x7b ? head.toString('utf8') : head.toString('hex');
  return body.length > 30 ? `${text} ...` : text;
}

function expectWireType(actual: number, expected: number, goField: string): void {
  if (actual !== expected) throw new WireError(`proto: wrong wireType = ${actual} for field ${goField}`);
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * One message into JSON. A message field sent twice merges into the first, lists append, map
 * entries and scalars overwrite, as in the Go decoders.
 */
function decodeMessage(bytes: Uint8Array, type: MessageType, into: Record<string, unknown> = {}) {
  readFields(bytes, type.name, (number, wireType, reader) => {
    const spec = type.fields[number];
    if (!spec) return false;
    const goField = spec.name.charAt(0).toUpperCase() + spec.name.slice(1);
    if (spec.entry) {
      expectWireType(wireType, WIRE.bytes, goField);
      const entry = decodeMessage(reader.lengthDelimited(), spec.entry);
      const entries = (into[spec.name] ?? {}) as Record<string, unknown>;
      // defineProperty: a key such as `__proto__` (a valid ConfigMap key) is data, as in JSON.parse.
      Object.defineProperty(entries, String(entry.key ?? ''), {
        value: entry.value ?? '',
        enumerable: true,
        writable: true,
        configurable: true,
      });
      into[spec.name] = entries;
    } else if (spec.list === 'repeated') {
      const items = (into[spec.name] ?? []) as unknown[];
      items.push(readValue(spec.type, wireType, reader, goField, undefined));
      into[spec.name] = items;
    } else {
      into[spec.name] = readValue(spec.type, wireType, reader, goField, into[spec.name]);
    }
    return true;
  });
  return withZeroValues(type, into);
}

function readValue(
  type: Scalar | MessageType,
  wireType: number,
  reader: WireReader,
  goField: string,
  existing: unknown,
): unknown {
  if (type === 'bool' || type === 'int') {
    expectWireType(wireType, WIRE.varint, goField);
    return type === 'bool' ? reader.varint() !== 0n : reader.int();
  }
  expectWireType(wireType, WIRE.bytes, goField);
  const bytes = reader.lengthDelimited();
  switch (type) {
    case 'string':
      return utf8(bytes);
    case 'bytes':
      return Buffer.from(bytes).toString('base64');
    case 'raw':
      return bytes;
    case 'time':
    case 'microTime':
      return timestamp(bytes, type === 'microTime');
    case 'fieldsV1':
      return fieldsV1(bytes);
    default:
      return decodeMessage(bytes, type, isPlainObject(existing) ? existing : {});
  }
}

/** metav1.Time (seconds, as JSON shows it) and MicroTime: an empty message is the zero time, null. */
function timestamp(bytes: Uint8Array, micro: boolean): string | null {
  if (bytes.length === 0) return null;
  let seconds = 0;
  let nanos = 0;
  readFields(bytes, 'Timestamp', (number, wireType, reader) => {
    if (number !== 1 && number !== 2) return false;
    expectWireType(wireType, WIRE.varint, number === 1 ? 'Seconds' : 'Nanos');
    if (number === 1) seconds = reader.int();
    else nanos = reader.int();
    return true;
  });
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new WireError(`metav1.Time: ${seconds} seconds is out of range`);
  const whole = date.toISOString().slice(0, 19);
  if (!micro) return `${whole}Z`;
  const micros = Math.max(0, Math.floor(nanos / 1000));
  return `${whole}.${String(micros).padStart(6, '0')}Z`;
}

/** FieldsV1 {1: Raw}: the raw bytes are the JSON value itself. */
function fieldsV1(bytes: Uint8Array): unknown {
  let raw: Uint8Array | undefined;
  readFields(bytes, 'FieldsV1', (number, wireType, reader) => {
    if (number !== 1) return false;
    expectWireType(wireType, WIRE.bytes, 'Raw');
    raw = reader.lengthDelimited();
    return true;
  });
  if (raw === undefined || raw.length === 0) return null;
  try {
    return JSON.parse(utf8(raw)) as unknown;
  } catch {
    throw new WireError('metav1.FieldsV1: the raw value is not JSON');
  }
}

/** Drops zero values Go's JSON omits and adds those it always shows. */
function withZeroValues(type: MessageType, object: Record<string, unknown>): Record<string, unknown> {
  for (const spec of Object.values(type.fields)) {
    const value = object[spec.name];
    if (spec.presence === 'always') {
      if (value === undefined) object[spec.name] = zeroValue(spec.type);
    } else if (spec.presence === 'omitempty' && value !== undefined && isZero(value)) {
      delete object[spec.name];
    }
  }
  return object;
}

function zeroValue(type: Scalar | MessageType): unknown {
  if (typeof type === 'object') return withZeroValues(type, {});
  if (type === 'string') return '';
  if (type === 'int') return 0;
  if (type === 'bool') return false;
  return null;
}

function isZero(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.keys(value).length === 0;
  return value === '' || value === 0 || value === false || value === null;
}
