import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtinSchemaVersions, documentGroupVersion, KUBERNETES_SCHEMAS_DIR } from './builtin-kinds.js';
import {
  type FetchedCrd,
  fetchedCrds,
  fetchedCrdsDir,
  kindPlural,
  notFetchedReason,
} from './fetched-crds.js';
import { isPlainObject, type OpenApiSchema, type SchemaVersion } from './openapi.js';
import { projectRoot, schemaCacheDir, upstreamSchemasDir } from './paths.js';
import { compositeSchemaVersions, isCompositeResourceDefinition } from './xrd.js';
import { parseYamlDocuments, readYamlDocumentsCached } from './yaml-cache.js';

/**
 * Every kind Switchyard can validate, indexed by group/version/kind: the upstream CRDs (Crossplane,
 * provider-aws, Argo CD), those `npm run real:setup` fetched because the stored ones lack them
 * (fetched-crds.ts), Kubernetes' built-in kinds (its own OpenAPI v3 documents, `kubernetes/`),
 * the project's generated CRDs and the CRDs Crossplane derives from the project's XRDs.
 *
 * Upstream files are indexed from their first lines only (group, kind, scope come before
 * `versions:` in every controller-gen CRD) and parsed in full the first time one of their kinds is
 * looked up, because parsing all 10 MB takes seconds and a typical run needs a handful of kinds.
 * Kubernetes' documents are indexed by group from their file names and read when a kind of that
 * group is first looked up.
 */

export interface CatalogOptions {
  /** Project root; defaults to the one this module lives in. */
  root?: string;
  /** Upstream CRDs and Kubernetes' documents; defaults to SWITCHYARD_SCHEMAS_DIR or `<root>/../shared/schemas`. */
  schemasDir?: string;
  /** JSON cache for parsed upstream files; `false` disables it. */
  cacheDir?: string | false;
  /** Where the fetched upstream CRDs are (default .cache/real/crds); `false` leaves them out. */
  fetchedCrdsDir?: string | false;
}

export type LookupResult = { ok: true; version: SchemaVersion } | { ok: false; reason: string };

/** A file that defines one group/kind, loaded on first use. */
interface KindSource {
  group: string;
  kind: string;
  file: string;
  load(): SchemaVersion[];
}

export class SchemaCatalog {
  private readonly sources = new Map<string, KindSource>();
  private readonly loaded = new Map<string, SchemaVersion[]>();
  /** Readers of Kubernetes' documents by group, until the group is first looked up. */
  private readonly builtinGroups = new Map<string, (() => SchemaVersion[])[]>();
  /** Where Kubernetes' documents were looked for when they were not there, for messages. */
  private missingBuiltinsDir: string | undefined;
  /** Listed upstream CRDs that are not on this machine: named in lookup failures. */
  private missingFetched: FetchedCrd[] = [];

  static load(options: CatalogOptions = {}): SchemaCatalog {
    const root = options.root ?? projectRoot();
    const schemasDir = options.schemasDir ?? upstreamSchemasDir(root);
    const cacheDir = options.cacheDir === false ? undefined : (options.cacheDir ?? schemaCacheDir(root));
    if (!existsSync(schemasDir)) {
      throw new Error(`upstream schemas not found at ${schemasDir} (set SWITCHYARD_SCHEMAS_DIR)`);
    }
    const catalog = new SchemaCatalog();
    for (const file of yamlFilesUnder(schemasDir)) catalog.indexUpstreamFile(file, schemasDir, cacheDir);
    catalog.indexBuiltinDocuments(join(schemasDir, KUBERNETES_SCHEMAS_DIR), schemasDir);
    if (options.fetchedCrdsDir !== false) {
      const fetched = fetchedCrds(options.fetchedCrdsDir ?? fetchedCrdsDir(root));
      for (const crd of fetched.filter((candidate) => candidate.present))
        catalog.indexUpstreamFile(crd.file, root, cacheDir, relative(root, crd.file));
      catalog.missingFetched = fetched.filter((candidate) => !candidate.present);
    }
    // Project definitions come last so a regenerated CRD replaces a stale upstream copy of itself.
    const crdDir = join(root, 'charts', 'switchyard', 'crds');
    for (const file of existsSync(crdDir) ? yamlFilesUnder(crdDir, false) : [])
      catalog.indexProjectFile(file, root);
    const compositionsDir = join(root, 'compositions');
    const definitions = existsSync(compositionsDir)
      ? yamlFilesUnder(compositionsDir).filter((file) => /[/\\]definition\.ya?ml$/.test(file))
      : [];
    for (const file of definitions) catalog.indexProjectFile(file, root);
    return catalog;
  }

