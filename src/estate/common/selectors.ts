/**
 * Selecting resources another XR of the same platform composed (same namespace): matchLabels on
 * the platform id (patched from the XR, since it is a parameter) plus fixed labels.
 */
import { fromComposite } from '../patch-and-transform/patches.js';
import type { DirectPatch } from '../patch-and-transform/types.js';
import { REGION_LABEL } from './labels.js';
import { PLATFORM_LABEL } from './parameters.js';

/** The selector's platform and (for regional XRs) region labels, patched from the XR. */
export function platformSelector(
  selectorPath: string,
  options: { regionFromXr?: boolean } = {},
): DirectPatch[] {
  const patches = [fromComposite('spec.platformId', `${selectorPath}.matchLabels[${PLATFORM_LABEL}]`)];
  if (options.regionFromXr)
    patches.push(fromComposite('spec.region', `${selectorPath}.matchLabels[${REGION_LABEL}]`));
  return patches;
}
