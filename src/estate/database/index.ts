import type { EstateApi } from '../api.js';
import { databaseCompositions } from './composition.js';
import { databaseDefinition, databaseSpec } from './definition.js';

export const databaseApi: EstateApi = {
  kind: 'Database',
  plural: 'databases',
  spec: databaseSpec,
  definition: databaseDefinition,
  compositions: databaseCompositions(),
};
