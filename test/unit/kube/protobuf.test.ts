import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTypes, CRD_TYPE } from '../../../local/kube/builtins.js';
import {
  decodeProtobufDeleteOptions,
  decodeProtobufObject,
  decodesProtobuf,
} from '../../../local/kube/protobuf.js';
import type { ResourceType } from '../../../local/kube/resource-type.js';
import { ApiError } from '../../../local/kube/status.js';
import {
  bytes,
  fixed32,
  fixed64,
  group,
  int,
  k8sProtobuf,
  map,
  objectMeta,
  timestamp,
} from '../../wire/kube/protobuf-encode.js';

/**
 * The protobuf request decoder (local/kube/protobuf.ts): bodies captured from kubectl 1.32
 * (test/fixtures/kube/kubectl-protobuf-requests.json, see capture-kubectl-protobuf.ts there) and
 * hand-built ones for what kubectl does not send (labels, owner references, managedFields, times,
 * pointer fields, unknown fields, malformed bodies).
 */

const types = builtinTypes();
function typeOf(group: string, plural: string): ResourceType {
  const type = types.find((t) => t.group === group && t.plural === plural);
  if (!type) throw new Error(`no built-in ${plural}`);
  return type;
}
const namespaces = typeOf('', 'namespaces');
const configMaps = typeOf('', 'configmaps');

interface CapturedRequest {
  command: string;
  path: string;
  contentType: string;
  bodyHex: string;
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/kube/kubectl-protobuf-requests.json'), 'utf8'),
) as { requests: CapturedRequest[] };

function captured(command: string): { body: Buffer; type: ResourceType } {
  const request = fixture.requests.find((r) => r.command.startsWith(command));
  if (!request) throw new Error(`no captured request for ${command}`);
  expect(request.contentType).toBe('application/vnd.kubernetes.protobuf');
  const plural = new URL(request.path, 'http://x').pathname.split('/').pop() ?? '';
  return { body: Buffer.from(request.bodyHex, 'hex'), type: typeOf('', plural) };
}

function decodeError(decode: () => unknown): { code: number; message: string } {
  try {
    decode();
  } catch (error) {
    if (error instanceof ApiError) return { code: error.code, message: error.body.message ?? '' };
    throw error;
  }
  throw new Error('decoded without error');
}

describe('protobuf request bodies captured from kubectl', () => {
  it('kubectl create namespace --save-config: the same object kubectl would send as JSON', () => {
    const { body, type } = captured('kubectl create namespace');
    const decoded = decodeProtobufObject(body, type);
    const annotations = (decoded.metadata as { annotations: Record<string, string> }).annotations;
    const lastApplied = annotations['kubectl.kubernetes.io/last-applied-configuration'] ?? '';
    // --save-config stores kubectl's JSON encoding of the same object in the annotation.
    const asJson = JSON.parse(lastApplied) as { metadata: Record<string, unknown> };
    expect(decoded).toEqual({ ...asJson, metadata: { ...asJson.metadata, annotations } });
    expect(decoded).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'trading', creationTimestamp: null, annotations },
      spec: {},
      status: {},
    });
  });

  it('kubectl create configmap --from-literal, including an empty value', () => {
    const { body, type } = captured('kubectl create configmap');
    expect(decodeProtobufObject(body, type)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'trading', creationTimestamp: null },
      data: { empty: '', region: 'us-east-2' },
    });
  });

  it('kubectl create secret generic --from-literal: data is base64 of the value', () => {
    const { body, type } = captured('kubectl create secret generic');
    expect(decodeProtobufObject(body, type)).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'trading', creationTimestamp: null },
      data: { password: Buffer.from('s3cr3t!').toString('base64') },
    });
  });

  it('kubectl create serviceaccount', () => {
    const { body, type } = captured('kubectl create serviceaccount');
    expect(decodeProtobufObject(body, type)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'deployer', namespace: 'trading', creationTimestamp: null },
    });
  });
});

