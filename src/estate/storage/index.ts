import type { EstateApi } from '../api.js';
import { storageCompositions } from './composition.js';
import { storageDefinition, storageSpec } from './definition.js';

export const storageApi: EstateApi = {
  kind: 'Storage',
  plural: 'storages',
  spec: storageSpec,
  definition: storageDefinition,
  compositions: storageCompositions(),
};
