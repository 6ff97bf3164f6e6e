import { isPlainObject } from '../../src/schema/openapi.js';
import { childOf, type KindSchema } from './builtin-schema.js';
import { canonicalQuantity } from './quantity.js';

/**
 * Defaulting of built-in kinds, as the apiserver does it between decoding and validation:
 *
 * 1. the Go round trip, from the OpenAPI document's `default`s: a struct field is never absent
 *    (`{}`), a field without omitempty shows its zero value (`0`, `""`, `false`), plus the few
 *    declarative `+default=` markers (a port's `protocol: TCP`); quantities in canonical form;
 * 2. the `SetDefaults_<Type>` functions of k8s.io/kubernetes v1.36.3 (pkg/apis/<group>/v1/
 *    defaults.go) for the types the platform's kinds hold, applied the way the generated defaulters
 *    apply them: to every node of that Go type, parent before children.
 *
 * Types without an entry below get only step 1 (docs/adr/0022-emulator-builtin-kinds.md lists them).
 */

type Json = Record<string, unknown>;
type SetDefaults = (object: Json) => void;

const CORE = 'io.k8s.api.core.v1';

const ifAbsent = (object: Json, field: string, value: unknown) => {
  if (object[field] === undefined || object[field] === '') object[field] = value;
};

function child(object: Json, field: string): Json {
  const existing = object[field];
  if (isPlainObject(existing)) return existing;
  const created: Json = {};
  object[field] = created;
  return created;
}

/** SetDefaults_Container: pull policy from the image's tag, termination message file. */
function container(object: Json): void {
  if (!object.imagePullPolicy)
    object.imagePullPolicy = imageTag(String(object.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  ifAbsent(object, 'terminationMessagePath', '/dev/termination-log');
  ifAbsent(object, 'terminationMessagePolicy', 'File');
}

/** The tag of an image reference (docker's ParseImageName: `latest` when there is none and no digest). */
function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
}

const DEFAULTS: Record<string, SetDefaults> = {
  'io.k8s.api.apps.v1.Deployment': (deployment) => {
    const spec = child(deployment, 'spec');
    ifAbsent(spec, 'replicas', 1);
    const strategy = child(spec, 'strategy');
    ifAbsent(strategy, 'type', 'RollingUpdate');
    if (strategy.type === 'RollingUpdate') {
      const rollingUpdate = child(strategy, 'rollingUpdate');
      ifAbsent(rollingUpdate, 'maxUnavailable', '25%');
      ifAbsent(rollingUpdate, 'maxSurge', '25%');
    }
    ifAbsent(spec, 'revisionHistoryLimit', 10);
    ifAbsent(spec, 'progressDeadlineSeconds', 600);
  },
  [`${CORE}.PodSpec`]: (spec) => {
    ifAbsent(spec, 'dnsPolicy', 'ClusterFirst');
    ifAbsent(spec, 'restartPolicy', 'Always');
    if (!isPlainObject(spec.securityContext)) spec.securityContext = {};
    ifAbsent(spec, 'terminationGracePeriodSeconds', 30);
    ifAbsent(spec, 'schedulerName', 'default-scheduler');
    // v1 conversion: the deprecated serviceAccount mirrors serviceAccountName.
    if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
    if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  },
  [`${CORE}.Container`]: container,
  [`${CORE}.EphemeralContainer`]: container,
  [`${CORE}.Probe`]: (probe) => {
    for (const [field, value] of [
      ['timeoutSeconds', 1],
      ['periodSeconds', 10],
      ['successThreshold', 1],
      ['failureThreshold', 3],
    ] as const)
      if (!probe[field]) probe[field] = value;
  },
  [`${CORE}.HTTPGetAction`]: (action) => {
    ifAbsent(action, 'path', '/');
    ifAbsent(action, 'scheme', 'HTTP');
  },
  [`${CORE}.Volume`]: (volume) => {
    const sources = Object.keys(volume).filter((key) => key !== 'name');
    if (sources.length === 0) volume.emptyDir = {};
  },
  [`${CORE}.SecretVolumeSource`]: (source) => ifAbsent(source, 'defaultMode', 0o644),
  [`${CORE}.ConfigMapVolumeSource`]: (source) => ifAbsent(source, 'defaultMode', 0o644),
  [`${CORE}.DownwardAPIVolumeSource`]: (source) => ifAbsent(source, 'defaultMode', 0o644),
  [`${CORE}.ProjectedVolumeSource`]: (source) => ifAbsent(source, 'defaultMode', 0o644),
  [`${CORE}.ServiceAccountTokenProjection`]: (source) => ifAbsent(source, 'expirationSeconds', 3600),
  [`${CORE}.Service`]: (service) => {
    const spec = child(service, 'spec');
    ifAbsent(spec, 'sessionAffinity', 'None');
    if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
    ifAbsent(spec, 'type', 'ClusterIP');
    for (const port of Array.isArray(spec.ports) ? spec.ports.filter(isPlainObject) : []) {
      ifAbsent(port, 'protocol', 'TCP');
      if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '')
        port.targetPort = port.port;
    }
    const externallyAccessible =
      spec.type === 'NodePort' ||
      spec.type === 'LoadBalancer' ||
      (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
    if (externallyAccessible) ifAbsent(spec, 'externalTrafficPolicy', 'Cluster');
    if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(String(spec.type)))
      ifAbsent(spec, 'internalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') ifAbsent(spec, 'allocateLoadBalancerNodePorts', true);
  },
  [`${CORE}.Secret`]: (secret) => ifAbsent(secret, 'type', 'Opaque'),
  [`${CORE}.Namespace`]: (namespace) => {
    const metadata = child(namespace, 'metadata');
    if (typeof metadata.name === 'string' && metadata.name !== '')
      metadata.labels = {
        ...(isPlainObject(metadata.labels) ? metadata.labels : {}),
        'kubernetes.io/metadata.name': metadata.name,
      };
  },
  [`${CORE}.NamespaceStatus`]: (status) => ifAbsent(status, 'phase', 'Active'),
  'io.k8s.api.batch.v1.Job': (job) => {
    const spec = child(job, 'spec');
    if (spec.completions === undefined && spec.parallelism === undefined) {
      spec.completions = 1;
      spec.parallelism = 1;
    }
    ifAbsent(spec, 'parallelism', 1);
    ifAbsent(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined ? 2 ** 31 - 1 : 6);
    const template = child(spec, 'template');
    const templateLabels = child(template, 'metadata').labels;
    const metadata = child(job, 'metadata');
    if (
      isPlainObject(templateLabels) &&
      !(isPlainObject(metadata.labels) && Object.keys(metadata.labels).length > 0)
    )
      metadata.labels = { ...templateLabels };
    ifAbsent(spec, 'completionMode', 'NonIndexed');
    ifAbsent(spec, 'suspend', false);
    ifAbsent(
      spec,
      'podReplacementPolicy',
      spec.podFailurePolicy !== undefined ? 'Failed' : 'TerminatingOrFailed',
    );
    ifAbsent(spec, 'manualSelector', false);
  },
  'io.k8s.api.networking.v1.NetworkPolicy': (policy) => {
    const spec = child(policy, 'spec');
    if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
      spec.policyTypes =
        Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
    }
  },
  'io.k8s.api.networking.v1.NetworkPolicyPort': (port) => ifAbsent(port, 'protocol', 'TCP'),
  'io.k8s.api.rbac.v1.RoleBinding': (binding) =>
    ifAbsent(child(binding, 'roleRef'), 'apiGroup', 'rbac.authorization.k8s.io'),
  'io.k8s.api.rbac.v1.ClusterRoleBinding': (binding) =>
    ifAbsent(child(binding, 'roleRef'), 'apiGroup', 'rbac.authorization.k8s.io'),
  'io.k8s.api.rbac.v1.Subject': (subject) => {
    if (subject.apiGroup) return;
    if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = 'rbac.authorization.k8s.io';
  },
};

