/**
 * What one estate XR API is made of: its XRD (from zod) and one or more Compositions. An API with
 * several Compositions offers variants chosen by labels (crossplane.md §4.4), because P&T has no
 * loops: a zone count or instance count is unrolled at synth time into one Composition per value.
 */
import type { z } from 'zod';
import type { CompositeResourceDefinition } from '../apis/xrd.js';
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
