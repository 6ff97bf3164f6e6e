/**
 * Renders an XR and, with `recursive`, every composed XR below it down to managed resources, as
 * Crossplane would over several reconciles. A composed XR has only a generateName until the
 * apiserver names it; to render its children we name it `<generateName><resource-name>`, a stand-in
 * that is stable across runs (real names carry a random suffix). Observed composed XRs (in
 * `observed`, by that name) keep their name and bring their status, as a later reconcile sees them.
 */

import type { CompositionSet } from './compositions.js';
import type { KubeObject } from './objects.js';
import { RESOURCE_NAME_ANNOTATION } from './objects.js';
import { observedFor } from './observed.js';
import { renderComposite } from './render.js';

export interface RecursiveRenderOptions {
  compositions: CompositionSet;
  /** Applies the XRD's schema defaults to an XR, as the apiserver does on create. */
  applyDefaults: (xr: KubeObject) => KubeObject;
  observed?: KubeObject[];
  recursive?: boolean;
}

export interface RenderedTree {
  /** Each rendered XR's desired status (root first). */
  composites: KubeObject[];
  /** Everything composed, XRs and MRs, in render order. */
  resources: KubeObject[];
  warnings: string[];
}

export function renderTree(root: KubeObject, options: RecursiveRenderOptions): RenderedTree {
  const tree: RenderedTree = { composites: [], resources: [], warnings: [] };
  const visit = (xr: KubeObject, isRoot: boolean) => {
    const defaulted = options.applyDefaults(xr);
    const output = renderComposite({
      xr: defaulted,
      composition: options.compositions.select(defaulted),
      observed: observedFor(options.observed ?? [], xr.metadata.name ?? '', isRoot),
    });
    tree.composites.push(output.xr);
    tree.warnings.push(...output.warnings);
    for (const resource of output.composed) {
      tree.resources.push(resource);
      if (!options.recursive || !options.compositions.isComposite(resource)) continue;
      const child = structuredClone(resource);
      if (!child.metadata.name) {
        child.metadata.name = `${child.metadata.generateName ?? ''}${child.metadata.annotations?.[RESOURCE_NAME_ANNOTATION] ?? ''}`;
      }
      // An observed composed XR brings its status: what its own reconcile reads (FromCompositeFieldPath).
      const status = observedStatus(options.observed ?? [], child);
      if (status) child.status = status;
      visit(child, false);
    }
  };
  visit(root, true);
  return tree;
}

function observedStatus(observed: KubeObject[], xr: KubeObject): KubeObject['status'] {
  const match = observed.find(
    (object) =>
      object.apiVersion === xr.apiVersion &&
      object.kind === xr.kind &&
      object.metadata.name === xr.metadata.name,
  );
  return match?.status && structuredClone(match.status);
}
