import type { EstateApi } from '../api.js';
import { databaseCompositions } from './composition.js';
import { databaseDefinition, databaseSpec } from './definition.js';
import { databaseIdentity } from './identity.js';

export const databaseApi: EstateApi = {
  ...databaseIdentity,
  spec: databaseSpec,
  definition: databaseDefinition,
  compositions: databaseCompositions(),
};
