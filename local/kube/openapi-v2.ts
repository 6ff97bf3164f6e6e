import { isPlainObject } from '../../src/schema/openapi.js';

/**
 * An OpenAPI v3 document of Kubernetes (the built-in kinds' documents) in the OpenAPI v2 form the
 * apiserver publishes at /openapi/v2 for the same types (kube-openapi builds both from the same Go
 * definitions): `$ref: #/definitions/…`, a `$ref` with its annotations instead of the
 * `allOf: [{$ref}]` wrapper, no `default`s, IntOrString as `type: string, format: int-or-string`
 * and Quantity as a string (no `oneOf` in v2), parameters with their type inline, the request body
 * as a `body` parameter, `consumes`/`produces` from the content types.
 */

type Json = Record<string, unknown>;

const V3_REF = '#/components/schemas/';
const V2_REF = '#/definitions/';
/** Content types the v2 document does not list (CBOR arrived with v3-only publishing). */
const V3_ONLY_CONTENT = /cbor/;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

export function v2Schema(schema: unknown): Json {
  if (!isPlainObject(schema)) return {};
  const result: Json = {};
  const wrapped =
    Array.isArray(schema.allOf) && schema.allOf.length === 1 && isPlainObject(schema.allOf[0])
      ? schema.allOf[0].$ref
      : undefined;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'default' || key === 'oneOf' || key === 'anyOf' || key === 'nullable') continue;
    if (key === 'allOf' && typeof wrapped === 'string') result.$ref = v2Ref(wrapped);
    else if (key === '$ref' && typeof value === 'string') result.$ref = v2Ref(value);
    else if (key === 'properties' && isPlainObject(value))
      result.properties = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, v2Schema(child)]),
      );
    else if ((key === 'items' || key === 'additionalProperties') && isPlainObject(value))
      result[key] = v2Schema(value);
    else if (key === 'allOf' && Array.isArray(value)) result.allOf = value.map(v2Schema);
    else result[key] = value;
  }
  // IntOrString and Quantity: a oneOf in v3, a string with their format in v2.
  if (Array.isArray(schema.oneOf) && result.type === undefined) result.type = 'string';
  return result;
}

function v2Ref(reference: string): string {
  return reference.startsWith(V3_REF) ? `${V2_REF}${reference.slice(V3_REF.length)}` : reference;
}

function v2Parameter(parameter: unknown): Json {
  if (!isPlainObject(parameter)) return {};
  const { schema, ...rest } = parameter;
  return { ...rest, ...(isPlainObject(schema) ? v2Schema(schema) : {}) };
}

function contentTypes(content: unknown): string[] {
  return isPlainObject(content) ? Object.keys(content).filter((type) => !V3_ONLY_CONTENT.test(type)) : [];
}

function v2Operation(operation: Json): Json {
  const result: Json = {};
  const parameters = Array.isArray(operation.parameters) ? operation.parameters.map(v2Parameter) : [];
  const body = isPlainObject(operation.requestBody) ? operation.requestBody : undefined;
  const responses = isPlainObject(operation.responses) ? operation.responses : {};
  const produces = new Set<string>();
  const v2Responses: Json = {};
  for (const [code, response] of Object.entries(responses)) {
    if (!isPlainObject(response)) continue;
    const content = isPlainObject(response.content) ? response.content : {};
    for (const type of contentTypes(content)) produces.add(type);
    const first = Object.values(content).find(isPlainObject);
    v2Responses[code] = {
      description: response.description ?? '',
      ...(first && isPlainObject(first.schema) ? { schema: v2Schema(first.schema) } : {}),
    };
  }
  if (operation.description !== undefined) result.description = operation.description;
  result.consumes = body ? contentTypes(body.content) : ['*/*'];
  result.produces = [...produces];
  result.schemes = ['https'];
  if (operation.tags !== undefined) result.tags = operation.tags;
  if (operation.operationId !== undefined) result.operationId = operation.operationId;
  const bodySchema =
    body && isPlainObject(body.content) ? Object.values(body.content).find(isPlainObject)?.schema : undefined;
  const all = [
    ...(body ? [{ name: 'body', in: 'body', required: true, schema: v2Schema(bodySchema) }] : []),
    ...parameters,
  ];
  // An empty list is no list in the protobuf form: leave it out, as the apiserver does.
  if (all.length > 0) result.parameters = all;
  result.responses = v2Responses;
  for (const [key, value] of Object.entries(operation)) if (key.startsWith('x-')) result[key] = value;
  return result;
}

/** The paths and definitions of one v3 document, in v2 form. */
export function v2PathsAndDefinitions(document: Json): { paths: Json; definitions: Json } {
  const paths: Json = {};
  for (const [path, item] of Object.entries(isPlainObject(document.paths) ? document.paths : {})) {
    if (!isPlainObject(item)) continue;
    const v2Item: Json = {};
    for (const method of METHODS) if (isPlainObject(item[method])) v2Item[method] = v2Operation(item[method]);
    if (Array.isArray(item.parameters) && item.parameters.length > 0)
      v2Item.parameters = item.parameters.map(v2Parameter);
    paths[path] = v2Item;
  }
  const components = isPlainObject(document.components) ? document.components : {};
  const schemas = isPlainObject(components.schemas) ? components.schemas : {};
  const definitions = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [name, v2Schema(schema)]),
  );
  return { paths, definitions };
}

/** What the apiserver's v2 document carries besides paths and definitions. */
export const V2_SECURITY = {
  securityDefinitions: {
    BearerToken: {
      description: 'Bearer Token authentication',
      type: 'apiKey',
      name: 'authorization',
      in: 'header',
    },
  },
  security: [{ BearerToken: [] }],
};
