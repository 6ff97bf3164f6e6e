import { BuiltinSchemas } from './builtin-schemas.js';
import type { NameRule } from './object-meta.js';
import { isPlainObject, type SchemaVersion, type Scope } from './openapi.js';

/**
 * The built-in kinds one of Kubernetes' OpenAPI v3 documents serves (docs/adr/0016-builtin-kinds.md):
 * every kind a client can create, that is, whose collection path takes a `post`
 * (`/api/v1/namespaces/{namespace}/configmaps`). The path gives the scope and the plural; the
 * schema is the component whose `x-kubernetes-group-version-kind` names the kind.
 */

/** Where Kubernetes' documents are, inside the upstream schemas folder. */
export const KUBERNETES_SCHEMAS_DIR = 'kubernetes';

/**
 * The group-version of a document from its file name, which is its /openapi/v3 path:
 * `api__v1_openapi.json` is core v1, `apis__apps__v1_openapi.json` apps/v1. Other files (a
 * group's version list, `apis__apps_openapi.json`) hold no kinds.
 */
export function documentGroupVersion(fileName: string): { group: string; version: string } | undefined {
  const core = /^api__(v\w+)_openapi\.json$/.exec(fileName);
  if (core?.[1]) return { group: '', version: core[1] };
  const named = /^apis__([a-z0-9.-]+)__(v\w+)_openapi\.json$/.exec(fileName);
  if (named?.[1] && named[2]) return { group: named[1], version: named[2] };
  return undefined;
}

/**
 * metadata.name rules of the kinds whose Go validation is not NameIsDNSSubdomain (the rule of every
 * other kind here, and of custom resources), from pkg/apis/<group>/validation of k8s.io/kubernetes
 * v1.36: RBAC kinds check only path-segment rules (so `system:` names pass), and so does the
 * apiserver for a kind whose validation names no rule (PodDisruptionBudget); Namespaces and
 * StatefulSets are DNS labels, and Services too since RelaxedServiceNameValidation (beta, on in 1.36).
 */
const NAME_RULES: Record<string, NameRule> = {
  '/Namespace': 'dns-label',
  '/Service': 'dns-label',
  'apps/StatefulSet': 'dns-label',
  'rbac.authorization.k8s.io/Role': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRole': 'path-segment',
  'rbac.authorization.k8s.io/RoleBinding': 'path-segment',
  'rbac.authorization.k8s.io/ClusterRoleBinding': 'path-segment',
  'policy/PodDisruptionBudget': 'path-segment',
};

/** How the apiserver checks metadata.name of a built-in kind (a DNS subdomain unless listed above). */
export function builtinNameRule(group: string, kind: string): NameRule {
  return NAME_RULES[`${group}/${kind}`] ?? 'dns-subdomain';
}

interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Every creatable kind of one document, with its schema; `source` names the file in messages. */
export function builtinSchemaVersions(document: unknown, source: string): SchemaVersion[] {
  const paths = isPlainObject(document) ? document.paths : undefined;
  const components = isPlainObject(document) ? document.components : undefined;
  const schemas = isPlainObject(components) ? components.schemas : undefined;
  if (!isPlainObject(paths) || !isPlainObject(schemas)) {
    throw new Error(`${source}: not a Kubernetes OpenAPI v3 document (no paths or components.schemas)`);
  }
  const converter = new BuiltinSchemas(schemas, source);
  const componentOf = componentsByKind(schemas);
  return creatableKinds(paths).map(({ gvk, plural, scope }) => {
    const component = componentOf.get(gvkKey(gvk));
    if (!component) {
      throw new Error(`${source}: no component schema has x-kubernetes-group-version-kind ${gvkKey(gvk)}`);
    }
    const nameRule = NAME_RULES[`${gvk.group}/${gvk.kind}`];
    return {
      ...gvk,
      plural,
      scope,
      served: true,
      deprecated: false,
      schema: converter.component(component),
      ...(nameRule ? { nameRule } : {}),
      source,
    };
  });
}

/** Kinds created by a `post` on a collection: `/apis/<g>/<v>[/namespaces/{namespace}]/<plural>`. */
function creatableKinds(
  paths: Record<string, unknown>,
): { gvk: GroupVersionKind; plural: string; scope: Scope }[] {
  const kinds = [];
  for (const [path, item] of Object.entries(paths)) {
    const post = isPlainObject(item) ? item.post : undefined;
    if (!isPlainObject(post) || post['x-kubernetes-action'] !== 'post' || path.includes('{name}')) continue;
    const gvk = asGroupVersionKind(post['x-kubernetes-group-version-kind']);
    const plural = path.slice(path.lastIndexOf('/') + 1);
    if (!gvk || plural.includes('{')) continue;
    kinds.push({
      gvk,
      plural,
      scope: path.includes('/namespaces/{namespace}/') ? 'Namespaced' : 'Cluster',
    } as const);
  }
  return kinds;
}

/** Component names by the one group/version/kind they declare (DeleteOptions and the like declare many). */
function componentsByKind(schemas: Record<string, unknown>): Map<string, string> {
  const byKind = new Map<string, string>();
  for (const [name, schema] of Object.entries(schemas)) {
    const declared = isPlainObject(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
    if (!Array.isArray(declared) || declared.length !== 1) continue;
    const gvk = asGroupVersionKind(declared[0]);
    if (gvk) byKind.set(gvkKey(gvk), name);
  }
  return byKind;
}

function asGroupVersionKind(value: unknown): GroupVersionKind | undefined {
  if (!isPlainObject(value)) return undefined;
  const { group, version, kind } = value;
  if (typeof group !== 'string' || typeof version !== 'string' || typeof kind !== 'string') return undefined;
  return { group, version, kind };
}

function gvkKey({ group, version, kind }: GroupVersionKind): string {
  return `${group ? `${group}/` : ''}${version} ${kind}`;
}
