import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentGroupVersion, KUBERNETES_SCHEMAS_DIR } from '../../src/schema/builtin-kinds.js';
import { isPlainObject } from '../../src/schema/openapi.js';
import { upstreamSchemasDir } from '../../src/schema/paths.js';
import { type KindSchema, KindSchemas } from './builtin-schema.js';
import type { ResourceType } from './resource-type.js';

/**
 * The built-in kinds the emulator serves, all from one generic path: Kubernetes' own OpenAPI v3
 * documents (v1.36.3, `../shared/schemas/kubernetes/`, read at run time like the CRDs) say which
 * kinds exist, their scope, plural, verbs, subresources and schema
 * (docs/adr/0022-emulator-builtin-kinds.md). What the documents do not carry (short names,
 * categories) is the small table below, from each kind's REST storage in k8s.io/kubernetes.
 */

/** One group-version document as read from disk. */
export interface BuiltinDocument {
  group: string;
  version: string;
  /** The file, for messages. */
  file: string;
  /** The document's bytes, served as they are on /openapi/v3. */
  text: string;
  document: Record<string, unknown>;
  schemas: KindSchemas;
}

/** What a built-in ResourceType carries besides discovery: its schema and subresources. */
export interface BuiltinKind {
  document: BuiltinDocument;
  /** Component name of the kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
  component: string;
  /** `/scale` (autoscaling/v1 Scale) exists. */
  scale: boolean;
  /** metadata.generation is kept (the kind's strategy sets and bumps it). */
  generation: boolean;
  /** A PUT without metadata.resourceVersion overwrites (AllowUnconditionalUpdate). */
  unconditionalUpdate: boolean;
  /** The kind's schema, converted on first use. */
  readonly schema: KindSchema;
}

/** Short names and categories by `group/plural` (pkg/registry/<group>/<resource>/storage). */
const NAMES: Record<string, { shortNames?: string[]; categories?: string[] }> = {
  '/configmaps': { shortNames: ['cm'] },
  '/endpoints': { shortNames: ['ep'] },
  '/events': { shortNames: ['ev'] },
  '/limitranges': { shortNames: ['limits'] },
  '/namespaces': { shortNames: ['ns'] },
  '/nodes': { shortNames: ['no'] },
  '/persistentvolumeclaims': { shortNames: ['pvc'] },
  '/persistentvolumes': { shortNames: ['pv'] },
  '/pods': { shortNames: ['po'], categories: ['all'] },
  '/replicationcontrollers': { shortNames: ['rc'], categories: ['all'] },
  '/resourcequotas': { shortNames: ['quota'] },
  '/serviceaccounts': { shortNames: ['sa'] },
  '/services': { shortNames: ['svc'], categories: ['all'] },
  'apps/daemonsets': { shortNames: ['ds'], categories: ['all'] },
  'apps/deployments': { shortNames: ['deploy'], categories: ['all'] },
  'apps/replicasets': { shortNames: ['rs'], categories: ['all'] },
  'apps/statefulsets': { shortNames: ['sts'], categories: ['all'] },
  'autoscaling/horizontalpodautoscalers': { shortNames: ['hpa'], categories: ['all'] },
  'batch/cronjobs': { shortNames: ['cj'], categories: ['all'] },
  'batch/jobs': { categories: ['all'] },
  'events.k8s.io/events': { shortNames: ['ev'] },
  'networking.k8s.io/ingresses': { shortNames: ['ing'] },
  'networking.k8s.io/ipaddresses': { shortNames: ['ip'] },
  'networking.k8s.io/networkpolicies': { shortNames: ['netpol'] },
  'policy/poddisruptionbudgets': { shortNames: ['pdb'] },
};

/** Field selectors a kind supports besides metadata.name/namespace (its registry's GetAttrs). */
const SELECTABLE_FIELDS: Record<string, string[]> = {
  // `kubectl describe` lists a core Event's objects with these.
  '/events': [
    '.involvedObject.kind',
    '.involvedObject.namespace',
    '.involvedObject.name',
    '.involvedObject.uid',
    '.involvedObject.apiVersion',
    '.involvedObject.resourceVersion',
    '.involvedObject.fieldPath',
    '.reason',
    '.reportingComponent',
    '.source',
    '.type',
  ],
  '/secrets': ['.type'],
  '/namespaces': ['.status.phase'],
};

