import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import {
  allowedFields,
  MICRO_TIME_FORMAT,
  QUANTITY_FORMAT,
  requiredFields,
  shallowAjvSchema,
} from './ajv-schema.js';
import { microTimeError } from './micro-time.js';
import { objectMetaSchema } from './object-meta.js';
import { isPlainObject, type OpenApiSchema, type SchemaVersion } from './openapi.js';
import { forEachSchemaNode, joinField } from './schema-walk.js';

/**
 * Structural validation: walks the document and checks each value against its schema node with a
 * small ajv function compiled for that node (see ajv-schema.ts for why per node). Compiled
 * functions are cached per node object and shared between nodes of identical shape.
 */

export interface StructuralProblem {
  path: string;
  message: string;
  /**
   * A wrong type, a value outside an enum, a missing required field, a string, list or map over
   * its maximum (or a malformed format). The apiserver does not run CEL rules on an object with
   * such errors (`hasBlockingErr`): rules assume declared types, present fields and bounded sizes.
   */
  blocksRules?: true;
}

let ajv: Ajv | undefined;
/** Everything checked at one node, prepared once per node. */
interface NodeChecks {
  validate: ValidateFunction;
  required: string[];
  allowed: Set<string> | undefined;
}

const checksByNode = new WeakMap<OpenApiSchema, NodeChecks>();
const validatorByShape = new Map<string, ValidateFunction>();
const rootByVersion = new WeakMap<SchemaVersion, OpenApiSchema>();
const STRING: OpenApiSchema = { type: 'string' };
const EMBEDDED_METADATA = objectMetaSchema();
/**
 * What apimachinery's ParseQuantity accepts: an optionally signed decimal (digits may be left out:
 * `+` and `.` parse as 0), then no suffix, a decimal SI or binary suffix, or an exponent.
 */
export const QUANTITY_PATTERN = /^(?=.)[+-]?[0-9]*(\.[0-9]*)?([numkMGTPE]|[KMGTPE]i|[eE][+-]?[0-9]+)?$/;

function sharedAjv(): Ajv {
  if (!ajv) {
    ajv = new Ajv({
      allErrors: true,
      // `verbose` puts the offending value on each error, for messages that show it.
      verbose: true,
      // Upstream schemas carry keywords ajv does not know; the apiserver ignores them, so do we.
      strict: false,
      // Patterns are Go RE2; unicode mode would reject escapes such as `\-` that RE2 accepts.
      unicodeRegExp: false,
      logger: false,
    });
    addFormats.default(ajv);
    // ajv-formats' int64 only checks for an integer; the apiserver also enforces the range.
    ajv.addFormat('int64', {
      type: 'number',
      validate: (value: number) => Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63,
    });
    ajv.addFormat(QUANTITY_FORMAT, {
      type: 'string',
      validate: (value: string) => QUANTITY_PATTERN.test(value),
    });
    ajv.addFormat(MICRO_TIME_FORMAT, {
      type: 'string',
      validate: (value: string) => microTimeError(value) === undefined,
    });
  }
  return ajv;
}

function nodeChecks(node: OpenApiSchema): NodeChecks {
  let checks = checksByNode.get(node);
  if (checks) return checks;
  const shape = shallowAjvSchema(node);
  const key = JSON.stringify(shape);
  let validate = validatorByShape.get(key);
  if (!validate) {
    validate = sharedAjv().compile(shape);
    validatorByShape.set(key, validate);
  }
  checks = { validate, required: requiredFields(node), allowed: allowedFields(node) };
  checksByNode.set(node, checks);
  return checks;
}

/**
 * The version's schema with the parts the apiserver owns filled in: apiVersion and kind are
 * strings, metadata is ObjectMeta (keeping only the CRD's own limits on metadata.name).
 */
function rootSchema(version: SchemaVersion): OpenApiSchema {
  let root = rootByVersion.get(version);
  if (!root) {
    const schema = version.schema;
    root = {
      ...schema,
      type: 'object',
      properties: {
        ...schema.properties,
        apiVersion: STRING,
        kind: STRING,
        metadata: objectMetaSchema(schema.properties?.metadata?.properties?.name),
      },
    };
    rootByVersion.set(version, root);
  }
  return root;
}

export function structuralProblems(object: unknown, version: SchemaVersion): StructuralProblem[] {
  const problems: StructuralProblem[] = [];
  checkNode(object, rootSchema(version), '', problems);
  return problems;
}