describe('protobuf decoding of hand-built bodies', () => {
  it('reads every ObjectMeta field, keeps pointer zeros, drops omitempty zeros, skips unknown fields', () => {
    const metadata = objectMeta(
      'full',
      { tier: 'db', empty: '' },
      { note: 'x' },
      bytes(2, ''),
      bytes(3, 'trading'),
      bytes(5, 'uid-1'),
      bytes(6, '42'),
      int(7, 3),
      timestamp(8, '2026-11-25T03:00:00Z'),
      timestamp(9, '2026-11-25T04:00:00Z'),
      int(10, 0),
      bytes(
        13,
        bytes(5, 'v1'),
        bytes(1, 'ConfigMap'),
        bytes(3, 'owner'),
        bytes(4, 'uid-0'),
        int(6, true),
        int(7, false),
      ),
      bytes(13, bytes(3, 'bare')),
      bytes(14, 'example.com/hold'),
      bytes(
        17,
        bytes(1, 'kubectl-create'),
        bytes(2, 'Update'),
        bytes(3, 'v1'),
        timestamp(4, '2026-11-25T03:00:00Z'),
        bytes(6, 'FieldsV1'),
        bytes(7, bytes(1, '{"f:data":{"f:a":{}}}')),
      ),
      // Not in ObjectMeta: skipped whatever their wire type.
      int(99, 5),
      fixed64(98),
      bytes(97, 'ignored'),
      fixed32(96),
      group(95, int(1, 1), bytes(2, 'inside a group')),
    );
    const body = k8sProtobuf(
      'v1',
      'ConfigMap',
      metadata,
      map(2, { a: '1' }),
      map(3, { blob: Buffer.from([0, 1, 2, 255]) }),
      int(4, false),
      int(50, 1),
    );
    expect(decodeProtobufObject(body, configMaps)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'full',
        namespace: 'trading',
        uid: 'uid-1',
        resourceVersion: '42',
        generation: 3,
        creationTimestamp: '2026-11-25T03:00:00Z',
        deletionTimestamp: '2026-11-25T04:00:00Z',
        deletionGracePeriodSeconds: 0,
        labels: { tier: 'db', empty: '' },
        annotations: { note: 'x' },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            name: 'owner',
            uid: 'uid-0',
            controller: true,
            blockOwnerDeletion: false,
          },
          // apiVersion, kind, name and uid have no omitempty: Go's JSON shows them empty.
          { apiVersion: '', kind: '', name: 'bare', uid: '' },
        ],
        finalizers: ['example.com/hold'],
        managedFields: [
          {
            manager: 'kubectl-create',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2026-11-25T03:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:a': {} } },
          },
        ],
      },
      data: { a: '1' },
      binaryData: { blob: Buffer.from([0, 1, 2, 255]).toString('base64') },
      immutable: false,
    });
  });

  it('Secret: type, immutable (field 5) and stringData (field 4)', () => {
    const body = k8sProtobuf(
      'v1',
      'Secret',
      objectMeta('s'),
      map(2, { key: Buffer.from('value') }),
      bytes(3, 'kubernetes.io/basic-auth'),
      map(4, { plain: 'text' }),
      int(5, true),
    );
    expect(decodeProtobufObject(body, typeOf('', 'secrets'))).toMatchObject({
      data: { key: 'dmFsdWU=' },
      type: 'kubernetes.io/basic-auth',
      stringData: { plain: 'text' },
      immutable: true,
    });
  });

  it('ServiceAccount: secrets, imagePullSecrets, automountServiceAccountToken', () => {
    const body = k8sProtobuf(
      'v1',
      'ServiceAccount',
      objectMeta('sa'),
      bytes(2, bytes(3, 'token'), bytes(2, 'trading')),
      bytes(3, bytes(1, 'registry')),
      int(4, false),
    );
    expect(decodeProtobufObject(body, typeOf('', 'serviceaccounts'))).toMatchObject({
      secrets: [{ name: 'token', namespace: 'trading' }],
      imagePullSecrets: [{ name: 'registry' }],
      automountServiceAccountToken: false,
    });
  });

  it('Lease: pointer fields keep their zero values, MicroTime keeps microseconds', () => {
    const spec = bytes(
      2,
      bytes(1, ''),
      int(2, 0),
      timestamp(3, '2026-11-25T03:00:00Z'),
      timestamp(4, '2026-11-25T03:00:05Z', 123_456_789),
      int(5, 0),
    );
    const body = k8sProtobuf('coordination.k8s.io/v1', 'Lease', objectMeta('leader'), spec);
    expect(decodeProtobufObject(body, typeOf('coordination.k8s.io', 'leases'))).toEqual({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'leader', creationTimestamp: null },
      spec: {
        holderIdentity: '',
        leaseDurationSeconds: 0,
        acquireTime: '2026-11-25T03:00:00.000000Z',
        renewTime: '2026-11-25T03:00:05.123456Z',
        leaseTransitions: 0,
      },
    });
  });

  it('core/v1 Event: fields without omitempty and zero times show as Go writes them', () => {
    const body = k8sProtobuf(
      'v1',
      'Event',
      objectMeta('e'),
      bytes(2, bytes(1, 'Failover'), bytes(3, 'f')),
      bytes(3, 'Promoted'),
      int(8, -1),
      bytes(13, bytes(3, 'r')),
    );
    expect(decodeProtobufObject(body, typeOf('', 'events'))).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'e', creationTimestamp: null },
      involvedObject: { kind: 'Failover', name: 'f' },
      reason: 'Promoted',
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      count: -1,
      eventTime: null,
      related: { name: 'r' },
      reportingComponent: '',
      reportingInstance: '',
    });
  });

  it('events.k8s.io/v1 Event: eventTime, series with its count always shown, regarding, note', () => {
    const body = k8sProtobuf(
      'events.k8s.io/v1',
      'Event',
      objectMeta('e2'),
      timestamp(2, '2026-11-25T03:00:00Z', 1_000),
      bytes(3, timestamp(2, '2026-11-25T03:00:01Z')),
      bytes(4, 'switchyard'),
      bytes(8, bytes(1, 'Failover')),
      bytes(10, 'promoted'),
    );
    expect(decodeProtobufObject(body, typeOf('events.k8s.io', 'events'))).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      eventTime: '2026-11-25T03:00:00.000001Z',
      series: { count: 0, lastObservedTime: '2026-11-25T03:00:01.000000Z' },
      reportingController: 'switchyard',
      regarding: { kind: 'Failover' },
      note: 'promoted',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
    });
  });

  it('merges a message sent twice and appends map entries, as the Go decoders do', () => {
    const body = k8sProtobuf(
      'v1',
      'ConfigMap',
      objectMeta('first', { a: '1' }),
      objectMeta('second', { b: '2' }),
      map(2, { x: 'old' }),
      map(2, { x: 'new', y: 'y' }),
    );
    expect(decodeProtobufObject(body, configMaps)).toMatchObject({
      metadata: { name: 'second', labels: { a: '1', b: '2' } },
      data: { x: 'new', y: 'y' },
    });
  });

  it('keeps a map key named __proto__ as data, as JSON.parse does', () => {
    const entries = JSON.parse('{"__proto__":"x","other":"y"}') as Record<string, string>;
    const body = k8sProtobuf('v1', 'ConfigMap', objectMeta('p'), map(2, entries));
    const data = decodeProtobufObject(body, configMaps).data as Record<string, string>;
    expect(Object.keys(data)).toEqual(['__proto__', 'other']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(JSON.stringify(data)).toBe('{"__proto__":"x","other":"y"}');
  });

  it('takes a missing apiVersion and kind from the resource, as the apiserver defaults them', () => {
    const body = Buffer.concat([Buffer.from('k8s\0', 'latin1'), bytes(2, objectMeta('n'))]);
    expect(decodeProtobufObject(body, namespaces)).toMatchObject({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n' },
    });
  });

  it('hands a known kind of another resource to the JSON path, which refuses it there', () => {
    const body = k8sProtobuf('v1', 'ConfigMap', objectMeta('c'));
    expect(decodeProtobufObject(body, namespaces)).toMatchObject({ kind: 'ConfigMap' });
  });

  it('DeleteOptions', () => {
    const body = k8sProtobuf(
      'v1',
      'DeleteOptions',
      int(1, 0),
      bytes(2, bytes(1, 'uid-1')),
      bytes(4, 'Orphan'),
      bytes(5, 'All'),
    );
    expect(decodeProtobufDeleteOptions(body, configMaps)).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'uid-1' },
      propagationPolicy: 'Orphan',
      dryRun: ['All'],
    });
  });
});

