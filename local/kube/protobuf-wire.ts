/**
 * The protobuf wire format, read only: varints, fixed 32/64-bit values, length-delimited fields
 * and (skipped) groups. Errors carry the words of the gogo-generated Go decoders the apiserver
 * uses (`unexpected EOF`, `proto: wrong wireType = 0 for field Name`, ...), because the apiserver
 * quotes them in its 400 answers.
 */

export const WIRE = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

export class WireError extends Error {}

const unexpectedEof = () => new WireError('unexpected EOF');
const negativeLength = () => new WireError('proto: negative length found during unmarshaling');

/** A cursor over one message's bytes. */
export class WireReader {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.position >= this.bytes.length;
  }

  /** An unsigned varint of up to 64 bits. */
  varint(): bigint {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (shift >= 64n) throw new WireError('proto: integer overflow');
      const byte = this.bytes[this.position++];
      if (byte === undefined) throw unexpectedEof();
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asUintN(64, value);
    }
  }

  /** A varint as Go's int64 (int32 values are sign-extended on the wire, so this fits both). */
  int(): number {
    return Number(BigInt.asIntN(64, this.varint()));
  }

  /** The 8 bytes of a fixed64 (double) field. */
  fixed64(): Uint8Array {
    return this.take(8);
  }

  /** The payload of a length-delimited field. */
  lengthDelimited(): Uint8Array {
    const length = BigInt.asIntN(64, this.varint());
    if (length < 0n) throw negativeLength();
    return this.take(Number(length));
  }

  /** Skips a value of an unknown field, as the generated decoders' skipGenerated does. */
  skip(wireType: number): void {
    let depth = 0;
    for (;;) {
      switch (wireType) {
        case WIRE.varint:
          this.varint();
          break;
        case WIRE.fixed64:
          this.take(8);
          break;
        case WIRE.bytes:
          this.lengthDelimited();
          break;
        case WIRE.fixed32:
          this.take(4);
          break;
        case WIRE.startGroup:
          depth++;
          break;
        case WIRE.endGroup:
          if (depth === 0) throw new WireError('proto: unexpected end of group');
          depth--;
          break;
        default:
          throw new WireError(`proto: illegal wireType ${wireType}`);
      }
      if (depth === 0) return;
      wireType = Number(this.varint() & 7n);
    }
  }

  private take(length: number): Uint8Array {
    const end = this.position + length;
    if (end > this.bytes.length) throw unexpectedEof();
    const slice = this.bytes.subarray(this.position, end);
    this.position = end;
    return slice;
  }
}

/**
 * Calls `onField` for each field of a message, in wire order; `onField` reads the value from the
 * reader or returns false to have it skipped. `message` names the message in errors.
 */
export function readFields(
  bytes: Uint8Array,
  message: string,
  onField: (field: number, wireType: number, reader: WireReader) => boolean,
): void {
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const key = reader.varint();
    // Go keeps the field number in an int32.
    const field = Number(BigInt.asIntN(32, key >> 3n));
    const wireType = Number(key & 7n);
    if (wireType === WIRE.endGroup)
      throw new WireError(`proto: ${message}: wiretype end group for non-group`);
    if (field <= 0) throw new WireError(`proto: ${message}: illegal tag ${field} (wire type ${key})`);
    if (!onField(field, wireType, reader)) reader.skip(wireType);
  }
}

/** A varint: 7 bits a byte, lowest first; negative values as their 64-bit two's complement. */
export function varintBytes(value: bigint): Uint8Array {
  const bytes: number[] = [];
  let rest = BigInt.asUintN(64, value);
  while (rest >= 0x80n) {
    bytes.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Uint8Array.from(bytes);
}

/** The writing side, for the answers the emulator encodes (the OpenAPI v2 document). */
export class WireWriter {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private tag(field: number, wireType: number): void {
    this.push(varintBytes(BigInt((field << 3) | wireType)));
  }

  varint(field: number, value: number | bigint | boolean): void {
    this.tag(field, WIRE.varint);
    this.push(varintBytes(typeof value === 'boolean' ? BigInt(value ? 1 : 0) : BigInt(value)));
  }

  double(field: number, value: number): void {
    this.tag(field, WIRE.fixed64);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.push(bytes);
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WIRE.bytes);
    this.push(varintBytes(BigInt(value.length)));
    this.push(value);
  }

  string(field: number, value: string): void {
    this.bytes(field, Buffer.from(value, 'utf8'));
  }

  finish(): Uint8Array {
    return Buffer.concat(this.chunks, this.length);
  }
}
