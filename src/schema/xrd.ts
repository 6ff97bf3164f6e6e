import { isPlainObject, type OpenApiSchema, type SchemaVersion } from './openapi.js';

/**
 * Derives the CRD versions Crossplane creates for the composite resource an XRD defines, so XRs can
 * be validated before any cluster exists.
 *
 * Mirrors crossplane-runtime v2.3 `pkg/xcrd` (ForCompositeResource, genCrdVersion, BaseProps,
 * CompositeResourceSpecProps, CompositeResourceStatusProps): the author's spec/status schema plus the
 * machinery fields Crossplane injects. Modern (Namespaced, Cluster) XRs get those under
 * `spec.crossplane`; LegacyCluster XRs get them directly under `spec`. Claim CRDs (legacy only) are
 * not derived: v2 XRDs cannot declare claims and Switchyard does not use them.
 */

type XrdScope = 'Namespaced' | 'Cluster' | 'LegacyCluster';

/** Composite names end up in label values, so Crossplane caps them at 63 characters. */
const MAX_COMPOSITE_NAME_LENGTH = 63;

export function isCompositeResourceDefinition(document: unknown): document is Record<string, unknown> {
  return (
    isPlainObject(document) &&
    document.kind === 'CompositeResourceDefinition' &&
    typeof document.apiVersion === 'string' &&
    document.apiVersion.startsWith('apiextensions.crossplane.io/')
  );
}

export function compositeSchemaVersions(xrd: Record<string, unknown>, source: string): SchemaVersion[] {
  const spec = isPlainObject(xrd.spec) ? xrd.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  const group = String(spec.group ?? '');
  const kind = String(names.kind ?? '');
  if (!group || !kind) throw new Error(`${source}: XRD has no spec.group or spec.names.kind`);
  // The XRD CRD defaults scope per version: v2 → Namespaced, v1 → LegacyCluster.
  const defaultScope: XrdScope =
    xrd.apiVersion === 'apiextensions.crossplane.io/v1' ? 'LegacyCluster' : 'Namespaced';
  const scope = (typeof spec.scope === 'string' ? spec.scope : defaultScope) as XrdScope;
  const defaultPolicy =
    typeof spec.defaultCompositionUpdatePolicy === 'string'
      ? spec.defaultCompositionUpdatePolicy
      : 'Automatic';
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
  return versions.map((version) => {
    const validation = isPlainObject(version.schema) ? version.schema : {};
    const authored = (
      isPlainObject(validation.openAPIV3Schema) ? validation.openAPIV3Schema : {}
    ) as OpenApiSchema;
    return {
      group,
      version: String(version.name ?? ''),
      kind,
      plural: String(names.plural ?? ''),
      scope: scope === 'Namespaced' ? 'Namespaced' : 'Cluster',
      served: version.served === true,
      deprecated: version.deprecated === true,
      ...(typeof version.deprecationWarning === 'string'
        ? { deprecationWarning: version.deprecationWarning }
        : {}),
      schema: compositeSchema(authored, scope, defaultPolicy),
      source,
    };
  });
}

function compositeSchema(authored: OpenApiSchema, scope: XrdScope, defaultPolicy: string): OpenApiSchema {
  const authoredSpec = authored.properties?.spec ?? {};
  const authoredStatus = authored.properties?.status ?? {};
  const authoredNameLimit = authored.properties?.metadata?.properties?.name?.maxLength;
  const nameLimit = Math.min(MAX_COMPOSITE_NAME_LENGTH, authoredNameLimit ?? MAX_COMPOSITE_NAME_LENGTH);
  return withoutUndefined({
    type: 'object',
    required: ['spec'],
    description: authored.description,
    'x-kubernetes-validations': authored['x-kubernetes-validations'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength: nameLimit } } },
      spec: withoutUndefined({
        type: 'object',
        required: authoredSpec.required,
        description: authoredSpec.description,
        'x-kubernetes-preserve-unknown-fields': authoredSpec['x-kubernetes-preserve-unknown-fields'],
        'x-kubernetes-validations': authoredSpec['x-kubernetes-validations'],
        oneOf: authoredSpec.oneOf,
        // Crossplane's fields win over an author's field of the same name (maps.Copy order).
        properties: { ...authoredSpec.properties, ...machinerySpecProperties(scope, defaultPolicy) },
      }),
      // Crossplane copies required/validations/oneOf of status but not preserve-unknown-fields.
      status: withoutUndefined({
        type: 'object',
        required: authoredStatus.required,
        description: authoredStatus.description,
        'x-kubernetes-validations': authoredStatus['x-kubernetes-validations'],
        oneOf: authoredStatus.oneOf,
        properties: { ...authoredStatus.properties, ...machineryStatusProperties(scope) },
      }),
    },
  });
}

const matchLabelsSelector: OpenApiSchema = {
  type: 'object',
  required: ['matchLabels'],
  properties: { matchLabels: { type: 'object', additionalProperties: { type: 'string' } } },
};

const nameReference: OpenApiSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' } },
};

function machinerySpecProperties(scope: XrdScope, defaultPolicy: string): Record<string, OpenApiSchema> {
  const referenceProperties: Record<string, OpenApiSchema> = {
    apiVersion: { type: 'string' },
    name: { type: 'string' },
    kind: { type: 'string' },
  };
  // Namespaced XRs may not reference composed resources in other namespaces.
  if (scope !== 'Namespaced') referenceProperties.namespace = { type: 'string' };
  const machinery: Record<string, OpenApiSchema> = {
    compositionRef: nameReference,
    compositionSelector: matchLabelsSelector,
    compositionRevisionRef: nameReference,
    compositionRevisionSelector: matchLabelsSelector,
    compositionUpdatePolicy: { type: 'string', enum: ['Automatic', 'Manual'], default: defaultPolicy },
    resourceRefs: {
      type: 'array',
      'x-kubernetes-list-type': 'atomic',
      items: { type: 'object', required: ['apiVersion', 'kind'], properties: referenceProperties },
    },
  };
  if (scope !== 'LegacyCluster') return { crossplane: { type: 'object', properties: machinery } };
  return {
    ...machinery,
    claimRef: {
      type: 'object',
      required: ['apiVersion', 'kind', 'namespace', 'name'],
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        namespace: { type: 'string' },
        name: { type: 'string' },
      },
    },
    writeConnectionSecretToRef: {
      type: 'object',
      required: ['name', 'namespace'],
      properties: { name: { type: 'string' }, namespace: { type: 'string' } },
    },
  };
}

function machineryStatusProperties(scope: XrdScope): Record<string, OpenApiSchema> {
  const conditions: OpenApiSchema = {
    type: 'array',
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
    items: {
      type: 'object',
      required: ['lastTransitionTime', 'reason', 'status', 'type'],
      properties: {
        lastTransitionTime: { type: 'string', format: 'date-time' },
        message: { type: 'string' },
        reason: { type: 'string' },
        status: { type: 'string' },
        type: { type: 'string' },
        observedGeneration: { type: 'integer', format: 'int64' },
      },
    },
  };
  if (scope !== 'LegacyCluster') return { conditions };
  return {
    conditions,
    connectionDetails: {
      type: 'object',
      properties: { lastPublishedTime: { type: 'string', format: 'date-time' } },
    },
    claimConditionTypes: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
  };
}

/** Drops keys whose value is undefined, so derived schemas look like the YAML Crossplane would write. */
function withoutUndefined(schema: { [key: string]: unknown }): OpenApiSchema {
  return Object.fromEntries(
    Object.entries(schema).filter(([, value]) => value !== undefined),
  ) as OpenApiSchema;
}
