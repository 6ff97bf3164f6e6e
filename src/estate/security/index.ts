import type { EstateApi } from '../api.js';
import { securityCompositions } from './composition.js';
import { securityDefinition, securitySpec } from './definition.js';
import { securityIdentity } from './identity.js';

export const securityApi: EstateApi = {
  ...securityIdentity,
  spec: securitySpec,
  definition: securityDefinition,
  compositions: securityCompositions(),
};
