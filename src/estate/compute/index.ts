import type { EstateApi } from '../api.js';
import { computeCompositions } from './composition.js';
import { computeDefinition, computeSpec } from './definition.js';

export const computeApi: EstateApi = {
  kind: 'Compute',
  plural: 'computes',
  spec: computeSpec,
  definition: computeDefinition,
  compositions: computeCompositions(),
};
