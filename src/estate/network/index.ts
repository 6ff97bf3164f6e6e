import type { EstateApi } from '../api.js';
import { networkCompositions } from './composition.js';
import { networkDefinition, networkSpec } from './definition.js';

export const networkApi: EstateApi = {
  kind: 'Network',
  plural: 'networks',
  spec: networkSpec,
  definition: networkDefinition,
  compositions: networkCompositions(),
};
