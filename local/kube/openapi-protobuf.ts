import { Document, parseDocument, parse as parseYaml, visit } from 'yaml';
import { isPlainObject } from '../../src/schema/openapi.js';
import { readFields, type WireReader, WireWriter } from './protobuf-wire.js';

/**
 * The OpenAPI v2 document in protobuf, as the apiserver serves it to clients that ask for
 * `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` (client-go's discovery, hence
 * kubectl's and helm's validation): kube-openapi parses its JSON into gnostic's `openapi.v2.Document`
 * (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto) and marshals that. The tables
 * below are that proto's messages with the JSON keys gnostic's compiler reads into each field;
 * `x-` keys are vendor extensions, and `default`/`enum`/`example`/extension values are `Any`
 * messages holding the value as YAML. The same tables decode, which the tests use to compare with
 * what the real apiserver sends.
 */

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Json = Record<string, unknown>;
type Scalar = 'string' | 'bool' | 'int64' | 'double' | 'any';

interface Field {
  key: string;
  n: number;
  type: Scalar | Message;
  repeated?: boolean;
  /** A JSON object whose entries are repeated `Named<type>` messages {1: name, 2: value}. */
  named?: boolean;
}

interface Message {
  name: string;
  fields: Field[];
  /** Field number of `repeated NamedAny vendor_extension` (the `x-` keys). */
  extensions?: number;
  /** Wrapper messages with a oneof: which field a JSON value goes to. */
  oneof?: (value: unknown) => { n: number; type: Scalar | Message; value: unknown };
  /** Wrappers around one repeated field whose JSON is a single value or a list (TypeItem, ItemsItem). */
  list?: { n: number; type: Scalar | Message };
}

const f = (key: string, n: number, type: Scalar | Message, extra: Partial<Field> = {}): Field => ({
  key,
  n,
  type,
  ...extra,
});

const ANY: Scalar = 'any';
const JSON_REFERENCE: Message = {
  name: 'JsonReference',
  fields: [f('$ref', 1, 'string'), f('description', 2, 'string')],
};
const EXTERNAL_DOCS: Message = {
  name: 'ExternalDocs',
  fields: [f('description', 1, 'string'), f('url', 2, 'string')],
  extensions: 3,
};

/** The validation keywords parameters, headers and primitive items share, from `type` on. */
function primitiveFields(first: number, items: Message): Field[] {
  const keys: [string, Scalar | 'items'][] = [
    ['type', 'string'],
    ['format', 'string'],
    ['items', 'items'],
    ['collectionFormat', 'string'],
    ['default', ANY],
    ['maximum', 'double'],
    ['exclusiveMaximum', 'bool'],
    ['minimum', 'double'],
    ['exclusiveMinimum', 'bool'],
    ['maxLength', 'int64'],
    ['minLength', 'int64'],
    ['pattern', 'string'],
    ['maxItems', 'int64'],
    ['minItems', 'int64'],
    ['uniqueItems', 'bool'],
    ['enum', ANY],
    ['multipleOf', 'double'],
  ];
  return keys.map(([key, type], index) =>
    type === 'items'
      ? f(key, first + index, items)
      : f(key, first + index, type, key === 'enum' ? { repeated: true } : {}),
  );
}

const PRIMITIVES_ITEMS: Message = { name: 'PrimitivesItems', fields: [], extensions: 18 };
PRIMITIVES_ITEMS.fields.push(...primitiveFields(1, PRIMITIVES_ITEMS));

