/**
 * CustomResourceDefinitions as an installer puts them in a cluster: read from the upstream YAML
 * (../shared/schemas, never copied into the repo), created unless already there, and waited for
 * until the apiserver says Established (only then are their kinds served).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ApiResource, KubeClient, KubeObject } from '../../cluster/client.js';
import { isConflict } from '../../cluster/client.js';
import { hasCondition } from '../../cluster/conditions.js';

export const CRD_RESOURCE: ApiResource = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};
const CRDS_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** Upstream files do not change while we run; both regions' clusters install the same ones. */
const parsedFiles = new Map<string, KubeObject>();

/** The object in an upstream YAML file, parsed once per process (a copy each call: callers may edit it). */
export function readYamlObject(file: string): KubeObject {
  let object = parsedFiles.get(file);
  if (!object) {
    object = parse(readFileSync(file, 'utf8')) as KubeObject;
    parsedFiles.set(file, object);
  }
  return structuredClone(object);
}

/** Creates `crd` unless a CRD of that name exists, then waits (up to `timeoutMs`) for Established. */
export async function installCrd(client: KubeClient, crd: KubeObject, timeoutMs = 30_000): Promise<void> {
  const name = String(crd.metadata.name);
  try {
    await client.request('POST', CRDS_PATH, crd);
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const current = await client.get(`${CRDS_PATH}/${name}`);
    if (current && hasCondition(current, 'Established', 'True')) return;
    if (Date.now() > deadline) throw new Error(`CRD ${name} is not Established after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Installs CRDs concurrently (each waits for its own Established). */
export async function installCrds(client: KubeClient, crds: KubeObject[]): Promise<void> {
  await Promise.all(crds.map((crd) => installCrd(client, crd)));
}
