import { estateIdentity } from '../identity.js';

/** The Security XR API's kind and plural, written only here (src/estate/identity.ts). */
export const securityIdentity = estateIdentity({ kind: 'Security', plural: 'securities' });