const SCHEMA: Message = { name: 'Schema', fields: [], extensions: 31 };
const PROPERTIES: Message = { name: 'Properties', fields: [f('', 1, SCHEMA, { named: true })] };
const ADDITIONAL_PROPERTIES: Message = {
  name: 'AdditionalPropertiesItem',
  fields: [],
  oneof: (value) =>
    typeof value === 'boolean' ? { n: 2, type: 'bool', value } : { n: 1, type: SCHEMA, value },
};
const TYPE_ITEM: Message = { name: 'TypeItem', fields: [], list: { n: 1, type: 'string' } };
const ITEMS_ITEM: Message = { name: 'ItemsItem', fields: [], list: { n: 1, type: SCHEMA } };
SCHEMA.fields.push(
  f('$ref', 1, 'string'),
  f('format', 2, 'string'),
  f('title', 3, 'string'),
  f('description', 4, 'string'),
  f('default', 5, ANY),
  f('multipleOf', 6, 'double'),
  f('maximum', 7, 'double'),
  f('exclusiveMaximum', 8, 'bool'),
  f('minimum', 9, 'double'),
  f('exclusiveMinimum', 10, 'bool'),
  f('maxLength', 11, 'int64'),
  f('minLength', 12, 'int64'),
  f('pattern', 13, 'string'),
  f('maxItems', 14, 'int64'),
  f('minItems', 15, 'int64'),
  f('uniqueItems', 16, 'bool'),
  f('maxProperties', 17, 'int64'),
  f('minProperties', 18, 'int64'),
  f('required', 19, 'string', { repeated: true }),
  f('enum', 20, ANY, { repeated: true }),
  f('additionalProperties', 21, ADDITIONAL_PROPERTIES),
  f('type', 22, TYPE_ITEM),
  f('items', 23, ITEMS_ITEM),
  f('allOf', 24, SCHEMA, { repeated: true }),
  f('properties', 25, PROPERTIES),
  f('discriminator', 26, 'string'),
  f('readOnly', 27, 'bool'),
  f('externalDocs', 29, EXTERNAL_DOCS),
  f('example', 30, ANY),
);

const BODY_PARAMETER: Message = {
  name: 'BodyParameter',
  fields: [
    f('description', 1, 'string'),
    f('name', 2, 'string'),
    f('in', 3, 'string'),
    f('required', 4, 'bool'),
    f('schema', 5, SCHEMA),
  ],
  extensions: 6,
};
/**
 * Non-body parameters: query and formData ones have `allowEmptyValue` at 5 and the shared keywords
 * from 6 (vendor extensions at 23), path and header ones the shared keywords from 5 (extensions 22).
 */
