import { estateIdentity } from '../identity.js';

/** The SessionStore XR API's kind and plural, written only here (src/estate/identity.ts). */
export const sessionsIdentity = estateIdentity({ kind: 'SessionStore', plural: 'sessionstores' });
