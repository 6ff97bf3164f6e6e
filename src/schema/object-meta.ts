import type { OpenApiSchema } from './openapi.js';

/**
 * ObjectMeta as the apiserver accepts it on a custom resource: the JSON shape for ajv (unknown
 * metadata fields are refused, like `kubectl apply --validate=strict`) plus the name, namespace,
 * label and annotation rules the apiserver checks in Go (apimachinery `ValidateObjectMeta` with
 * `NameIsDNSSubdomain`, which is what custom resources use).
 */

const stringMap: OpenApiSchema = { type: 'object', additionalProperties: { type: 'string' } };

/** JSON shape of metadata; `nameSchema` carries a CRD's own limits on metadata.name (e.g. XRs: 63). */
export function objectMetaSchema(nameSchema: OpenApiSchema = {}): OpenApiSchema {
  return {
    type: 'object',
    properties: {
      name: { ...nameSchema, type: 'string' },
      generateName: { type: 'string' },
      namespace: { type: 'string' },
      labels: stringMap,
      annotations: stringMap,
      finalizers: { type: 'array', items: { type: 'string' } },
      ownerReferences: {
        type: 'array',
        items: {
          type: 'object',
          required: ['apiVersion', 'kind', 'name', 'uid'],
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            name: { type: 'string' },
            uid: { type: 'string' },
            controller: { type: 'boolean' },
            blockOwnerDeletion: { type: 'boolean' },
          },
        },
      },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      selfLink: { type: 'string' },
      generation: { type: 'integer', format: 'int64' },
      // Serializers (cdk8s, kubectl get -o yaml of a new object) write `creationTimestamp: null`.
      creationTimestamp: { type: 'string', format: 'date-time', nullable: true },
      deletionTimestamp: { type: 'string', format: 'date-time', nullable: true },
      deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
      managedFields: {
        type: 'array',
        items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
  };
}

export interface MetaProblem {
  path: string;
  message: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!DNS_SUBDOMAIN.test(value)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

function dnsLabelProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS_LABEL.test(value)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined) {
    if (prefix.length === 0) return 'prefix part must be non-empty';
    const problem = dnsSubdomainProblem(prefix);
    if (problem) return `prefix part ${problem}`;
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!QUALIFIED_NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** apimachinery's IsPathSegmentName (IsPathSegmentPrefix for a generateName). */
function pathSegmentProblem(value: string, prefix: boolean): string | undefined {
  if (!prefix && (value === '.' || value === '..')) return `may not be '${value}'`;
  const illegal = ['/', '%'].filter((part) => value.includes(part));
  return illegal.length ? illegal.map((part) => `may not contain '${part}'`).join(', ') : undefined;
}

/**
 * How metadata.name is checked: `dns-subdomain` for custom resources and most built-in kinds; some
 * built-in kinds check a DNS label (Namespace) or only what a URL path segment needs (RBAC kinds,
 * whose names may hold `:`); builtin-kinds.ts says which.
 */
export type NameRule = 'dns-subdomain' | 'dns-label' | 'path-segment';

/** The problem with a name (or, with `prefix`, a generateName) under a rule, if any. */
function nameProblem(rule: NameRule, value: string, prefix: boolean): string | undefined {
  // The apiserver appends 5 random characters to a generateName, so its trailing '-' is not an end.
  const name = prefix ? value.replace(/-$/, '') : value;
  switch (rule) {
    case 'dns-subdomain':
      return dnsSubdomainProblem(name);
    case 'dns-label':
      return dnsLabelProblem(name);
    case 'path-segment':
      return pathSegmentProblem(name, prefix);
  }
}

export function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (value !== '' && !QUALIFIED_NAME.test(value)) {
    return "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** Total size limit of all annotations (keys + values), as in apimachinery. */
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * Name/namespace/label/annotation rules; types are ajv's job, so values of the wrong type are
 * skipped here. `pathPrefix` is `metadata` for the object itself or the embedded path.
 */
export function objectMetaProblems(
  meta: Record<string, unknown>,
  pathPrefix = 'metadata',
  nameRule: NameRule = 'dns-subdomain',
): MetaProblem[] {
  const problems: MetaProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path: `${pathPrefix}.${path}`, message });
  if (typeof meta.name === 'string') {
    const problem = nameProblem(nameRule, meta.name, false);
    if (problem) add('name', `Invalid value: "${meta.name}": ${problem}`);
  }
  if (typeof meta.generateName === 'string' && meta.generateName !== '') {
    const problem = nameProblem(nameRule, meta.generateName, true);
    if (problem) add('generateName', `Invalid value: "${meta.generateName}": ${problem}`);
  }
  if (typeof meta.namespace === 'string' && meta.namespace !== '') {
    const problem = dnsLabelProblem(meta.namespace);
    if (problem) add('namespace', `Invalid value: "${meta.namespace}": ${problem}`);
  }
  if (meta.labels && typeof meta.labels === 'object') {
    for (const [key, value] of Object.entries(meta.labels)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) add(`labels[${key}]`, `Invalid value: "${key}": ${keyProblem}`);
      const valueProblem = typeof value === 'string' ? labelValueProblem(value) : undefined;
      if (valueProblem) add(`labels[${key}]`, `Invalid value: "${value}": ${valueProblem}`);
    }
  }
  if (meta.annotations && typeof meta.annotations === 'object') {
    let total = 0;
    for (const [key, value] of Object.entries(meta.annotations)) {
      const keyProblem = qualifiedNameProblem(key.toLowerCase());
      if (keyProblem) add(`annotations[${key}]`, `Invalid value: "${key}": ${keyProblem}`);
      total += key.length + (typeof value === 'string' ? value.length : 0);
    }
    if (total > TOTAL_ANNOTATION_SIZE_LIMIT) {
      add('annotations', `Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`);
    }
  }
  return problems;
}
