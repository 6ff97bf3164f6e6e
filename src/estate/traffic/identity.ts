import { estateIdentity } from '../identity.js';

/** The TrafficRouting XR API's kind and plural, written only here (src/estate/identity.ts). */
export const trafficIdentity = estateIdentity({ kind: 'TrafficRouting', plural: 'trafficroutings' });