function checkNode(value: unknown, schema: OpenApiSchema, path: string, problems: StructuralProblem[]): void {
  const { validate, required, allowed } = nodeChecks(schema);
  if (!validate(value)) {
    const errors = validate.errors ?? [];
    // A value of the wrong type also fails its format/bounds; the type error says it all.
    const typeError = errors.find((error) => error.keyword === 'type' && error.instancePath === '');
    for (const error of typeError ? [typeError] : errors) problems.push(describeError(error, path));
  }
  if (Array.isArray(value)) {
    const itemSchema = schema.items;
    if (itemSchema) {
      value.forEach((item, index) => {
        checkNode(item, itemSchema, `${path}[${index}]`, problems);
      });
    }
    return;
  }
  if (!isPlainObject(value)) return;
  for (const field of required) {
    if (value[field] === undefined)
      problems.push({ path: joinField(path, field), message: 'Required value', blocksRules: true });
  }
  if (allowed) {
    for (const field of Object.keys(value)) {
      if (!allowed.has(field))
        problems.push({ path: joinField(path, field), message: `unknown field "${field}"` });
    }
  }
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  const mapValues = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [key, child] of Object.entries(value)) {
    let childSchema = schema.properties?.[key];
    if (embedded && key === 'metadata') childSchema = EMBEDDED_METADATA;
    else if (embedded && (key === 'apiVersion' || key === 'kind')) childSchema ??= STRING;
    if (childSchema) checkNode(child, childSchema, joinField(path, key), problems);
    else if (mapValues) checkNode(child, mapValues, `${path}[${key}]`, problems);
  }
}

/** Compiles every node of a version's schema up front; returns how many nodes it visited. */
export function compileSchemaVersion(version: SchemaVersion): number {
  let nodes = 0;
  forEachSchemaNode(rootSchema(version), (node) => {
    nodes++;
    nodeChecks(node);
  });
  return nodes;
}

function describeError(error: ErrorObject, basePath: string): StructuralProblem {
  const path = joinPointer(basePath, error.instancePath);
  const params = error.params as Record<string, unknown>;
  const shown = JSON.stringify(error.data);
  switch (error.keyword) {
    case 'required':
      return {
        path: joinField(path, String(params.missingProperty)),
        message: 'Required value',
        blocksRules: true,
      };
    case 'type': {
      const types = String(params.type)
        .split(',')
        .filter((type) => type !== 'null');
      return {
        path,
        message: `Invalid value: ${shown}: must be of type ${types.join(' or ')}`,
        blocksRules: true,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).filter((value) => value !== null);
      const list = allowed.map((value) => JSON.stringify(value)).join(', ');
      return { path, message: `Unsupported value: ${shown}: supported values: ${list}`, blocksRules: true };
    }
    case 'format':
      if (params.format === QUANTITY_FORMAT) {
        const example = 'a number with an optional suffix, e.g. 500m, 1.5, 128Mi, 2G or 1e3';
        return {
          path,
          message: `Invalid value: ${shown}: must be a quantity: ${example}`,
          blocksRules: true,
        };
      }
      if (params.format === MICRO_TIME_FORMAT && typeof error.data === 'string') {
        // The apiserver refuses the whole body while decoding it (400), with Go's parse error.
        return { path, message: `Invalid value: ${shown}: ${microTimeError(error.data)}`, blocksRules: true };
      }
      // Not blocking in the apiserver, but a date-time or byte value that does not parse cannot be
      // given its CEL type, so rules over it would only add confusing evaluation errors.
      return {
        path,
        message: `Invalid value: ${shown}: must be of format ${String(params.format)}`,
        blocksRules: true,
      };
    case 'pattern':
      return { path, message: `Invalid value: ${shown}: should match '${String(params.pattern)}'` };
    case 'maxLength':
    case 'maxItems':
    case 'maxProperties':
      // The apiserver's TooLong and TooMany.
      return {
        path,
        message: `Invalid value: ${shown}: ${error.message ?? error.keyword}`,
        blocksRules: true,
      };
    default:
      return { path, message: `Invalid value: ${shown}: ${error.message ?? error.keyword}` };
  }
}

/** Appends an ajv instancePath (only non-empty inside anyOf/oneOf branches) to a field path. */
function joinPointer(basePath: string, pointer: string): string {
  if (pointer === '') return basePath;
  let path = basePath;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(segment) ? `${path}[${segment}]` : joinField(path, segment);
  }
  return path;
}
