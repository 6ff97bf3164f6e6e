import type { EstateApi } from '../api.js';
import { tradingPlatformCompositions } from './composition.js';
import { tradingPlatformDefinition, tradingPlatformSpec } from './definition.js';

export const tradingPlatformApi: EstateApi = {
  kind: 'TradingPlatform',
  plural: 'tradingplatforms',
  spec: tradingPlatformSpec,
  definition: tradingPlatformDefinition,
  compositions: tradingPlatformCompositions(),
};
