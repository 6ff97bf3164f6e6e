import { createHash } from 'node:crypto';
import type { BuiltinDocument } from './builtin-api.js';
import { openApiV2Parts, openApiV3Document } from './openapi.js';
import { encodeOpenApiV2 } from './openapi-protobuf.js';
import { V2_SECURITY, v2PathsAndDefinitions } from './openapi-v2.js';
import type { TypeRegistry } from './registry.js';
import { apiVersionOf, type ResourceType } from './resource-type.js';

/**
 * /openapi/v3 and /openapi/v2 of everything the server serves: the built-in kinds' group-versions
 * are Kubernetes' own documents (v1.36.3, served as read), custom resources' are generated from
 * their CRDs (openapi.ts); v2 holds both, in JSON or in gnostic's protobuf as the client asks.
 * Documents are built on first request and kept until a CRD changes what is served.
 */
export class OpenApiPublisher {
  private v2?: { json: Record<string, unknown>; protobuf?: Uint8Array };
  private readonly hashes = new Map<string, string>();
  private readonly builtinV2 = new Map<BuiltinDocument, ReturnType<typeof v2PathsAndDefinitions>>();

  constructor(private readonly registry: TypeRegistry) {
    registry.onChange(() => {
      this.v2 = undefined;
      this.hashes.clear();
    });
  }

  /** Custom resources' types, by group-version, that no built-in document describes. */
  private customGroupVersions(): Map<string, ResourceType[]> {
    const builtin = new Set(this.registry.documents.map((document) => apiVersionOf(document)));
    const byGroupVersion = new Map<string, ResourceType[]>();
    for (const type of this.registry.all()) {
      const key = apiVersionOf(type);
      if (type.builtin || builtin.has(key)) continue;
      byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), type]);
    }
    return byGroupVersion;
  }

  /** The document of one group-version (`group` '' is the core group), or undefined. */
  v3Document(group: string, version: string): Record<string, unknown> | undefined {
    const builtin = this.registry.documents.find(
      (document) => document.group === group && document.version === version,
    );
    if (builtin) return builtin.document;
    const types = this.customGroupVersions().get(apiVersionOf({ group, version }));
    return types ? openApiV3Document(types.sort((a, b) => (a.plural < b.plural ? -1 : 1))) : undefined;
  }

  /** The /openapi/v3 index: one entry per group-version, with a content hash for clients' caches. */
  v3Index(): Record<string, unknown> {
    const groupVersions = [
      ...this.registry.documents.map((document) => apiVersionOf(document)),
      ...this.customGroupVersions().keys(),
    ].sort();
    const paths: Record<string, unknown> = {};
    for (const groupVersion of groupVersions) {
      const [group, version] = groupVersion.includes('/') ? groupVersion.split('/') : ['', groupVersion];
      const key = group === '' ? `api/${version}` : `apis/${groupVersion}`;
      let hash = this.hashes.get(key);
      if (!hash) {
        const text = JSON.stringify(this.v3Document(group ?? '', version ?? ''));
        hash = createHash('sha512').update(text).digest('hex').toUpperCase();
        this.hashes.set(key, hash);
      }
      paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
    }
    return { paths };
  }

  v2Json(): Record<string, unknown> {
    if (this.v2) return this.v2.json;
    const paths: Record<string, unknown> = {};
    const definitions: Record<string, unknown> = {};
    const custom = openApiV2Parts([...this.customGroupVersions().values()].flat());
    Object.assign(paths, custom.paths);
    Object.assign(definitions, custom.definitions);
    for (const document of this.registry.documents) {
      let parts = this.builtinV2.get(document);
      if (!parts) {
        parts = v2PathsAndDefinitions(document.document);
        this.builtinV2.set(document, parts);
      }
      Object.assign(paths, parts.paths);
      // Kubernetes' own definitions (ObjectMeta…) replace the custom resources' short ones.
      Object.assign(definitions, parts.definitions);
    }
    const json = {
      swagger: '2.0',
      info: { title: 'Kubernetes', version: 'v1.32.4' },
      paths,
      definitions,
      ...V2_SECURITY,
    };
    this.v2 = { json };
    return json;
  }

  v2Protobuf(): Uint8Array {
    const json = this.v2Json();
    if (!this.v2?.protobuf) this.v2 = { json, protobuf: encodeOpenApiV2(json) };
    return this.v2.protobuf as Uint8Array;
  }
}
