import { estateIdentity } from '../identity.js';

/** The Network XR API's kind and plural, written only here (src/estate/identity.ts). */
export const networkIdentity = estateIdentity({ kind: 'Network', plural: 'networks' });
