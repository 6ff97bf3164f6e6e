import type { EstateApi } from '../api.js';
import { computeCompositions } from './composition.js';
import { computeDefinition, computeSpec } from './definition.js';
import { computeIdentity } from './identity.js';

export const computeApi: EstateApi = {
  ...computeIdentity,
  spec: computeSpec,
  definition: computeDefinition,
  compositions: computeCompositions(),
};
