/** Every estate XR API, in dependency order (an API composing others comes after them). */
import type { EstateApi } from './api.js';
import { databaseApi } from './database/index.js';
import { networkApi } from './network/index.js';

export const estateApis: EstateApi[] = [networkApi, databaseApi];
