/**
 * What one estate XR API is made of: its identity, its XRD (from zod) and one or more
 * Compositions. An API with several Compositions offers variants chosen by labels
 * (crossplane.md §4.4), because P&T has no loops: a zone count or instance count is unrolled at
 * synth time into one Composition per value.
 */
import type { z } from 'zod';
import {
  type CompositeResourceDeclaration,
  type CompositeResourceDefinition,
  compositeResourceDefinition,
} from '../apis/xrd.js';
import { ESTATE_GROUP, ESTATE_VERSION } from './common/parameters.js';
import type { EstateIdentity } from './identity.js';
import type { PipelineCompositionProps } from './patch-and-transform/composition.js';

export interface EstateApi extends EstateIdentity {
  /** The XR spec schema (zod) the XRD was generated from; the same checks in TypeScript. */
  spec: z.ZodType;
  definition: CompositeResourceDefinition;
  compositions: PipelineCompositionProps[];
}

/** What an estate XRD declares itself; its names come from the API's identity. */
export type EstateDeclaration = Omit<
  CompositeResourceDeclaration,
  'group' | 'version' | 'kind' | 'plural' | 'categories' | 'defaultCompositionRef'
> & {
  /** The API has Composition variants: name the default one, so an XR without a selector gets it. */
  variants?: boolean;
};

/** An estate XRD: our group and version, the `switchyard` and `estate` categories, the default variant by name. */
export function estateDefinition(
  identity: EstateIdentity,
  { variants, ...declaration }: EstateDeclaration,
): CompositeResourceDefinition {
  return compositeResourceDefinition({
    ...declaration,
    group: ESTATE_GROUP,
    version: ESTATE_VERSION,
    kind: identity.kind,
    plural: identity.plural,
    categories: ['switchyard', 'estate'],
    ...(variants ? { defaultCompositionRef: identity.compositionName() } : {}),
  });
}
