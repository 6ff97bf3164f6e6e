import type { EstateApi } from '../api.js';
import { controllerAccessCompositions } from './composition.js';
import { controllerAccessDefinition, controllerAccessSpec } from './definition.js';
import { controllerAccessIdentity } from './identity.js';

export const controllerAccessApi: EstateApi = {
  ...controllerAccessIdentity,
  spec: controllerAccessSpec,
  definition: controllerAccessDefinition,
  compositions: controllerAccessCompositions(),
};
