import type { EstateApi } from '../api.js';
import { peeringCompositions } from './composition.js';
import { peeringDefinition, peeringSpec } from './definition.js';

export const peeringApi: EstateApi = {
  kind: 'Peering',
  plural: 'peerings',
  spec: peeringSpec,
  definition: peeringDefinition,
  compositions: peeringCompositions(),
};