function parameterSubSchema(name: string, allowEmptyValue: boolean): Message {
  const first = allowEmptyValue ? 6 : 5;
  return {
    name,
    fields: [
      f('required', 1, 'bool'),
      f('in', 2, 'string'),
      f('description', 3, 'string'),
      f('name', 4, 'string'),
      ...(allowEmptyValue ? [f('allowEmptyValue', 5, 'bool')] : []),
      ...primitiveFields(first, PRIMITIVES_ITEMS),
    ],
    extensions: first + 17,
  };
}
const NON_BODY_SUBSCHEMAS: Record<string, [number, Message]> = {
  header: [1, parameterSubSchema('HeaderParameterSubSchema', false)],
  formData: [2, parameterSubSchema('FormDataParameterSubSchema', true)],
  query: [3, parameterSubSchema('QueryParameterSubSchema', true)],
  path: [4, parameterSubSchema('PathParameterSubSchema', false)],
};
const NON_BODY_PARAMETER: Message = {
  name: 'NonBodyParameter',
  fields: [],
  oneof: (value) => {
    const where = isPlainObject(value) ? String(value.in) : '';
    const [n, type] = NON_BODY_SUBSCHEMAS[where] ?? [];
    if (n === undefined || !type) throw new Error(`OpenAPI v2 parameter with unknown "in": ${where}`);
    return { n, type, value };
  },
};
const PARAMETER: Message = {
  name: 'Parameter',
  fields: [],
  oneof: (value) =>
    isPlainObject(value) && value.in === 'body'
      ? { n: 1, type: BODY_PARAMETER, value }
      : { n: 2, type: NON_BODY_PARAMETER, value },
};
const PARAMETERS_ITEM: Message = {
  name: 'ParametersItem',
  fields: [],
  oneof: (value) =>
    isPlainObject(value) && typeof value.$ref === 'string'
      ? { n: 2, type: JSON_REFERENCE, value }
      : { n: 1, type: PARAMETER, value },
};
const RESPONSE: Message = {
  name: 'Response',
  fields: [
    f('description', 1, 'string'),
    f('schema', 2, { name: 'SchemaItem', fields: [], oneof: (value) => ({ n: 1, type: SCHEMA, value }) }),
  ],
  extensions: 5,
};
const RESPONSE_VALUE: Message = {
  name: 'ResponseValue',
  fields: [],
  oneof: (value) =>
    isPlainObject(value) && typeof value.$ref === 'string'
      ? { n: 2, type: JSON_REFERENCE, value }
      : { n: 1, type: RESPONSE, value },
};
const RESPONSES: Message = {
  name: 'Responses',
  fields: [f('', 1, RESPONSE_VALUE, { named: true })],
  extensions: 2,
};
const OPERATION: Message = {
  name: 'Operation',
  fields: [
    f('tags', 1, 'string', { repeated: true }),
    f('summary', 2, 'string'),
    f('description', 3, 'string'),
    f('externalDocs', 4, EXTERNAL_DOCS),
    f('operationId', 5, 'string'),
    f('produces', 6, 'string', { repeated: true }),
    f('consumes', 7, 'string', { repeated: true }),
    f('parameters', 8, PARAMETERS_ITEM, { repeated: true }),
    f('responses', 9, RESPONSES),
    f('schemes', 10, 'string', { repeated: true }),
    f('deprecated', 11, 'bool'),
  ],
  extensions: 13,
};
const PATH_ITEM: Message = {
  name: 'PathItem',
  fields: [
    f('$ref', 1, 'string'),
    f('get', 2, OPERATION),
    f('put', 3, OPERATION),
    f('post', 4, OPERATION),
    f('delete', 5, OPERATION),
    f('options', 6, OPERATION),
    f('head', 7, OPERATION),
    f('patch', 8, OPERATION),
    f('parameters', 9, PARAMETERS_ITEM, { repeated: true }),
  ],
  extensions: 10,
};
const STRING_ARRAY: Message = { name: 'StringArray', fields: [], list: { n: 1, type: 'string' } };
const API_KEY_SECURITY: Message = {
  name: 'ApiKeySecurity',
  fields: [
    f('type', 1, 'string'),
    f('name', 2, 'string'),
    f('in', 3, 'string'),
    f('description', 4, 'string'),
  ],
  extensions: 5,
};
const SECURITY_DEFINITIONS_ITEM: Message = {
  name: 'SecurityDefinitionsItem',
  fields: [],
  oneof: (value) => {
    if (isPlainObject(value) && value.type === 'apiKey') return { n: 2, type: API_KEY_SECURITY, value };
    throw new Error(
      `OpenAPI v2 security definition of type ${isPlainObject(value) ? String(value.type) : '?'}`,
    );
  },
};
const INFO: Message = {
  name: 'Info',
  fields: [
    f('title', 1, 'string'),
    f('version', 2, 'string'),
    f('description', 3, 'string'),
    f('termsOfService', 4, 'string'),
  ],
  extensions: 7,
};
const DOCUMENT: Message = {
  name: 'Document',
  fields: [
    f('swagger', 1, 'string'),
    f('info', 2, INFO),
    f('host', 3, 'string'),
    f('basePath', 4, 'string'),
    f('schemes', 5, 'string', { repeated: true }),
    f('consumes', 6, 'string', { repeated: true }),
    f('produces', 7, 'string', { repeated: true }),
    f('paths', 8, { name: 'Paths', fields: [f('', 2, PATH_ITEM, { named: true })], extensions: 1 }),
    f('definitions', 9, { name: 'Definitions', fields: [f('', 1, SCHEMA, { named: true })] }),
    f('parameters', 10, { name: 'ParameterDefinitions', fields: [f('', 1, PARAMETER, { named: true })] }),
    f('responses', 11, { name: 'ResponseDefinitions', fields: [f('', 1, RESPONSE, { named: true })] }),
    f(
      'security',
      12,
      { name: 'SecurityRequirement', fields: [f('', 1, STRING_ARRAY, { named: true })] },
      { repeated: true },
    ),
    f('securityDefinitions', 13, {
      name: 'SecurityDefinitions',
      fields: [f('', 1, SECURITY_DEFINITIONS_ITEM, { named: true })],
    }),
  ],
  extensions: 16,
};

// --- encoding -------------------------------------------------------------------------------

