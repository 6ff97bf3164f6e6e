/** Helpers for estate render tests: render example XRs, and make observed resources from them. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KubeObject } from '../../local/crossplane/render/index.js';
import { RESOURCE_NAME_ANNOTATION } from '../../local/crossplane/render/objects.js';
import { renderFiles } from '../../src/cli/render.js';
import type { SchemaCatalog } from '../../src/schema/catalog.js';
import { projectRoot } from '../../src/schema/paths.js';

export const examplesDir = join(projectRoot(), 'examples', 'estate');

export function exampleFiles(): string[] {
  return readdirSync(examplesDir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(examplesDir, name));
}

export interface Rendered {
  xr: KubeObject;
  resources: KubeObject[];
  warnings: string[];
}

export function renderExample(
  file: string,
  options: { catalog: SchemaCatalog; recursive?: boolean; observedFile?: string },
): Rendered {
  const { documents, warnings } = renderFiles({ xrFile: file, ...options });
  const [xr, ...resources] = documents;
  if (!xr) throw new Error(`${file}: nothing rendered`);
  return { xr, resources, warnings };
}

/** An example XR as an object, to change before rendering it with {@link renderXr}. */
export const exampleXr = (name: string): KubeObject =>
  parse(readFileSync(join(examplesDir, name), 'utf8')) as KubeObject;

/** Renders an XR given as an object (written to a temporary file, as the CLI reads XRs from files). */
export function renderXr(
  xr: KubeObject,
  options: { catalog: SchemaCatalog; recursive?: boolean; observed?: KubeObject[] },
): Rendered {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-estate-xr-'));
  try {
    const file = join(dir, 'xr.yaml');
    writeFileSync(file, JSON.stringify(xr));
    const observedFile = options.observed ? join(dir, 'observed.yaml') : undefined;
    if (observedFile)
      writeFileSync(observedFile, options.observed?.map((o) => `---\n${JSON.stringify(o)}\n`).join('') ?? '');
    return renderExample(file, {
      catalog: options.catalog,
      ...(options.recursive ? { recursive: true } : {}),
      ...(observedFile ? { observedFile } : {}),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const resourceName = (object: KubeObject) =>
  object.metadata.annotations?.[RESOURCE_NAME_ANNOTATION] ?? '';

export function byResourceName(resources: KubeObject[], name: string): KubeObject {
  const found = resources.find((resource) => resourceName(resource) === name);
  if (!found)
    throw new Error(`no composed resource ${name} (have ${resources.map(resourceName).join(', ')})`);
  return found;
}

export const isManaged = (object: KubeObject) => object.apiVersion.includes('.aws.m.upbound.io/');

/**
 * The composed resources as a provider would report them after creating them: named, Ready and
 * Synced, with `atProvider` filled by `atProvider(resourceName, object)`.
 */
export function observe(
  resources: KubeObject[],
  atProvider: (name: string, object: KubeObject) => Record<string, unknown>,
): KubeObject[] {
  return resources.map((resource) => {
    const name = resourceName(resource);
    const observed = structuredClone(resource);
    observed.metadata.name = `${observed.metadata.generateName ?? ''}${name}`;
    delete observed.metadata.generateName;
    const time = '2026-11-25T00:00:00Z';
    observed.status = {
      atProvider: { ...(observed.spec?.forProvider as object), ...atProvider(name, resource) },
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: time },
        { type: 'Synced', status: 'True', reason: 'ReconcileSuccess', lastTransitionTime: time },
      ],
    };
    return observed;
  });
}

/** `spec.forProvider.region` of an MR (undefined for global kinds). */
export const regionOf = (object: KubeObject): string | undefined =>
  (object.spec?.forProvider as { region?: string } | undefined)?.region;

/** `spec.forProvider` of an MR, typed by the caller (`{}` when it has none). */
export const forProviderOf = <T = Record<string, unknown>>(object: KubeObject): T =>
  (object.spec?.forProvider ?? {}) as T;
