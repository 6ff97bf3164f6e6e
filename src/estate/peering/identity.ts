import { estateIdentity } from '../identity.js';

/** The Peering XR API's kind and plural, written only here (src/estate/identity.ts). */
export const peeringIdentity = estateIdentity({ kind: 'Peering', plural: 'peerings' });
