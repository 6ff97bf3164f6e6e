import { RULES_NOT_CHECKED } from '../../../src/schema/validate.js';

/**
 * The problem the validator adds (like the apiserver) when type or enum errors stop it from
 * running CEL rules on an object whose schema has some.
 */
export const RULES_NOTE = { path: '', message: RULES_NOT_CHECKED };
