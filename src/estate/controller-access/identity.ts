import { estateIdentity } from '../identity.js';

/** The ControllerAccess XR API's kind and plural, written only here (src/estate/identity.ts). */
export const controllerAccessIdentity = estateIdentity({
  kind: 'ControllerAccess',
  plural: 'controlleraccesses',
});
