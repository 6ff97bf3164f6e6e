import type { EstateApi } from '../api.js';
import { trafficCompositions } from './composition.js';
import { trafficDefinition, trafficSpec } from './definition.js';
import { trafficIdentity } from './identity.js';

export const trafficApi: EstateApi = {
  ...trafficIdentity,
  spec: trafficSpec,
  definition: trafficDefinition,
  compositions: trafficCompositions(),
};
