/**
 * A few lines of protobuf encoding for tests: hand-built `application/vnd.kubernetes.protobuf`
 * bodies (what client-go sends) for the emulator's decoder (local/kube/protobuf.ts). Field numbers
 * are k8s.io/api's generated.proto; a message is the concatenation of its encoded fields.
 */

import { varintBytes } from '../../../local/kube/protobuf-wire.js';

const varint = (value: bigint) => Buffer.from(varintBytes(value));

const key = (field: number, wireType: number) => varint(BigInt((field << 3) | wireType));

/** A varint field (int32/int64 as Go writes them, negative ones in ten bytes; bools as 0/1). */
export function int(field: number, value: number | boolean): Buffer {
  return Buffer.concat([key(field, 0), varint(BigInt(typeof value === 'boolean' ? Number(value) : value))]);
}

/** A length-delimited field: a string, bytes, or a message given as its encoded fields. */
export function bytes(field: number, ...value: (string | Uint8Array)[]): Buffer {
  const payload = Buffer.concat(value.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
  return Buffer.concat([key(field, 2), varint(BigInt(payload.length)), payload]);
}

/** map<string, string|bytes>: one entry message {1: key, 2: value} per pair. */
export function map(field: number, entries: Record<string, string | Uint8Array>): Buffer {
  return Buffer.concat(Object.entries(entries).map(([k, v]) => bytes(field, bytes(1, k), bytes(2, v))));
}

/** Fields of other wire types, which the decoder must skip. */
export function fixed64(field: number): Buffer {
  return Buffer.concat([key(field, 1), Buffer.alloc(8, 7)]);
}
export function fixed32(field: number): Buffer {
  return Buffer.concat([key(field, 5), Buffer.alloc(4, 7)]);
}
export function group(field: number, ...inner: Buffer[]): Buffer {
  return Buffer.concat([key(field, 3), ...inner, key(field, 4)]);
}

/** metav1.Time / MicroTime {1: seconds, 2: nanos}. */
export function timestamp(field: number, date: string, nanos = 0): Buffer {
  return bytes(field, int(1, Math.floor(Date.parse(date) / 1000)), ...(nanos ? [int(2, nanos)] : []));
}

/** The body client-go sends: `k8s\0` + runtime.Unknown {1: typeMeta {1: apiVersion, 2: kind}, 2: raw}. */
export function k8sProtobuf(apiVersion: string, kind: string, ...raw: Buffer[]): Buffer {
  return Buffer.concat([
    Buffer.from('k8s\0', 'latin1'),
    bytes(1, bytes(1, apiVersion), bytes(2, kind)),
    bytes(2, ...raw),
    bytes(3, ''),
    bytes(4, ''),
  ]);
}

/** ObjectMeta (field 1 of every object) with a name, labels and annotations. */
export function objectMeta(
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
  ...more: Buffer[]
): Buffer {
  return bytes(1, bytes(1, name), map(11, labels), map(12, annotations), ...more);
}

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
