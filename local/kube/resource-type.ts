import { createHash } from 'node:crypto';
import type { OpenApiSchema, SchemaVersion } from '../../src/schema/openapi.js';
import type { BuiltinKind } from './builtin-api.js';

/** One `additionalPrinterColumns` entry of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** One served group/version/resource: what discovery lists and what the REST handlers act on. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  /** The `/status` subresource exists: status is ignored on main writes and spec on status writes. */
  statusSubresource: boolean;
  /** Discovery verbs, in the order the apiserver lists them for this kind of resource. */
  verbs: string[];
  /** Custom resources only: the CRD version's schema, validated and published in OpenAPI. */
  schemaVersion?: SchemaVersion;
  printerColumns: PrinterColumn[];
  /** Extra field selectors (CRD `selectableFields`), as JSON paths like `.spec.type`. */
  selectableFields: string[];
  /** Name of the CRD that defines it; undefined for built-in kinds. */
  crdName?: string;
  /** The CRD's storage version: objects are stored once per resource, in any served version. */
  storageVersion: string;
  /** Built-in kinds served from Kubernetes' OpenAPI documents (builtin-api.ts). */
  builtin?: BuiltinKind;
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** Where objects of a resource live in the store, shared by every version of the resource. */
export function storageKey(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${type.group}/${type.plural}`;
}

/** The schema of a custom resource type or of a built-in kind served from its OpenAPI document. */
export function schemaOf(type: ResourceType): OpenApiSchema | undefined {
  return type.schemaVersion?.schema ?? type.builtin?.schema;
}

/**
 * discovery.StorageVersionHash: the first 8 bytes of sha256("group/version/kind"), base64. The
 * apiserver publishes it for custom resources so clients can detect storage migrations.
 */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256')
    .update(`${group}/${version}/${kind}`)
    .digest()
    .subarray(0, 8)
    .toString('base64');
}

/**
 * Kubernetes version priority (v1 > v1beta2 > v1beta1 > v1alpha1 > anything else, newer major
 * first), used to choose a group's preferred version as the apiserver does.
 */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const match = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!match) return [0, 0, 0, v];
    const stability = match[2] === undefined ? 3 : match[2] === 'beta' ? 2 : 1;
    return [stability === 3 ? 3 : stability, Number(match[1]), Number(match[3] ?? 0), v];
  };
  const [sa, ma, na, ta] = rank(a);
  const [sb, mb, nb, tb] = rank(b);
  // GA before beta before alpha; within one stability, higher major then higher minor first.
  if (sa !== sb) return sb - sa;
  if (ma !== mb) return mb - ma;
  if (na !== nb) return nb - na;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}
