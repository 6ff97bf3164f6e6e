/**
 * Crossplane objects as the estate really produces them: the packages we publish
 * (src/estate/packages.ts), the generated XRDs and Compositions (compositions/), example XRs as
 * applied and as `switchyard render` renders them (with and without observed composed resources),
 * and the managed resources it composes. Statuses come from the same code paths: the renderer's
 * Ready condition, and the provider stand-in the estate's status tests use (test/support/estate.ts
 * `observe`). What no code here produces is left to Argo CD's own real fixtures, which the tests
 * run too (a provider's failed update, a package's Installed/Healthy conditions).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { type KubeObject, RenderError, renderTree } from '../../../local/crossplane/render/index.js';
import { loadCompositionSet, schemaDefaulter } from '../../../src/cli/render.js';
import { estatePackages } from '../../../src/estate/packages.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { projectRoot } from '../../../src/schema/paths.js';
import { parseYamlDocuments } from '../../../src/schema/yaml-cache.js';
import { examplesDir, isManaged, observe, renderExample } from '../../support/estate.js';
import type { Capture } from './capture-controller.js';

const PLATFORM_EXAMPLE = join(examplesDir, 'trading-platform.yaml');
const NETWORK_EXAMPLE = join(examplesDir, 'network-us-east-1.yaml');

export function captureEstateObjects(): Capture[] {
  const catalog = SchemaCatalog.load();
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-health-capture-'));
  try {
    return [...packages(), ...definitions(), ...composites(catalog, dir), ...managed(catalog)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const asObject = (value: unknown) => structuredClone(value) as Record<string, unknown>;

/** One of each package kind as published: nothing has reconciled them yet, so no status. */
function packages(): Capture[] {
  const byKind = new Map(estatePackages().map((object) => [object.kind, object]));
  return [...byKind.values()].map((object) => ({
    name: `published-${object.kind.toLowerCase()}`,
    object: asObject(object),
  }));
}

/** The Network API's XRD and (first) Composition as `npm run generate` writes them. */
function definitions(): Capture[] {
  const folder = join(projectRoot(), 'compositions', 'networks');
  return ['definition.yaml', 'composition.yaml'].map((file) => {
    const path = join(folder, file);
    const object = asObject(parseYamlDocuments(path, readFileSync(path, 'utf8'))[0]);
    return { name: `generated-${String(object.kind).toLowerCase()}`, object };
  });
}

/** Writes observed composed resources (the provider stand-in's Ready/Synced) for a second render. */
function observedFile(dir: string, name: string, resources: KubeObject[]): string {
  const file = join(dir, `${name}.observed.yaml`);
  writeFileSync(
    file,
    observe(resources, (resourceName) => ({ id: `id-${resourceName}` }))
      .map((o) => `---\n${stringify(o)}`)
      .join(''),
  );
  return file;
}

/** The TradingPlatform XR: as applied, as first rendered, once its composed XRs are ready, and unrenderable. */
function composites(catalog: SchemaCatalog, dir: string): Capture[] {
  const applied = asObject(parseYaml(readFileSync(PLATFORM_EXAMPLE, 'utf8')));
  const first = renderExample(PLATFORM_EXAMPLE, { catalog });
  const ready = renderExample(PLATFORM_EXAMPLE, {
    catalog,
    observedFile: observedFile(dir, 'trading-platform', first.resources),
  });
  return [
    { name: 'as-applied', object: applied },
    { name: 'composing', object: asObject(first.xr) },
    { name: 'ready', object: asObject(ready.xr) },
    { name: 'ready-then-not-synced', object: notSynced(ready.xr, renderFailure(applied, catalog)) },
  ];
}

/**
 * A selector naming no Composition, a mistake the XRD cannot refuse: the renderer's error for it.
 * Crossplane core reports such a failed reconcile as Synced=False, reason ReconcileError, and keeps
 * the Ready condition of the last good render: the case Argo CD's built-in check got wrong (#25386).
 */
function renderFailure(applied: Record<string, unknown>, catalog: SchemaCatalog): string {
  const xr = structuredClone(applied) as unknown as KubeObject;
  xr.spec = { ...xr.spec, crossplane: { compositionSelector: { matchLabels: { variant: 'unknown' } } } };
  try {
    renderTree(xr, { compositions: loadCompositionSet(), applyDefaults: schemaDefaulter(catalog) });
  } catch (error) {
    if (error instanceof RenderError) return error.message;
    throw error;
  }
  throw new Error('an XR selecting no Composition rendered');
}

function notSynced(xr: KubeObject, message: string): Record<string, unknown> {
  const object = asObject(xr);
  const status = (object.status ?? {}) as { conditions?: Record<string, unknown>[] };
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const synced = {
    type: 'Synced',
    status: 'False',
    reason: 'ReconcileError',
    message,
    lastTransitionTime: ready?.lastTransitionTime,
  };
  object.status = { ...status, conditions: [...(status.conditions ?? []), synced] };
  return object;
}

/** The VPC the Network example composes: as Crossplane creates it, and as the provider reports it. */
function managed(catalog: SchemaCatalog): Capture[] {
  const first = renderExample(NETWORK_EXAMPLE, { catalog });
  const vpc = first.resources.find((resource) => isManaged(resource) && resource.kind === 'VPC');
  if (!vpc) throw new Error('the Network example composes no VPC');
  const [observedVpc] = observe([vpc], () => ({ id: 'vpc-0a1b2c3d4e5f67890' }));
  const created = asObject(vpc);
  // Crossplane creates the composed MR under the generated name the observed copy carries.
  created.metadata = { ...(observedVpc?.metadata ?? {}) };
  return [
    { name: 'created', object: created },
    { name: 'ready-and-synced', object: asObject(observedVpc) },
  ];
}
