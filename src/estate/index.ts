/** Every estate XR API, in dependency order (an API composing others comes after them). */
import { alertingApi } from './alerting/index.js';
import type { EstateApi } from './api.js';
import { computeApi } from './compute/index.js';
import { controllerAccessApi } from './controller-access/index.js';
import { databaseApi } from './database/index.js';
import { networkApi } from './network/index.js';
import { peeringApi } from './peering/index.js';
import { securityApi } from './security/index.js';
import { sessionsApi } from './sessions/index.js';
import { storageApi } from './storage/index.js';
import { tradingPlatformApi } from './trading-platform/index.js';
import { trafficApi } from './traffic/index.js';

export const estateApis: EstateApi[] = [
  networkApi,
  peeringApi,
  securityApi,
  computeApi,
  databaseApi,
  sessionsApi,
  storageApi,
  alertingApi,
  trafficApi,
  controllerAccessApi,
  tradingPlatformApi,
];
