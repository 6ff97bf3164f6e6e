import type { EstateApi } from '../api.js';
import { tradingPlatformCompositions } from './composition.js';
import { tradingPlatformDefinition, tradingPlatformSpec } from './definition.js';
import { tradingPlatformIdentity } from './identity.js';

export const tradingPlatformApi: EstateApi = {
  ...tradingPlatformIdentity,
  spec: tradingPlatformSpec,
  definition: tradingPlatformDefinition,
  compositions: tradingPlatformCompositions(),
};