/** The object with the Go round trip's values and the SetDefaults functions applied (a new object). */
export function defaultBuiltin(object: Json, schema: KindSchema): Json {
  const copy = structuredClone(object);
  roundTrip(copy, schema);
  setDefaults(copy, schema);
  // What SetDefaults created (a securityContext, a rollingUpdate) gets its zero values too.
  roundTrip(copy, schema);
  return copy;
}

/**
 * The Go zero value of a kind as JSON: its struct fields (`{}`) and fields without omitempty, no
 * more. The apiserver's field manager compares a new object with it, so what a create credits its
 * manager with leaves these out.
 */
export function zeroValueOf(schema: KindSchema): Json {
  const zero: Json = {};
  fillZero(zero, schema);
  return zero;
}

/** Struct fields as `{}` (recursively), scalars without omitempty at their zero, slices and maps without it as null. */
function fillZero(object: Json, schema: KindSchema): void {
  for (const [field, fieldSchema] of Object.entries(schema.properties ?? {})) {
    if (fieldSchema.default !== undefined) {
      object[field] = structuredClone(fieldSchema.default);
      if (isPlainObject(object[field])) fillZero(object[field] as Json, fieldSchema);
    } else if (schema.required?.includes(field)) object[field] = null;
  }
}

/** Step 1: `default`s of absent fields, quantities canonical; recursing into objects and lists. */
function roundTrip(value: unknown, schema: KindSchema | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      if (schema.items?.quantity && typeof item === 'string') value[index] = canonicalQuantity(item) ?? item;
      else roundTrip(item, schema.items);
    }
    return;
  }
  if (!isPlainObject(value) || schema['x-kubernetes-preserve-unknown-fields']) return;
  if (schema.properties) {
    for (const [field, fieldSchema] of Object.entries(schema.properties)) {
      if (value[field] === undefined && fieldSchema.default !== undefined)
        value[field] = structuredClone(fieldSchema.default);
      normalizeQuantity(value, field, fieldSchema);
      roundTrip(value[field], fieldSchema);
    }
    return;
  }
  const values = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  if (!values) return;
  for (const key of Object.keys(value)) {
    normalizeQuantity(value, key, values);
    roundTrip(value[key], values);
  }
}

function normalizeQuantity(object: Json, key: string, schema: KindSchema): void {
  const value = object[key];
  if (schema.quantity && (typeof value === 'string' || typeof value === 'number'))
    object[key] = canonicalQuantity(String(value)) ?? value;
}

/** Step 2, pre-order as the generated SetObjectDefaults_* functions run. */
function setDefaults(value: unknown, schema: KindSchema | undefined): void {
  if (!schema) return;
  if (Array.isArray(value)) {
    for (const item of value) setDefaults(item, schema.items);
    return;
  }
  if (!isPlainObject(value) || schema['x-kubernetes-preserve-unknown-fields']) return;
  const own = schema.component ? DEFAULTS[schema.component] : undefined;
  own?.(value);
  for (const key of Object.keys(value)) setDefaults(value[key], childOf(schema, key));
}
