/** Every estate XR API, in dependency order (an API composing others comes after them). */
import type { EstateApi } from './api.js';
import { computeApi } from './compute/index.js';
import { databaseApi } from './database/index.js';
import { networkApi } from './network/index.js';
import { securityApi } from './security/index.js';
import { tradingPlatformApi } from './trading-platform/index.js';
import { trafficApi } from './traffic/index.js';

export const estateApis: EstateApi[] = [
  networkApi,
  securityApi,
  computeApi,
  databaseApi,
  trafficApi,
  tradingPlatformApi,
];