/**
 * Kinds whose REST strategy keeps metadata.generation (`Generation = 1` in
 * pkg/registry/<group>/<resource>/strategy.go); the others have none.
 */
const GENERATION = new Set([
  '/pods',
  '/podtemplates',
  '/replicationcontrollers',
  'admissionregistration.k8s.io/mutatingadmissionpolicies',
  'admissionregistration.k8s.io/mutatingadmissionpolicybindings',
  'admissionregistration.k8s.io/mutatingwebhookconfigurations',
  'admissionregistration.k8s.io/validatingadmissionpolicies',
  'admissionregistration.k8s.io/validatingadmissionpolicybindings',
  'admissionregistration.k8s.io/validatingwebhookconfigurations',
  'apps/daemonsets',
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
  'batch/cronjobs',
  'batch/jobs',
  'networking.k8s.io/ingresses',
  'networking.k8s.io/ingressclasses',
  'networking.k8s.io/networkpolicies',
  'policy/poddisruptionbudgets',
]);

/** Kinds whose strategy refuses a PUT without resourceVersion (AllowUnconditionalUpdate false). */
const CONDITIONAL_UPDATE_ONLY = new Set([
  'admissionregistration.k8s.io/mutatingadmissionpolicies',
  'admissionregistration.k8s.io/mutatingadmissionpolicybindings',
  'admissionregistration.k8s.io/mutatingwebhookconfigurations',
  'admissionregistration.k8s.io/validatingadmissionpolicies',
  'admissionregistration.k8s.io/validatingadmissionpolicybindings',
  'admissionregistration.k8s.io/validatingwebhookconfigurations',
  'coordination.k8s.io/leases',
  'policy/poddisruptionbudgets',
]);

/** Admission categories of the admissionregistration kinds. */
const API_EXTENSIONS = 'admissionregistration.k8s.io';

/** The CRD kind keeps its own path (crd-lifecycle.ts); everything else here is generic. */
const SERVED_ELSEWHERE = new Set(['apiextensions.k8s.io/customresourcedefinitions']);

const cache = new Map<string, BuiltinDocument[]>();

/** Where Kubernetes' documents are: `<schemas>/kubernetes` (`SWITCHYARD_SCHEMAS_DIR` or `../shared/schemas`). */
export function builtinDocumentsDir(): string {
  return join(upstreamSchemasDir(), KUBERNETES_SCHEMAS_DIR);
}

/** Every document in `dir`, read once per process. */
export function loadBuiltinDocuments(dir = builtinDocumentsDir()): BuiltinDocument[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  if (!existsSync(dir)) {
    throw new Error(
      `Kubernetes' OpenAPI documents for the built-in kinds are not at ${dir} (set SWITCHYARD_SCHEMAS_DIR)`,
    );
  }
  const documents: BuiltinDocument[] = [];
  for (const fileName of readdirSync(dir).sort()) {
    const groupVersion = documentGroupVersion(fileName);
    if (!groupVersion) continue;
    const file = join(dir, fileName);
    const text = readFileSync(file, 'utf8');
    const document: unknown = JSON.parse(text);
    const components =
      isPlainObject(document) && isPlainObject(document.components) ? document.components : {};
    const schemas = isPlainObject(components.schemas) ? components.schemas : undefined;
    if (!isPlainObject(document) || !schemas || !isPlainObject(document.paths))
      throw new Error(`${file}: not a Kubernetes OpenAPI v3 document (no paths or components.schemas)`);
    documents.push({ ...groupVersion, file, text, document, schemas: new KindSchemas(schemas, file) });
  }
  cache.set(dir, documents);
  return documents;
}

interface KindPaths {
  kind: string;
  plural: string;
  namespaced: boolean;
  actions: Set<string>;
  subresources: Set<string>;
}

const VERB_OF_ACTION: Record<string, string> = {
  list: 'list',
  post: 'create',
  deletecollection: 'deletecollection',
  get: 'get',
  put: 'update',
  patch: 'patch',
  delete: 'delete',
  watch: 'watch',
  watchlist: 'watch',
};

