import { estateIdentity } from '../identity.js';

/** The Storage XR API's kind and plural, written only here (src/estate/identity.ts). */
export const storageIdentity = estateIdentity({ kind: 'Storage', plural: 'storages' });
