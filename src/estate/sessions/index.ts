import type { EstateApi } from '../api.js';
import { sessionsCompositions } from './composition.js';
import { sessionsDefinition, sessionsSpec } from './definition.js';

export const sessionsApi: EstateApi = {
  kind: 'SessionStore',
  plural: 'sessionstores',
  spec: sessionsSpec,
  definition: sessionsDefinition,
  compositions: sessionsCompositions(),
};
