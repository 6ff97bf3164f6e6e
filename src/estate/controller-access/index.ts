import type { EstateApi } from '../api.js';
import { controllerAccessCompositions } from './composition.js';
import { controllerAccessDefinition, controllerAccessSpec } from './definition.js';

export const controllerAccessApi: EstateApi = {
  kind: 'ControllerAccess',
  plural: 'controlleraccesses',
  spec: controllerAccessSpec,
  definition: controllerAccessDefinition,
  compositions: controllerAccessCompositions(),
};
