import type { EstateApi } from '../api.js';
import { peeringCompositions } from './composition.js';
import { peeringDefinition, peeringSpec } from './definition.js';
import { peeringIdentity } from './identity.js';

export const peeringApi: EstateApi = {
  ...peeringIdentity,
  spec: peeringSpec,
  definition: peeringDefinition,
  compositions: peeringCompositions(),
};
