/**
 * Renders one XR through a Pipeline Composition of function-patch-and-transform (+ auto-ready),
 * the way `crossplane render` does with the real functions (v0.10.x / v0.7.0): desired composed
 * resources with Crossplane's composed metadata, the XR's patched status and its Ready condition.
 * Pure: no files, no cluster. Only the patch/transform types the estate emits are implemented.
 */
import type {
  Composition,
  DirectPatch,
  Patch,
  PatchSet,
  ResourcesInput,
} from '../../../src/estate/patch-and-transform/types.js';
import { FieldNotFoundError, getValue, setValue } from './field-path.js';
import { COMPOSITE_LABEL, type KubeObject, RESOURCE_NAME_ANNOTATION } from './objects.js';
import { isComposedReady } from './readiness.js';
import { applyTransforms } from './transforms.js';

export interface RenderInput {
  /** The XR with its XRD's defaults applied (the apiserver does that before Crossplane sees it). */
  xr: KubeObject;
  composition: Composition;
  /** Observed composed resources of this XR, matched by composition-resource-name annotation. */
  observed?: KubeObject[];
}

export interface RenderOutput {
  /** apiVersion/kind/name/namespace and the status the pipeline wants (patched fields + Ready). */
  xr: KubeObject;
  /** Sorted by composition-resource-name, as crank prints them. */
  composed: KubeObject[];
  /** P&T warnings (for example a resource held back by a Required patch). */
  warnings: string[];
}

/** A fatal result: crank exits non-zero with the same kind of message. */
export class RenderError extends Error {
  override name = 'RenderError';
}

/** crank stamps every condition with this time so renders are reproducible. */
export const RENDER_CONDITION_TIME = '2024-01-01T00:00:00Z';

export function renderComposite({ xr, composition, observed = [] }: RenderInput): RenderOutput {
  const input = patchAndTransformInput(composition);
  const templates = resolvePatchSets(input);
  const observedByName = new Map<string, KubeObject>();
  for (const object of observed) {
    const name = object.metadata.annotations?.[RESOURCE_NAME_ANNOTATION];
    if (name) observedByName.set(name, object);
  }

  const desiredXr: KubeObject = {
    apiVersion: xr.apiVersion,
    kind: xr.kind,
    metadata: {
      name: xr.metadata.name,
      ...(xr.metadata.namespace ? { namespace: xr.metadata.namespace } : {}),
    },
  };
  const warnings: string[] = [];
  const composed: { name: string; object: KubeObject; ready: boolean }[] = [];
  let skipped = 0;

  for (const template of templates) {
    const desired = structuredClone(template.base) as KubeObject;
    desired.metadata ??= {};
    const existing = observedByName.get(template.name);
    if (existing) {
      if (existing.metadata.namespace) desired.metadata.namespace = existing.metadata.namespace;
      if (existing.metadata.name) desired.metadata.name = existing.metadata.name;
    }
    let skip = false;
    for (const [index, patch] of template.patches.entries()) {
      try {
        applyPatch(patch, { xr, desiredXr, desired, observed: existing });
      } catch (error) {
        if (!(error instanceof FieldNotFoundError)) {
          const message = error instanceof Error ? error.message : String(error);
          throw new RenderError(
            `cannot render composed resource "${template.name}" "${patch.type}" patch at index ${index}: ${message}`,
          );
        }
        if (
          patch.policy?.fromFieldPath === 'Required' &&
          patch.type !== 'ToCompositeFieldPath' &&
          !existing
        ) {
          warnings.push(
            `not adding new composed resource "${template.name}" to desired state because "${patch.type}" patch at index ${index} has 'policy.fromFieldPath: Required'`,
          );
          skip = true;
          break;
        }
      }
    }
    if (skip) {
      skipped++;
      continue;
    }
    const ready = isComposedReady(existing, template.readinessChecks);
    composed.push({
      name: template.name,
      object: withComposedMetadata(desired, xr, template.name, existing),
      ready,
    });
  }

  composed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const unready = composed.filter((entry) => !entry.ready).map((entry) => entry.name);
  desiredXr.status = { ...desiredXr.status, conditions: [readyCondition(skipped > 0, unready)] };
  return { xr: desiredXr, composed: composed.map((entry) => entry.object), warnings };
}

function patchAndTransformInput(composition: Composition): ResourcesInput {
  const step = composition.spec.pipeline.find((candidate) => candidate.input?.kind === 'Resources');
  if (!step?.input) throw new RenderError(`${composition.metadata.name}: no patch-and-transform step`);
  return step.input;
}

