import type { EstateApi } from '../api.js';
import { sessionsCompositions } from './composition.js';
import { sessionsDefinition, sessionsSpec } from './definition.js';
import { sessionsIdentity } from './identity.js';

export const sessionsApi: EstateApi = {
  ...sessionsIdentity,
  spec: sessionsSpec,
  definition: sessionsDefinition,
  compositions: sessionsCompositions(),
};
