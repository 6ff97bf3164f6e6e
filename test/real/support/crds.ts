import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { waitFor } from '../../support/wait.js';
import { collectionPath, type KubeApiserver } from './kube-apiserver.js';

export interface CrdDocument {
  metadata: { name: string };
  spec: {
    group: string;
    names: { plural: string; kind: string };
    scope: string;
    versions: { name: string; served: boolean; storage: boolean }[];
  };
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

/** Every CustomResourceDefinition in the YAML files of a directory (not recursive). */
export function readCrds(dir: string): { file: string; crd: CrdDocument }[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .flatMap((name) => readCrdFile(join(dir, name)).map((crd) => ({ file: join(dir, name), crd })));
}

/** The CustomResourceDefinitions of one YAML file. */
export function readCrdFile(file: string): CrdDocument[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document): unknown => document.toJS({ maxAliasCount: -1 }))
    .filter(isCrd);
}

function isCrd(value: unknown): value is CrdDocument {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { kind?: unknown }).kind === 'CustomResourceDefinition'
  );
}

const crdCollection = collectionPath('apiextensions.k8s.io', 'v1', 'customresourcedefinitions');

/** Whatever sends requests to the server as someone allowed to manage CRDs. */
export type ApiClient = Pick<KubeApiserver, 'request'>;

/** Creates a CRD; returns the server's answer (201 when accepted). */
export function createCrd(server: ApiClient, crd: CrdDocument) {
  return server.request('POST', crdCollection, crd);
}

/**
 * Waits until the CRD is Established (its REST endpoints are served) and NamesAccepted, and
 * returns the final conditions. Throws with the conditions if that does not happen in time.
 */
export async function waitEstablished(server: ApiClient, name: string, timeoutMs = 30_000) {
  let conditions: NonNullable<CrdDocument['status']>['conditions'] = [];
  return waitFor(
    async () => {
      const response = await server.request('GET', `${crdCollection}/${name}`);
      conditions = (response.body as CrdDocument).status?.conditions ?? [];
      return conditions.some((c) => c.type === 'Established' && c.status === 'True') && conditions;
    },
    () => `CRD ${name} Established (conditions: ${JSON.stringify(conditions)})`,
    { timeoutMs, intervalMs: 100 },
  );
}

/**
 * Installs CRDs and waits for all to be Established; afterwards also waits until discovery
 * lists every group-version, because kubectl and OpenAPI lag Established by a moment.
 */
export async function installCrds(server: ApiClient, crds: CrdDocument[]): Promise<void> {
  for (const crd of crds) {
    const response = await createCrd(server, crd);
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(
        `CRD ${crd.metadata.name} refused (${response.status}): ${JSON.stringify(response.body)}`,
      );
    }
  }
  for (const crd of crds) await waitEstablished(server, crd.metadata.name);
}

export interface CelRule {
  rule: string;
  message?: string;
  fieldPath?: string;
}

/**
 * Every CEL rule (`x-kubernetes-validations`) in the schema of a kind's CRD in `dir`, so tests can
 * expect the server's message without copying its wording.
 */
export function celRulesOf(dir: string, kind: string): CelRule[] {
  const found = readCrds(dir).find(({ crd }) => crd.spec.names.kind === kind);
  if (!found) throw new Error(`no CRD of kind ${kind} in ${dir}`);
  const rules: CelRule[] = [];
  const visit = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const validations = (node as Record<string, unknown>)['x-kubernetes-validations'];
    if (Array.isArray(validations)) rules.push(...(validations as CelRule[]));
    for (const value of Object.values(node)) visit(value);
  };
  visit(found.crd.spec);
  return rules;
}
