/**
 * The Compositions and XRDs an XR can be rendered with, and Crossplane's choice among them:
 * `spec.crossplane.compositionRef.name`, else `compositionSelector.matchLabels` (exactly one
 * match), else the XRD's `defaultCompositionRef`, else the only Composition for the type.
 */
import type { Composition } from '../../../src/estate/patch-and-transform/types.js';
import type { KubeObject } from './objects.js';
import { RenderError } from './render.js';

export interface CompositeDefinition {
  group: string;
  kind: string;
  defaultCompositionRef?: string;
}

export class CompositionSet {
  constructor(
    readonly compositions: Composition[],
    readonly definitions: CompositeDefinition[],
  ) {}

  /** Builds the set from parsed YAML documents (XRDs and Compositions; anything else is ignored). */
  static fromDocuments(documents: unknown[]): CompositionSet {
    const compositions: Composition[] = [];
    const definitions: CompositeDefinition[] = [];
    for (const document of documents) {
      const object = document as { kind?: string; apiVersion?: string; spec?: Record<string, unknown> };
      if (object?.kind === 'Composition') compositions.push(document as Composition);
      if (object?.kind === 'CompositeResourceDefinition' && object.spec) {
        const spec = object.spec as {
          group: string;
          names: { kind: string };
          defaultCompositionRef?: { name: string };
        };
        const definition: CompositeDefinition = { group: spec.group, kind: spec.names.kind };
        if (spec.defaultCompositionRef) definition.defaultCompositionRef = spec.defaultCompositionRef.name;
        definitions.push(definition);
      }
    }
    return new CompositionSet(compositions, definitions);
  }

  /** True when this set defines the object's kind as a composite resource. */
  isComposite(object: KubeObject): boolean {
    return this.definitionOf(object) !== undefined;
  }

  select(xr: KubeObject): Composition {
    const candidates = this.compositions.filter(
      (composition) =>
        composition.spec.compositeTypeRef.apiVersion === xr.apiVersion &&
        composition.spec.compositeTypeRef.kind === xr.kind,
    );
    const label = `${xr.kind} ${xr.metadata.name ?? xr.metadata.generateName ?? ''}`;
    if (candidates.length === 0)
      throw new RenderError(`${label}: no Composition for ${xr.apiVersion} ${xr.kind}`);
    const crossplane = (xr.spec?.crossplane ?? {}) as {
      compositionRef?: { name?: string };
      compositionSelector?: { matchLabels?: Record<string, string> };
    };
    const byName = (name: string) => {
      const found = candidates.find((composition) => composition.metadata.name === name);
      if (!found) throw new RenderError(`${label}: Composition ${name} not found`);
      return found;
    };
    if (crossplane.compositionRef?.name) return byName(crossplane.compositionRef.name);
    const matchLabels = crossplane.compositionSelector?.matchLabels;
    if (matchLabels) {
      const matching = candidates.filter((composition) =>
        Object.entries(matchLabels).every(([key, value]) => composition.metadata.labels?.[key] === value),
      );
      if (matching.length !== 1) {
        throw new RenderError(
          `${label}: compositionSelector ${JSON.stringify(matchLabels)} matches ${matching.length} Compositions`,
        );
      }
      return matching[0] as Composition;
    }
    const defaultName = this.definitionOf(xr)?.defaultCompositionRef;
    if (defaultName) return byName(defaultName);
    if (candidates.length === 1) return candidates[0] as Composition;
    throw new RenderError(`${label}: ${candidates.length} Compositions and no compositionRef or selector`);
  }

  private definitionOf(object: KubeObject): CompositeDefinition | undefined {
    const group = object.apiVersion.split('/')[0];
    return this.definitions.find(
      (definition) => definition.group === group && definition.kind === object.kind,
    );
  }
}
