import { estateIdentity } from '../identity.js';

/** The TradingPlatform XR API's kind and plural, written only here (src/estate/identity.ts). */
export const tradingPlatformIdentity = estateIdentity({
  kind: 'TradingPlatform',
  plural: 'tradingplatforms',
});
