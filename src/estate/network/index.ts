import type { EstateApi } from '../api.js';
import { networkCompositions } from './composition.js';
import { networkDefinition, networkSpec } from './definition.js';
import { networkIdentity } from './identity.js';

export const networkApi: EstateApi = {
  ...networkIdentity,
  spec: networkSpec,
  definition: networkDefinition,
  compositions: networkCompositions(),
};
