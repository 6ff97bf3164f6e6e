import { estateIdentity } from '../identity.js';

/** The Alerting XR API's kind and plural, written only here (src/estate/identity.ts). */
export const alertingIdentity = estateIdentity({ kind: 'Alerting', plural: 'alertings' });