  /** Finds the schema for `apiVersion` + `kind`, or says precisely why there is none. */
  lookup(apiVersion: string, kind: string): LookupResult {
    const slash = apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : apiVersion.slice(0, slash);
    const versionName = apiVersion.slice(slash + 1);
    const versions = this.versionsOf(group, kind);
    if (!versions) {
      const kindsInGroup = [...this.sources.values()].filter((source) => source.group === group);
      const notFetched = this.missingFetched
        .filter((crd) => crd.group === group && crd.plural === kindPlural(kind))
        .map((crd) => `; ${notFetchedReason(crd)}`)
        .join('');
      if (kindsInGroup.length === 0) {
        const hint =
          this.missingBuiltinsDir && looksBuiltin(group)
            ? ` (Kubernetes' OpenAPI documents for built-in kinds are not at ${this.missingBuiltinsDir})`
            : '';
        return {
          ok: false,
          reason: `unknown apiVersion "${apiVersion}": no schema for group "${group || 'core'}"${hint}${notFetched}`,
        };
      }
      const known = kindsInGroup.map((source) => source.kind).sort();
      return {
        ok: false,
        reason: `no schema for kind "${kind}" in group "${group}" (known: ${known.join(', ')})${notFetched}`,
      };
    }
    const version = versions.find((candidate) => candidate.version === versionName);
    const served = versions.filter((candidate) => candidate.served).map((candidate) => candidate.version);
    if (!version) {
      return {
        ok: false,
        reason: `unknown apiVersion "${apiVersion}" for kind ${kind} (served: ${served.join(', ') || 'none'})`,
      };
    }
    if (!version.served) {
      return {
        ok: false,
        reason: `apiVersion "${apiVersion}" of ${kind} is not served (served: ${served.join(', ')})`,
      };
    }
    return { ok: true, version };
  }

  /**
   * Adds (or replaces) the kinds defined by CRD/XRD documents that did not come from a file, e.g. a
   * CRD created at runtime in the local Kubernetes API (`local/kube`).
   */
  addDefinitions(documents: unknown[], source: string): void {
    this.indexDocuments(documents, source);
  }

  /** Every version of every kind; loads all files (the bench and compile-all use this). */
  allVersions(): SchemaVersion[] {
    this.loadAllBuiltinGroups();
    return [...this.sources.values()].flatMap((source) => this.versionsOf(source.group, source.kind) ?? []);
  }

  /**
   * group/kind pairs known, without parsing CRD files; Kubernetes' documents are read (their kinds
   * are known only from their paths).
   */
  kinds(): { group: string; kind: string; file: string }[] {
    this.loadAllBuiltinGroups();
    return [...this.sources.values()].map(({ group, kind, file }) => ({ group, kind, file }));
  }

  private versionsOf(group: string, kind: string): SchemaVersion[] | undefined {
    const key = `${group}/${kind}`;
    const cached = this.loaded.get(key);
    if (cached) return cached;
    if (!this.sources.has(key)) this.loadBuiltinGroup(group);
    const source = this.sources.get(key);
    if (!source) return undefined;
    const versions = source.load().filter((version) => version.group === group && version.kind === kind);
    this.loaded.set(key, versions);
    return versions;
  }

  /** Kubernetes' documents in `dir`, one reader per group-version, registered under their group. */
  private indexBuiltinDocuments(dir: string, schemasDir: string): void {
    if (!existsSync(dir)) {
      this.missingBuiltinsDir = dir;
      return;
    }
    for (const fileName of readdirSync(dir).sort()) {
      const groupVersion = documentGroupVersion(fileName);
      if (!groupVersion) continue;
      const file = join(dir, fileName);
      const label = relative(join(schemasDir, '..'), file);
      const read = () => builtinSchemaVersions(readJson(file, label), label);
      this.builtinGroups.set(groupVersion.group, [
        ...(this.builtinGroups.get(groupVersion.group) ?? []),
        read,
      ]);
    }
  }

  /** Reads a group's documents once; a kind already defined (a CRD added at runtime) keeps its definition. */
  private loadBuiltinGroup(group: string): void {
    const readers = this.builtinGroups.get(group);
    if (!readers) return;
    this.builtinGroups.delete(group);
    for (const read of readers) {
      const versions = read();
      this.registerVersions(versions, versions[0]?.source ?? group, true);
    }
  }

  private loadAllBuiltinGroups(): void {
    for (const group of [...this.builtinGroups.keys()]) this.loadBuiltinGroup(group);
  }

  private register(source: KindSource): void {
    const key = `${source.group}/${source.kind}`;
    this.sources.set(key, source);
    this.loaded.delete(key);
  }

