import type { EstateApi } from '../api.js';
import { securityCompositions } from './composition.js';
import { securityDefinition, securitySpec } from './definition.js';

export const securityApi: EstateApi = {
  kind: 'Security',
  plural: 'securities',
  spec: securitySpec,
  definition: securityDefinition,
  compositions: securityCompositions(),
};
