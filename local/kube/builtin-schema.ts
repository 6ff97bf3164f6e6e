import { isPlainObject, type OpenApiSchema } from '../../src/schema/openapi.js';

/**
 * A built-in kind's schema as the emulator uses it, read from Kubernetes' own OpenAPI v3 document
 * (docs/adr/0022-emulator-builtin-kinds.md). Unlike the validator's conversion (src/schema/
 * builtin-schemas.ts, which drops what validation does not need) it keeps what the apiserver's Go
 * types mean at run time:
 *
 * - `default` (kube-openapi writes `{}` on struct fields and `0`/`""`/`false` on fields without
 *   omitempty: what a Go round trip adds to an object; plus the few `+default=` markers),
 * - the strategic-merge-patch hints (`x-kubernetes-patch-strategy`, `-patch-merge-key`),
 * - list and map types for server-side apply,
 * - the Go type a node decodes into (`component`), which the apiserver names in decoding errors.
 *
 * `$ref` and kube-openapi's `allOf: [{$ref}]` wrapper become the referenced node plus the wrapper's
 * annotations; every component is converted once, so recursive types are a cyclic graph.
 */
export interface KindSchema extends OpenApiSchema {
  properties?: Record<string, KindSchema>;
  items?: KindSchema;
  additionalProperties?: KindSchema | boolean;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  /** The component (Go type) this node stands for, e.g. `io.k8s.api.apps.v1.DeploymentSpec`. */
  component?: string;
  /** resource.Quantity: a string Go parses, or a number. */
  quantity?: boolean;
}

const COMPONENT_REF = '#/components/schemas/';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
/** Annotations a `$ref` wrapper adds to the node it refers to (per use, not per type). */
const SITE_ANNOTATIONS = [
  'default',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-map-type',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
] as const;
const COPIED = [
  'type',
  'format',
  'required',
  'enum',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-patch-merge-key',
] as const;

/** The component schemas of one document, converted on first use. */
export class KindSchemas {
  private readonly converted = new Map<string, KindSchema>();
  /** Use sites of a component, filled once every component they may reach is complete. */
  private pending: { site: KindSchema; component: string; annotations: Record<string, unknown> }[] = [];

  constructor(
    private readonly components: Record<string, unknown>,
    private readonly source: string,
  ) {}

  /** The schema of component `name` (e.g. `io.k8s.api.apps.v1.Deployment`), annotations resolved. */
  component(name: string): KindSchema {
    const node = this.convertComponent(name);
    const pending = this.pending;
    this.pending = [];
    for (const { site, component, annotations } of pending) {
      Object.assign(site, this.converted.get(component), annotations);
    }
    return node;
  }

  has(name: string): boolean {
    return isPlainObject(this.components[name]);
  }

  private convertComponent(name: string): KindSchema {
    const done = this.converted.get(name);
    if (done) return done;
    const raw = this.components[name];
    if (!isPlainObject(raw)) throw new Error(`${this.source}: no schema "${name}" in components.schemas`);
    // Registered before its children are converted, so a reference back to it closes a cycle.
    const node: KindSchema = { component: name };
    this.converted.set(name, node);
    if (name === QUANTITY) Object.assign(node, { quantity: true });
    else Object.assign(node, this.convert(raw, name));
    return node;
  }

  private convert(raw: Record<string, unknown>, where: string): KindSchema {
    const reference = referenceOf(raw);
    if (reference !== undefined) {
      this.convertComponent(reference);
      const site: KindSchema = {};
      const annotations = Object.fromEntries(
        SITE_ANNOTATIONS.filter((key) => raw[key] !== undefined).map((key) => [key, raw[key]]),
      );
      this.pending.push({ site, component: reference, annotations });
      return site;
    }
    const node: KindSchema = {};
    for (const key of COPIED) if (raw[key] !== undefined) Object.assign(node, { [key]: raw[key] });
    if (raw.default !== undefined) node.default = raw.default;
    if (raw.format === 'int-or-string') {
      delete node.format;
      node['x-kubernetes-int-or-string'] = true;
      return node;
    }
    if (isPlainObject(raw.properties)) {
      node.properties = {};
      for (const [field, child] of Object.entries(raw.properties)) {
        if (isPlainObject(child)) node.properties[field] = this.convert(child, `${where}.${field}`);
      }
    }
    if (isPlainObject(raw.items)) node.items = this.convert(raw.items, `${where}[]`);
    if (isPlainObject(raw.additionalProperties))
      node.additionalProperties = this.convert(raw.additionalProperties, `${where}{}`);
    // Go types that read any JSON themselves (RawExtension, JSON, FieldsV1): an object without
    // properties, or no type at all.
    if (
      (node.type === undefined || node.type === 'object') &&
      node.properties === undefined &&
      node.additionalProperties === undefined
    )
      node['x-kubernetes-preserve-unknown-fields'] = true;
    return node;
  }
}

function referenceOf(raw: Record<string, unknown>): string | undefined {
  const direct = typeof raw.$ref === 'string' ? raw.$ref : undefined;
  const wrapped =
    Array.isArray(raw.allOf) && raw.allOf.length === 1 && isPlainObject(raw.allOf[0])
      ? raw.allOf[0].$ref
      : undefined;
  const reference = direct ?? (typeof wrapped === 'string' ? wrapped : undefined);
  return reference?.startsWith(COMPONENT_REF) ? reference.slice(COMPONENT_REF.length) : undefined;
}

/** The Go type name the apiserver's JSON decoder names: `v1.DeploymentSpec`, `[]string`, `map[string]string`. */
export function goTypeName(schema: KindSchema): string {
  if (schema.component) {
    const parts = schema.component.split('.');
    if (schema.component === QUANTITY) return 'resource.Quantity';
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  if (schema['x-kubernetes-int-or-string']) return 'intstr.IntOrString';
  switch (schema.type) {
    case 'string':
      return schema.format === 'byte' ? '[]uint8' : 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return schema.format === 'int64' ? 'int64' : 'int32';
    case 'number':
      return 'float64';
    case 'array':
      return `[]${schema.items ? goTypeName(schema.items) : 'interface {}'}`;
    case 'object':
      return typeof schema.additionalProperties === 'object'
        ? `map[string]${goTypeName(schema.additionalProperties)}`
        : 'map[string]interface {}';
    default:
      return 'interface {}';
  }
}

/** The Go struct name of a component node (`DeploymentSpec`), for decoding errors. */
export function goStructName(schema: KindSchema): string {
  const parts = (schema.component ?? '').split('.');
  return parts[parts.length - 1] ?? '';
}

/** The schema of a field or map value / list item, or undefined when the schema has none. */
export function childOf(schema: KindSchema | undefined, key: string | number): KindSchema | undefined {
  if (!schema) return undefined;
  if (typeof key === 'number') return schema.items;
  return (
    schema.properties?.[key] ??
    (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined)
  );
}
