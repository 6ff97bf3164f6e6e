import type { EstateApi } from '../api.js';
import { trafficCompositions } from './composition.js';
import { trafficDefinition, trafficSpec } from './definition.js';

export const trafficApi: EstateApi = {
  kind: 'TrafficRouting',
  plural: 'trafficroutings',
  spec: trafficSpec,
  definition: trafficDefinition,
  compositions: trafficCompositions(),
};
