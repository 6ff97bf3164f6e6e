import { SchemaCatalog } from '../../src/schema/catalog.js';
import { isPlainObject } from '../../src/schema/openapi.js';
import { type BuiltinDocument, loadBuiltinDocuments } from './builtin-api.js';
import { builtinTypes } from './builtins.js';
import { compareKubeVersions, type PrinterColumn, type ResourceType, storageKey } from './resource-type.js';

/**
 * Every resource the server serves: the built-in kinds plus one entry per served version of each
 * established CRD. Discovery, OpenAPI and the REST handlers all read from here, so a CRD's kinds
 * appear and leave everywhere at once.
 */
export class TypeRegistry {
  private readonly types = new Map<string, ResourceType>();
  /** Validation schemas of custom resources, fed with each CRD as it is created or updated. */
  readonly catalog = new SchemaCatalog();
  private readonly listeners = new Set<() => void>();
  /** Kubernetes' OpenAPI documents the built-in kinds come from (served on /openapi too). */
  readonly documents: BuiltinDocument[] = loadBuiltinDocuments();

  constructor() {
    for (const type of builtinTypes()) this.types.set(typeKey(type.group, type.version, type.plural), type);
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.get(typeKey(group, version, plural));
  }

  all(): ResourceType[] {
    return [...this.types.values()];
  }

  /** Groups with their versions, preferred (highest priority) version first; core ('') excluded. */
  groups(): { name: string; versions: string[] }[] {
    const byGroup = new Map<string, Set<string>>();
    for (const type of this.types.values()) {
      if (type.group === '') continue;
      const versions = byGroup.get(type.group) ?? new Set<string>();
      versions.add(type.version);
      byGroup.set(type.group, versions);
    }
    return [...byGroup]
      .map(([name, versions]) => ({ name, versions: [...versions].sort(compareKubeVersions) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  typesIn(group: string, version: string): ResourceType[] {
    return this.all()
      .filter((type) => type.group === group && type.version === version)
      .sort((a, b) => (a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0));
  }

  /** Registers (or re-registers) the served versions of an established CRD. */
  putCrd(crd: Record<string, unknown>): void {
    const name = crdName(crd);
    this.removeTypesOf(name);
    const types = typesFromCrd(crd);
    for (const type of types) this.types.set(typeKey(type.group, type.version, type.plural), type);
    // The catalog re-reads the whole CRD, so its validation schemas change with the CRD.
    this.catalog.addDefinitions([crd], `crd/${name}`);
    this.attachSchemas(types);
    this.changed();
  }

  removeCrd(name: string): void {
    this.removeTypesOf(name);
    this.changed();
  }

  /** Store keys of the resources a CRD defines (its objects are deleted with it). */
  storageKeysOf(crd: Record<string, unknown>): string[] {
    return [...new Set(typesFromCrd(crd).map(storageKey))];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private attachSchemas(types: ResourceType[]): void {
    for (const type of types) {
      const found = this.catalog.lookup(`${type.group}/${type.version}`, type.kind);
      if (found.ok) type.schemaVersion = found.version;
    }
  }

  private removeTypesOf(name: string): void {
    for (const [key, type] of this.types) if (type.crdName === name) this.types.delete(key);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

function typeKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

export function crdName(crd: Record<string, unknown>): string {
  const metadata = isPlainObject(crd.metadata) ? crd.metadata : {};
  return String(metadata.name ?? '');
}

const CUSTOM_RESOURCE_VERBS = [
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'create',
  'update',
  'watch',
];

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** One ResourceType per served version of a CRD. */
export function typesFromCrd(crd: Record<string, unknown>): ResourceType[] {
  const spec = isPlainObject(crd.spec) ? crd.spec : {};
  const names = isPlainObject(spec.names) ? spec.names : {};
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isPlainObject) : [];
  const kind = String(names.kind ?? '');
  const storageVersion = String(versions.find((version) => version.storage === true)?.name ?? '');
  return versions
    .filter((version) => version.served === true)
    .map((version) => {
      const subresources = isPlainObject(version.subresources) ? version.subresources : {};
      const columns = Array.isArray(version.additionalPrinterColumns)
        ? (version.additionalPrinterColumns.filter(isPlainObject) as unknown as PrinterColumn[])
        : [];
      const selectable = Array.isArray(version.selectableFields)
        ? version.selectableFields.filter(isPlainObject)
        : [];
      return {
        group: String(spec.group ?? ''),
        version: String(version.name ?? ''),
        kind,
        listKind: String(names.listKind ?? `${kind}List`),
        plural: String(names.plural ?? ''),
        singular: String(names.singular ?? kind.toLowerCase()),
        shortNames: strings(names.shortNames),
        categories: strings(names.categories),
        namespaced: spec.scope !== 'Cluster',
        statusSubresource: isPlainObject(subresources.status),
        verbs: CUSTOM_RESOURCE_VERBS,
        printerColumns: columns,
        selectableFields: selectable.map((field) => String(field.jsonPath ?? '')),
        crdName: crdName(crd),
        storageVersion,
      };
    });
}
