import { MICRO_TIME_FORMAT, QUANTITY_FORMAT, VALUE_KEYWORDS } from './ajv-schema.js';
import { isPlainObject, type OpenApiSchema } from './openapi.js';

/**
 * Kubernetes' own OpenAPI v3 documents (`api/openapi-spec/v3/` of k8s.io/kubernetes) describe the
 * built-in kinds with kube-openapi's conventions rather than a CRD's structural schema. This turns
 * their component schemas into the validator's schema nodes (openapi.ts), with the meaning the
 * apiserver's Go decoding gives a manifest (docs/adr/0016-builtin-kinds.md):
 *
 * - `$ref: #/components/schemas/<name>`, and kube-openapi's `allOf: [{$ref}]` wrapper (which only
 *   adds a description, a default or patch hints), become the referenced node itself. Each
 *   component is converted once and shared, so a recursive type (JSONSchemaProps) is a cyclic graph;
 * - IntOrString (`format: int-or-string`, oneOf integer/string) becomes `x-kubernetes-int-or-string`;
 * - resource.Quantity (oneOf string/number) becomes `format: quantity`: a number, or a string the
 *   Go parser accepts (ajv-schema.ts);
 * - metav1.MicroTime becomes `format: micro-time`: six fractional digits, as Go decodes it;
 * - Go types that read any JSON themselves (RawExtension, JSON, FieldsV1, …: an object without
 *   properties, or no type at all) become `x-kubernetes-preserve-unknown-fields`; every other object
 *   is closed, as `kubectl --validate=strict` (the apiserver's strict decoding) refuses unknown fields;
 * - `default`s are dropped: built-in defaults are Go code run after decoding, the documents only
 *   describe them, and a `default: {}` applied here would demand the required fields of an object
 *   the manifest leaves out (a PodDisruptionBudget's status). Descriptions and patch, union and
 *   map-type annotations (server-side apply metadata) are dropped too.
 */

const COMPONENT_REF = '#/components/schemas/';
const INT_OR_STRING_FORMAT = 'int-or-string';
/** kube-openapi's name for k8s.io/apimachinery/pkg/api/resource.Quantity. */
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** metav1.MicroTime: the documents give it `format: date-time` like metav1.Time, but Go reads it stricter. */
const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
/** Empty Go structs: no fields at all, so any field in them is unknown (not an opaque value). */
const EMPTY_STRUCTS = new Set([
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus',
]);

/** Keywords copied as they are: they mean the same in a CRD's schema. */
const COPIED = [
  'type',
  'format',
  'required',
  'enum',
  ...VALUE_KEYWORDS,
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
] as const;
/** Keywords that only document or guide patching; a wrapper around a `$ref` may carry only these. */
const ANNOTATIONS = new Set([
  'description',
  'default',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-map-type',
  'x-kubernetes-unions',
]);
/** Structure the converter understands besides COPIED and ANNOTATIONS. */
const STRUCTURE = new Set(['properties', 'items', 'additionalProperties', 'allOf', 'oneOf', '$ref']);
const IGNORED = new Set(['x-kubernetes-group-version-kind', 'discriminator']);

/** The component schemas of one document, converted on first use. */
export class BuiltinSchemas {
  private readonly converted = new Map<string, OpenApiSchema>();

  constructor(
    private readonly components: Record<string, unknown>,
    private readonly source: string,
  ) {}

  /** The validator's schema for the component `name` (e.g. `io.k8s.api.apps.v1.Deployment`). */
  component(name: string): OpenApiSchema {
    const done = this.converted.get(name);
    if (done) return done;
    const raw = this.components[name];
    if (!isPlainObject(raw)) throw new Error(`${this.source}: no schema "${name}" in components.schemas`);
    // Registered before its children are converted, so a reference back to it closes a cycle.
    const node: OpenApiSchema = {};
    this.converted.set(name, node);
    Object.assign(node, this.convertComponent(name, raw));
    return node;
  }

  private convertComponent(name: string, raw: Record<string, unknown>): OpenApiSchema {
    if (name === QUANTITY) return { format: QUANTITY_FORMAT };
    if (name === MICRO_TIME) return { type: 'string', format: MICRO_TIME_FORMAT };
    const node = this.convert(raw, name);
    const opaque =
      !EMPTY_STRUCTS.has(name) &&
      (node.type === undefined || node.type === 'object') &&
      node.properties === undefined &&
      node.additionalProperties === undefined &&
      node['x-kubernetes-int-or-string'] === undefined;
    return opaque ? { ...node, 'x-kubernetes-preserve-unknown-fields': true } : node;
  }

  private convert(raw: Record<string, unknown>, where: string): OpenApiSchema {
    const reference = referenceOf(raw, where, this.source);
    if (reference !== undefined) return this.component(reference);
    for (const key of Object.keys(raw)) {
      if (!COPIED.includes(key as never) && !ANNOTATIONS.has(key) && !STRUCTURE.has(key) && !IGNORED.has(key))
        throw new Error(`${this.source}: ${where}: unsupported keyword "${key}"`);
    }
    if (raw.format === INT_OR_STRING_FORMAT) return { 'x-kubernetes-int-or-string': true };
    if (raw.oneOf !== undefined) throw new Error(`${this.source}: ${where}: unsupported oneOf`);
    const node: OpenApiSchema = {};
    for (const key of COPIED) if (raw[key] !== undefined) Object.assign(node, { [key]: raw[key] });
    if (isPlainObject(raw.properties)) {
      node.properties = Object.fromEntries(
        Object.entries(raw.properties).map(([field, child]) => [
          field,
          this.convert(schemaObject(child, `${where}.${field}`, this.source), `${where}.${field}`),
        ]),
      );
    }
    if (raw.items !== undefined)
      node.items = this.convert(schemaObject(raw.items, `${where}[]`, this.source), `${where}[]`);
    if (typeof raw.additionalProperties === 'boolean') node.additionalProperties = raw.additionalProperties;
    else if (raw.additionalProperties !== undefined) {
      const values = schemaObject(raw.additionalProperties, `${where}{}`, this.source);
      node.additionalProperties = this.convert(values, `${where}{}`);
    }
    return node;
  }
}

/** The component a node stands for: `$ref`, or kube-openapi's `allOf: [{$ref}]` with annotations. */
function referenceOf(raw: Record<string, unknown>, where: string, source: string): string | undefined {
  if (typeof raw.$ref === 'string') return componentName(raw.$ref, where, source);
  if (raw.allOf === undefined) return undefined;
  const [only, ...more] = Array.isArray(raw.allOf) ? raw.allOf : [];
  const structural = Object.keys(raw).filter((key) => key !== 'allOf' && !ANNOTATIONS.has(key));
  if (!isPlainObject(only) || typeof only.$ref !== 'string' || more.length > 0 || structural.length > 0) {
    throw new Error(`${source}: ${where}: unsupported allOf (expected one $ref with annotations)`);
  }
  return componentName(only.$ref, where, source);
}

function componentName(reference: string, where: string, source: string): string {
  if (!reference.startsWith(COMPONENT_REF))
    throw new Error(`${source}: ${where}: unsupported $ref "${reference}" (expected ${COMPONENT_REF}…)`);
  return reference.slice(COMPONENT_REF.length);
}

function schemaObject(value: unknown, where: string, source: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw new Error(`${source}: ${where}: a schema must be an object`);
  return value;
}