/**
 * The stored kinds of one document: those with a collection that lists and creates
 * (`/namespaces/{namespace}/<plural>` or `/<plural>`); create-only resources (Binding) and
 * read-only ones (ComponentStatus) are not stored.
 */
function kindPathsOf(document: BuiltinDocument): KindPaths[] {
  const prefix =
    document.group === '' ? `/api/${document.version}/` : `/apis/${document.group}/${document.version}/`;
  const byPlural = new Map<string, KindPaths>();
  for (const [path, item] of Object.entries(document.document.paths as Record<string, unknown>)) {
    if (!path.startsWith(prefix) || !isPlainObject(item)) continue;
    let rest = path.slice(prefix.length).split('/');
    if (rest[0] === 'watch') rest = rest.slice(1);
    const namespaced = rest[0] === 'namespaces' && rest[1] === '{namespace}';
    if (namespaced) rest = rest.slice(2);
    const [plural, name, subresource, ...more] = rest;
    if (!plural || plural.includes('{') || more.length > 0 || (name !== undefined && name !== '{name}'))
      continue;
    for (const operation of Object.values(item)) {
      if (!isPlainObject(operation)) continue;
      const action = operation['x-kubernetes-action'];
      const gvk = operation['x-kubernetes-group-version-kind'];
      if (typeof action !== 'string' || !isPlainObject(gvk)) continue;
      const entry =
        byPlural.get(plural) ??
        ({ kind: '', plural, namespaced, actions: new Set(), subresources: new Set() } satisfies KindPaths);
      byPlural.set(plural, entry);
      if (namespaced) entry.namespaced = true;
      if (subresource !== undefined) entry.subresources.add(subresource);
      else {
        entry.actions.add(action);
        if (gvk.group === document.group && gvk.version === document.version) entry.kind = String(gvk.kind);
      }
    }
  }
  return [...byPlural.values()].filter(
    (entry) => entry.kind !== '' && entry.actions.has('list') && entry.actions.has('post'),
  );
}

/** The ResourceTypes of every stored built-in kind of the documents. */
export function builtinResourceTypes(documents = loadBuiltinDocuments()): ResourceType[] {
  const types: ResourceType[] = [];
  for (const document of documents) {
    for (const paths of kindPathsOf(document)) {
      const key = `${document.group}/${paths.plural}`;
      if (SERVED_ELSEWHERE.has(key)) continue;
      const component = componentOf(document, paths.kind);
      const names = NAMES[key] ?? {};
      const categories = document.group === API_EXTENSIONS ? ['api-extensions'] : (names.categories ?? []);
      let schema: KindSchema | undefined;
      const builtin: BuiltinKind = {
        document,
        component,
        scale: paths.subresources.has('scale'),
        generation: GENERATION.has(key),
        unconditionalUpdate: !CONDITIONAL_UPDATE_ONLY.has(key),
        get schema() {
          schema ??= document.schemas.component(component);
          return schema;
        },
      };
      types.push({
        group: document.group,
        version: document.version,
        kind: paths.kind,
        listKind: `${paths.kind}List`,
        plural: paths.plural,
        singular: paths.kind.toLowerCase(),
        shortNames: names.shortNames ?? [],
        categories,
        namespaced: paths.namespaced,
        statusSubresource: paths.subresources.has('status'),
        verbs: [...new Set([...paths.actions].map((action) => VERB_OF_ACTION[action] ?? action))].sort(),
        printerColumns: [],
        selectableFields: SELECTABLE_FIELDS[key] ?? [],
        storageVersion: document.version,
        builtin,
      });
    }
  }
  return types;
}

/** The component whose `x-kubernetes-group-version-kind` names exactly this kind. */
function componentOf(document: BuiltinDocument, kind: string): string {
  const schemas = (document.document.components as Record<string, unknown>).schemas as Record<
    string,
    unknown
  >;
  for (const [name, schema] of Object.entries(schemas)) {
    const declared = isPlainObject(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
    if (!Array.isArray(declared) || declared.length !== 1 || !isPlainObject(declared[0])) continue;
    const gvk = declared[0];
    if (gvk.group === document.group && gvk.version === document.version && gvk.kind === kind) return name;
  }
  throw new Error(
    `${document.file}: no component schema declares ${document.group}/${document.version} ${kind}`,
  );
}