/** The v2 document (JSON form) as gnostic's protobuf. */
export function encodeOpenApiV2(document: Json): Uint8Array {
  return encodeMessage(DOCUMENT, document, 'document');
}

function encodeMessage(message: Message, value: unknown, where: string): Uint8Array {
  const writer = new WireWriter();
  if (message.oneof) {
    const choice = message.oneof(value);
    writeValue(writer, choice.n, choice.type, choice.value, where, true);
    return writer.finish();
  }
  if (message.list) {
    for (const item of Array.isArray(value) ? value : [value])
      writeValue(writer, message.list.n, message.list.type, item, where);
    return writer.finish();
  }
  if (!isPlainObject(value)) throw new Error(`OpenAPI v2 ${where}: ${message.name} must be an object`);
  const named = message.fields.find((field) => field.named);
  if (named) {
    for (const [name, item] of Object.entries(value)) {
      const entry = new WireWriter();
      if (name !== '') entry.string(1, name);
      writeValue(entry, 2, named.type, item, `${where}.${name}`);
      writer.bytes(named.n, entry.finish());
    }
  }
  for (const field of message.fields) {
    if (field.named) continue;
    const item = value[field.key];
    if (item === undefined) continue;
    if (field.repeated) {
      for (const element of Array.isArray(item) ? item : [item])
        writeValue(writer, field.n, field.type, element, `${where}.${field.key}`);
    } else writeValue(writer, field.n, field.type, item, `${where}.${field.key}`);
  }
  if (!named) {
    for (const key of Object.keys(value)) {
      if (key.startsWith('x-') || message.fields.some((field) => field.key === key)) continue;
      throw new Error(`OpenAPI v2 ${where}: ${message.name} has no field "${key}"`);
    }
  }
  if (message.extensions !== undefined) {
    for (const [key, item] of Object.entries(value)) {
      if (!key.startsWith('x-')) continue;
      const entry = new WireWriter();
      entry.string(1, key);
      entry.bytes(2, anyMessage(item));
      writer.bytes(message.extensions, entry.finish());
    }
  }
  return writer.finish();
}

function writeValue(
  writer: WireWriter,
  n: number,
  type: Scalar | Message,
  value: unknown,
  where: string,
  /** A oneof member is written even when it holds its zero value. */
  present = false,
): void {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new Error(`OpenAPI v2 ${where}: expected a string`);
      if (value !== '' || present) writer.string(n, value);
      return;
    case 'bool':
      if (value === true || present) writer.varint(n, value === true);
      return;
    case 'int64':
      if (Number(value) !== 0 || present) writer.varint(n, BigInt(Math.trunc(Number(value))));
      return;
    case 'double':
      if (Number(value) !== 0 || present) writer.double(n, Number(value));
      return;
    case 'any':
      writer.bytes(n, anyMessage(value));
      return;
    default:
      writer.bytes(n, encodeMessage(type, value, where));
  }
}

/**
 * gnostic's Any: the value as YAML (field 2), quoted as go-yaml v3 quotes a node: a string that
 * would read back as another type (the empty string, `True`, `123`, a date) in double quotes, one
 * that cannot be plain for other reasons (a leading `*` or `!`) in single quotes, control
 * characters in double quotes.
 */
function anyMessage(value: unknown): Uint8Array {
  const document = new Document(value);
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (resolvesToAnotherType(node.value)) node.type = 'QUOTE_DOUBLE';
      else if (!hasControlCharacters(node.value) && needsQuotes(node.value)) node.type = 'QUOTE_SINGLE';
    },
  });
  const writer = new WireWriter();
  writer.string(2, document.toString({ lineWidth: 0, singleQuote: true }));
  return writer.finish();
}

/** go-yaml's resolve: the plain text would be a null, bool, number or timestamp. */
function resolvesToAnotherType(text: string): boolean {
  if (text === '' || /^\d{4}-\d\d?-\d\d?([Tt ].*)?$/.test(text)) return true;
  // Plain text that is not even valid YAML (a lone `*`) is a string that needs quotes, not another type.
  const parsed = parseDocument(text);
  if (parsed.errors.length > 0) return false;
  const value: unknown = parsed.toJS();
  return value === null || typeof value === 'boolean' || typeof value === 'number';
}

