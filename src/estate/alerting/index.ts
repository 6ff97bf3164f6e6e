import type { EstateApi } from '../api.js';
import { alertingCompositions } from './composition.js';
import { alertingDefinition, alertingSpec } from './definition.js';

export const alertingApi: EstateApi = {
  kind: 'Alerting',
  plural: 'alertings',
  spec: alertingSpec,
  definition: alertingDefinition,
  compositions: alertingCompositions(),
};
