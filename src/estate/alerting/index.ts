import type { EstateApi } from '../api.js';
import { alertingCompositions } from './composition.js';
import { alertingDefinition, alertingSpec } from './definition.js';
import { alertingIdentity } from './identity.js';

export const alertingApi: EstateApi = {
  ...alertingIdentity,
  spec: alertingSpec,
  definition: alertingDefinition,
  compositions: alertingCompositions(),
};
