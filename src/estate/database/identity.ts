import { estateIdentity } from '../identity.js';

/** The Database XR API's kind and plural, written only here (src/estate/identity.ts). */
export const databaseIdentity = estateIdentity({ kind: 'Database', plural: 'databases' });