  private indexUpstreamFile(
    file: string,
    schemasDir: string,
    cacheDir: string | undefined,
    label = relative(join(schemasDir, '..'), file),
  ): void {
    const header = crdHeader(readHead(file));
    if (header) {
      const load = () => definitionVersions(readYamlDocumentsCached(file, cacheDir), label);
      this.register({ ...header, file: label, load });
      return;
    }
    // Not a plain single CRD: read it whole now (these files are rare and small).
    this.indexDocuments(parseYamlDocuments(label, readFileSync(file, 'utf8')), label);
  }

  private indexProjectFile(file: string, root: string): void {
    const label = relative(root, file);
    this.indexDocuments(parseYamlDocuments(label, readFileSync(file, 'utf8')), label);
  }

  private indexDocuments(documents: unknown[], label: string): void {
    this.registerVersions(definitionVersions(documents, label), label);
  }

  private registerVersions(versions: SchemaVersion[], label: string, keepExisting = false): void {
    const byKind = new Map<string, SchemaVersion[]>();
    for (const version of versions) {
      const key = `${version.group}/${version.kind}`;
      byKind.set(key, [...(byKind.get(key) ?? []), version]);
    }
    for (const [key, kindVersions] of byKind) {
      const [first] = kindVersions;
      if (!first || (keepExisting && this.sources.has(key))) continue;
      this.register({ group: first.group, kind: first.kind, file: label, load: () => kindVersions });
      this.loaded.set(key, kindVersions);
    }
  }
}

/** Kubernetes' own groups: the core group, groups without a dot (apps, batch) and *.k8s.io. */
function looksBuiltin(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}

function readJson(file: string, label: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${label}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The first bytes of a file: enough for a CRD's group, names and scope. */
function readHead(file: string): string {
  const descriptor = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const length = readSync(descriptor, buffer, 0, HEAD_BYTES, 0);
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(descriptor);
  }
}

const HEAD_BYTES = 4096;

/**
 * group and kind of a single-document CRD, from the text before `versions:`; undefined when the
 * file is not shaped like that (then it is parsed in full).
 */
function crdHeader(text: string): { group: string; kind: string } | undefined {
  // A regular expression, not a YAML parse: this runs for every upstream file on every start and
  // controller-gen writes these lines in one fixed layout. Anything else falls back to a full parse.
  if (
    !/^apiVersion: apiextensions\.k8s\.io\/v1\s*$/m.test(text) ||
    !/^kind: CustomResourceDefinition\s*$/m.test(text)
  ) {
    return undefined;
  }
  const end = text.indexOf('\n  versions:');
  if (end < 0) return undefined;
  const head = text.slice(0, end);
  const group = /^ {2}group: ['"]?([\w.-]+)['"]?\s*$/m.exec(head)?.[1];
  const kind = /^ {2}names:\n(?: {4}.*\n| {4}- .*\n)*? {4}kind: ['"]?(\w+)['"]?\s*$/m.exec(head)?.[1];
  return group && kind ? { group, kind } : undefined;
}

/** SchemaVersions from CRD and XRD documents; other documents are ignored. */
export function definitionVersions(documents: unknown[], source: string): SchemaVersion[] {
  const versions: SchemaVersion[] = [];
  for (const document of documents) {
    if (isCompositeResourceDefinition(document)) versions.push(...compositeSchemaVersions(document, source));
    else if (isCustomResourceDefinition(document)) versions.push(...crdVersions(document, source));
  }
  return versions;
}

function isCustomResourceDefinition(document: unknown): document is Record<string, unknown> {
  return (
    isPlainObject(document) &&
    document.kind === 'CustomResourceDefinition' &&
    document.apiVersion === 'apiextensions.k8s.io/v1'
  );
}

function crdVersions(crd: Record<string, unknown>, source: string): SchemaVersion[] {
  const spec = isPlainObject(crd.spec) ? crd.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
  return versions.map((version) => {
    const validation = isPlainObject(version.schema) ? version.schema : {};
    const schema = (
      isPlainObject(validation.openAPIV3Schema) ? validation.openAPIV3Schema : {}
    ) as OpenApiSchema;
    return {
      group: String(spec.group ?? ''),
      version: String(version.name ?? ''),
      kind: String(names.kind ?? ''),
      plural: String(names.plural ?? ''),
      scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
      served: version.served === true,
      deprecated: version.deprecated === true,
      ...(typeof version.deprecationWarning === 'string'
        ? { deprecationWarning: version.deprecationWarning }
        : {}),
      schema,
      source,
    };
  });
}

/** *.yaml / *.yml files below `dir`, sorted for stable output. */
export function yamlFilesUnder(dir: string, recursive = true): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && recursive) files.push(...yamlFilesUnder(path));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(path);
  }
  return files.sort();
}