function hasControlCharacters(text: string): boolean {
  return [...text].some((char) => (char.codePointAt(0) ?? 0) < 0x20 || char === '\u007f');
}

/** Whether a string cannot be written as a plain YAML scalar. */
function needsQuotes(text: string): boolean {
  return /^['"]/.test(new Document(text).toString({ lineWidth: 0 }));
}

// --- decoding (the tests compare with the real apiserver's bytes) ---------------------------

/** gnostic's protobuf back to the JSON form, extension and Any values parsed from their YAML. */
export function decodeOpenApiV2(bytes: Uint8Array): Json {
  return decodeMessage(DOCUMENT, bytes) as Json;
}

function decodeMessage(message: Message, bytes: Uint8Array): unknown {
  if (message.oneof) {
    let result: unknown;
    readFields(bytes, message.name, (n, _wire, reader) => {
      result = readValue(oneofType(message, n), reader);
      return true;
    });
    return result;
  }
  if (message.list) {
    const items: unknown[] = [];
    const list = message.list;
    readFields(bytes, message.name, (_n, _wire, reader) => {
      items.push(readValue(list.type, reader));
      return true;
    });
    return items.length === 1 && message !== STRING_ARRAY ? items[0] : items;
  }
  const result: Json = {};
  const named = message.fields.find((field) => field.named);
  readFields(bytes, message.name, (n, _wire, reader) => {
    if (named && n === named.n) {
      const entry: Json = {};
      readFields(reader.lengthDelimited(), `Named${message.name}`, (m, _w, inner) => {
        if (m === 1) entry.name = new TextDecoder().decode(inner.lengthDelimited());
        else entry.value = readValue(named.type, inner);
        return true;
      });
      result[String(entry.name ?? '')] = entry.value ?? {};
      return true;
    }
    if (n === message.extensions) {
      const entry: Json = {};
      readFields(reader.lengthDelimited(), 'NamedAny', (m, _w, inner) => {
        if (m === 1) entry.name = new TextDecoder().decode(inner.lengthDelimited());
        else entry.value = readValue(ANY, inner);
        return true;
      });
      result[String(entry.name)] = entry.value;
      return true;
    }
    const field = message.fields.find((candidate) => candidate.n === n);
    if (!field) return false;
    const value = readValue(field.type, reader);
    if (field.repeated) result[field.key] = [...((result[field.key] as unknown[] | undefined) ?? []), value];
    else result[field.key] = value;
    return true;
  });
  return result;
}

/** The member type of a oneof wrapper by field number (each wrapper's members, in proto order). */
function oneofType(message: Message, n: number): Scalar | Message {
  const members: Record<string, (Scalar | Message)[]> = {
    AdditionalPropertiesItem: [SCHEMA, 'bool'],
    NonBodyParameter: Object.values(NON_BODY_SUBSCHEMAS)
      .sort((a, b) => a[0] - b[0])
      .map(([, type]) => type),
    Parameter: [BODY_PARAMETER, NON_BODY_PARAMETER],
    ParametersItem: [PARAMETER, JSON_REFERENCE],
    ResponseValue: [RESPONSE, JSON_REFERENCE],
    SchemaItem: [SCHEMA],
    SecurityDefinitionsItem: ['string', API_KEY_SECURITY],
  };
  const type = members[message.name]?.[n - 1];
  if (!type) throw new Error(`${message.name}: unknown oneof member ${n}`);
  return type;
}

function readValue(type: Scalar | Message, reader: WireReader): unknown {
  switch (type) {
    case 'string':
      return new TextDecoder().decode(reader.lengthDelimited());
    case 'bool':
      return reader.varint() !== 0n;
    case 'int64':
      return reader.int();
    case 'double':
      return new DataView(Uint8Array.from(reader.fixed64()).buffer).getFloat64(0, true);
    case 'any': {
      let yaml = '';
      readFields(reader.lengthDelimited(), 'Any', (n, _w, inner) => {
        if (n !== 2) return false;
        yaml = new TextDecoder().decode(inner.lengthDelimited());
        return true;
      });
      return parseYaml(yaml);
    }
    default:
      return decodeMessage(type, reader.lengthDelimited());
  }
}
