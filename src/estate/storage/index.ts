import type { EstateApi } from '../api.js';
import { storageCompositions } from './composition.js';
import { storageDefinition, storageSpec } from './definition.js';
import { storageIdentity } from './identity.js';

export const storageApi: EstateApi = {
  ...storageIdentity,
  spec: storageSpec,
  definition: storageDefinition,
  compositions: storageCompositions(),
};
