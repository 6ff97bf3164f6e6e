import { estateIdentity } from '../identity.js';

/** The Compute XR API's kind and plural, written only here (src/estate/identity.ts). */
export const computeIdentity = estateIdentity({ kind: 'Compute', plural: 'computes' });
