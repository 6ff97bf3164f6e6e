/**
 * A small stand-in for the managed-resource reconciler, for testing the local provider until the
 * real one exists: render the estate (recursive), then per MR observe → create → observe through
 * the provider, feed what was observed back into the next render (status.atProvider, Ready, the
 * external name; composed XRs with their rendered status) until a round changes nothing.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ManagedResource, Observation, ReferenceLookup } from '../../local/crossplane/provider.js';
import {
  EXTERNAL_NAME_ANNOTATION,
  type LocalAwsProvider,
} from '../../local/crossplane/provider-aws/index.js';
import { type KubeObject, renderTree } from '../../local/crossplane/render/index.js';
import { RESOURCE_NAME_ANNOTATION } from '../../local/crossplane/render/objects.js';
import { loadCompositionSet, schemaDefaulter } from '../../src/cli/render.js';
import { SchemaCatalog } from '../../src/schema/catalog.js';

const isManaged = (object: KubeObject) => /\.aws\.m\.upbound\.io\/v1beta1$/.test(object.apiVersion);
const controllerOf = (object: { metadata: { ownerReferences?: { name: string; controller?: boolean }[] } }) =>
  object.metadata.ownerReferences?.find((reference) => reference.controller)?.name;

/** A composed resource's stable name: what Crossplane would generate, made deterministic. */
const nameOf = (object: KubeObject) =>
  object.metadata.name ??
  `${controllerOf(object)}-${object.metadata.annotations?.[RESOURCE_NAME_ANNOTATION]}`;

export interface ProvisionResult {
  rounds: number;
  /** Every MR as last observed (name, external name, status). */
  managed: ManagedResource[];
  /** Last error per MR that did not become Ready (empty when all did). */
  errors: Map<string, string>;
  warnings: string[];
  /** The root XR's status from the last render. */
  rootStatus: Record<string, unknown>;
}

/** Resolves references among the MRs observed so far, as the reconciler would in one namespace. */
export function inMemoryLookup(observed: () => Iterable<ManagedResource>): ReferenceLookup {
  return async (target, from, reference) => {
    const candidates = [...observed()]
      .filter(
        (mr) =>
          mr.apiVersion === target.apiVersion &&
          mr.kind === target.kind &&
          mr.metadata.namespace === from.metadata.namespace,
      )
      .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    if (reference.name !== undefined) return candidates.find((mr) => mr.metadata.name === reference.name);
    return candidates.find(
      (mr) =>
        Object.entries(reference.matchLabels ?? {}).every(
          ([key, value]) => mr.metadata.labels?.[key] === value,
        ) &&
        (!reference.matchControllerRef || controllerOf(mr) === controllerOf(from)),
    );
  };
}

export async function provisionEstate(
  provider: LocalAwsProvider,
  xrFile: string,
  maxRounds = 30,
): Promise<ProvisionResult> {
  const root = parse(readFileSync(xrFile, 'utf8')) as KubeObject;
  const compositions = loadCompositionSet();
  const applyDefaults = schemaDefaulter(SchemaCatalog.load());
  const observedMrs = new Map<string, ManagedResource>();
  const observedXrs = new Map<string, KubeObject>();
  const errors = new Map<string, string>();
  const lookup = inMemoryLookup(() => observedMrs.values());
  let rootStatus: Record<string, unknown> = {};
  let warnings: string[] = [];

  for (let round = 1; round <= maxRounds; round++) {
    const tree = renderTree(
      { ...root, status: rootStatus },
      {
        compositions,
        applyDefaults,
        observed: [...observedXrs.values(), ...observedMrs.values()] as KubeObject[],
        recursive: true,
      },
    );
    warnings = tree.warnings;
    rootStatus = tree.composites[0]?.status ?? {};
    let changed = false;

    // Composed XRs come back with the status their own render wanted (what their reconcile writes).
    const composites = new Map(tree.composites.map((xr) => [xr.metadata.name, xr]));
    for (const resource of tree.resources.filter((r) => compositions.isComposite(r))) {
      const name = nameOf(resource);
      const status = composites.get(name)?.status;
      const next = {
        ...resource,
        metadata: { ...resource.metadata, name },
        status: { ...status, conditions: [{ type: 'Ready', status: 'True' }] },
      };
      if (JSON.stringify(observedXrs.get(name)?.status) !== JSON.stringify(next.status)) changed = true;
      observedXrs.set(name, next);
    }

    for (const resource of tree.resources.filter(isManaged)) {
      const name = nameOf(resource);
      const previous = observedMrs.get(name);
      const mr: ManagedResource = {
        ...(resource as unknown as ManagedResource),
        metadata: {
          ...resource.metadata,
          name,
          annotations: {
            ...resource.metadata.annotations,
            ...(previous?.metadata.annotations?.[EXTERNAL_NAME_ANNOTATION]
              ? { [EXTERNAL_NAME_ANNOTATION]: previous.metadata.annotations[EXTERNAL_NAME_ANNOTATION] }
              : {}),
          },
        } as ManagedResource['metadata'],
      };
      const handler = provider.handlerFor(mr.apiVersion, mr.kind);
      if (!handler) throw new Error(`no handler for ${mr.apiVersion} ${mr.kind}`);
      let observation: Observation | undefined;
      try {
        observation = await handler.observe(mr, { lookup });
        if (!observation) {
          await handler.create(mr, { lookup });
          observation = await handler.observe(mr, { lookup });
        } else if (observation.upToDate === false && handler.update) {
          await handler.update(mr, observation, { lookup });
          observation = await handler.observe(mr, { lookup });
        }
        errors.delete(name);
      } catch (error) {
        errors.set(name, `${mr.kind}: ${(error as Error).name}: ${(error as Error).message}`);
      }
      if (!observation) continue;
      const next: ManagedResource = {
        ...mr,
        metadata: {
          ...mr.metadata,
          annotations: { ...mr.metadata.annotations, [EXTERNAL_NAME_ANNOTATION]: observation.externalName },
        },
        status: {
          atProvider: observation.atProvider,
          conditions: [{ type: 'Ready', status: observation.ready ? 'True' : 'False' }],
        },
      };
      if (JSON.stringify(previous?.status) !== JSON.stringify(next.status)) changed = true;
      observedMrs.set(name, next);
    }
    if (!changed && errors.size === 0) {
      return { rounds: round, managed: [...observedMrs.values()], errors, warnings, rootStatus };
    }
  }
  return { rounds: maxRounds, managed: [...observedMrs.values()], errors, warnings, rootStatus };
}