interface ResolvedTemplate {
  name: string;
  base: ResourcesInput['resources'][number]['base'];
  patches: DirectPatch[];
  readinessChecks: ResourcesInput['resources'][number]['readinessChecks'];
}

/** PatchSet references replaced by the set's patches, in place (P&T ComposedTemplates). */
function resolvePatchSets(input: ResourcesInput): ResolvedTemplate[] {
  const sets = new Map<string, PatchSet>((input.patchSets ?? []).map((set) => [set.name, set]));
  return input.resources.map((resource) => ({
    name: resource.name,
    base: resource.base,
    readinessChecks: resource.readinessChecks,
    patches: (resource.patches ?? []).flatMap((patch: Patch): DirectPatch[] => {
      if (patch.type !== 'PatchSet') return [patch];
      const set = sets.get(patch.patchSetName);
      if (!set) throw new RenderError(`cannot resolve PatchSets: undefined PatchSet ${patch.patchSetName}`);
      return set.patches;
    }),
  }));
}

interface PatchTargets {
  xr: KubeObject;
  desiredXr: KubeObject;
  desired: KubeObject;
  observed: KubeObject | undefined;
}

function applyPatch(patch: DirectPatch, { xr, desiredXr, desired, observed }: PatchTargets): void {
  switch (patch.type) {
    case 'FromCompositeFieldPath': {
      const value = applyTransforms(patch.transforms, getValue(xr, patch.fromFieldPath));
      setValue(desired, patch.toFieldPath, structuredClone(value));
      return;
    }
    case 'CombineFromComposite': {
      const values = patch.combine.variables.map((variable) => getValue(xr, variable.fromFieldPath));
      const combined = formatAll(patch.combine.string.fmt, values);
      setValue(desired, patch.toFieldPath, applyTransforms(patch.transforms, combined));
      return;
    }
    case 'ToCompositeFieldPath': {
      // Patches from a composed resource wait until it has been observed.
      if (!observed) return;
      const value = applyTransforms(patch.transforms, getValue(observed, patch.fromFieldPath));
      setValue(desiredXr, patch.toFieldPath, structuredClone(value));
      return;
    }
  }
}

/** Go Sprintf with one %s (or %d, %v) per value, as P&T's string combine strategy uses it. */
function formatAll(fmt: string, values: unknown[]): string {
  let index = 0;
  return fmt.replace(/%[sdv%]/g, (verb) => (verb === '%%' ? '%' : String(values[index++])));
}

/** What Crossplane (and crank) add to every composed resource. */
function withComposedMetadata(
  desired: KubeObject,
  xr: KubeObject,
  resourceName: string,
  observed: KubeObject | undefined,
): KubeObject {
  const metadata = desired.metadata;
  if (observed?.metadata.generateName) metadata.generateName = observed.metadata.generateName;
  const prefix = xr.metadata.labels?.[COMPOSITE_LABEL] ?? xr.metadata.name ?? '';
  if (!metadata.name && !metadata.generateName) metadata.generateName = `${prefix}-`;
  if (xr.metadata.namespace) metadata.namespace = xr.metadata.namespace;
  metadata.annotations = { ...metadata.annotations, [RESOURCE_NAME_ANNOTATION]: resourceName };
  metadata.labels = { ...metadata.labels, [COMPOSITE_LABEL]: prefix };
  metadata.ownerReferences = [
    {
      apiVersion: xr.apiVersion,
      kind: xr.kind,
      name: xr.metadata.name ?? '',
      uid: xr.metadata.uid ?? '',
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  return desired;
}

function readyCondition(heldBack: boolean, unready: string[]): Record<string, string> {
  const base = { type: 'Ready', lastTransitionTime: RENDER_CONDITION_TIME };
  if (heldBack) return { ...base, status: 'False', reason: 'Creating' };
  if (unready.length === 0) return { ...base, status: 'True', reason: 'Available' };
  return {
    ...base,
    status: 'False',
    reason: 'Creating',
    message: `Unready resources: ${firstNAndSomeMore(unready)}`,
  };
}

/** crossplane-runtime StableNAndSomeMore(3, names); names arrive sorted. */
function firstNAndSomeMore(names: string[], n = 3): string {
  if (names.length > n) return `${names.slice(0, n).join(', ')}, and ${names.length - n} more`;
  if (names.length === n) return `${names.slice(0, n - 1).join(', ')}, and ${names[n - 1]}`;
  return names.join(', ');
}
