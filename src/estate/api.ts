/**
 * What one estate XR API is made of: its XRD (from zod) and one or more Compositions. An API with
 * several Compositions offers variants chosen by labels (crossplane.md §4.4), because P&T has no
 * loops: a zone count or instance count is unrolled at synth time into one Composition per value.
 */
import type { z } from 'zod';
import {
  type CompositeResourceDeclaration,
  type CompositeResourceDefinition,
  compositeResourceDefinition,
} from '../apis/xrd.js';
import { ESTATE_GROUP } from './common/parameters.js';
import type { PipelineCompositionProps } from './patch-and-transform/composition.js';

export interface EstateApi {
  kind: string;
  plural: string;
  /** The XR spec schema (zod) the XRD was generated from; the same checks in TypeScript. */
  spec: z.ZodType;
  definition: CompositeResourceDefinition;
  compositions: PipelineCompositionProps[];
}

/** `<plural>.<group>` for the default variant, `<plural>-<variant>.<group>` for the others. */
export function compositionName(plural: string, group: string, variant?: string): string {
  return variant ? `${plural}-${variant}.${group}` : `${plural}.${group}`;
}

/** What an estate XRD declares itself; the rest is the same for every estate API. */
export type EstateDeclaration = Omit<
  CompositeResourceDeclaration,
  'group' | 'categories' | 'defaultCompositionRef'
> & {
  /** The API has Composition variants: name the default one, so an XR without a selector gets it. */
  variants?: boolean;
};

/** An estate XRD: our group, the `switchyard` and `estate` categories, the default variant by name. */
export function estateDefinition({
  variants,
  ...declaration
}: EstateDeclaration): CompositeResourceDefinition {
  return compositeResourceDefinition({
    ...declaration,
    group: ESTATE_GROUP,
    categories: ['switchyard', 'estate'],
    ...(variants ? { defaultCompositionRef: compositionName(declaration.plural, ESTATE_GROUP) } : {}),
  });
}