describe('protobuf bodies the decoder refuses (400, in the apiserver words)', () => {
  const unrecognized = 'the object provided is unrecognized (must be of type Namespace)';
  it.each([
    ['an empty body', Buffer.alloc(0), `${unrecognized}: empty data (<empty>)`],
    [
      'no magic',
      Buffer.from('{"kind":"Namespace"}'),
      `${unrecognized}: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({"kind":"Namespace"})`,
    ],
    ['the magic alone', Buffer.from('k8s\0', 'latin1'), `${unrecognized}: empty body (6b387300)`],
    [
      'a truncated envelope',
      Buffer.from('6b3873000a5001', 'hex'),
      `${unrecognized}: unexpected EOF (6b3873000a5001)`,
    ],
    [
      'a kind the emulator does not know',
      k8sProtobuf('v1', 'Pod', objectMeta('p')),
      'Pod in version "v1" cannot be handled as a Namespace: no kind "Pod" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    ],
    [
      'a field of the wrong wire type',
      k8sProtobuf('v1', 'Namespace', int(1, 5)),
      'Namespace in version "v1" cannot be handled as a Namespace: proto: wrong wireType = 0 for field Metadata',
    ],
    [
      'a truncated object',
      k8sProtobuf('v1', 'Namespace', Buffer.from('0a05', 'hex')),
      'Namespace in version "v1" cannot be handled as a Namespace: unexpected EOF',
    ],
    [
      'field number 0',
      k8sProtobuf('v1', 'Namespace', Buffer.from('0000', 'hex')),
      'Namespace in version "v1" cannot be handled as a Namespace: proto: Namespace: illegal tag 0 (wire type 0)',
    ],
  ])('%s', (_name, body, message) => {
    expect(decodeError(() => decodeProtobufObject(body, namespaces))).toEqual({ code: 400, message });
  });
});

describe('which resources accept protobuf', () => {
  it('the built-in kinds but the CRD kind; no custom resource', () => {
    const decoded = types.filter(decodesProtobuf).map((t) => `${t.group}/${t.kind}`);
    expect(decoded.sort()).toEqual(
      [
        '/Namespace',
        '/ConfigMap',
        '/Secret',
        '/ServiceAccount',
        '/Event',
        'events.k8s.io/Event',
        'coordination.k8s.io/Lease',
      ].sort(),
    );
    expect(decodesProtobuf(CRD_TYPE)).toBe(false);
    expect(decodesProtobuf({ ...configMaps, group: 'wire.switchyard.dev', crdName: 'configmaps.wire' })).toBe(
      false,
    );
  });
});
