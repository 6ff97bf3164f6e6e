import type { SchemaCatalog } from '../../../src/schema/catalog.js';
import { hasCelRules } from '../../../src/schema/cel-rules.js';
import { type ObjectProblem, RULES_NOT_CHECKED } from '../../../src/schema/validate.js';

/**
 * The problem the validator adds (like the apiserver) when type, enum, required or size errors
 * stop it from running CEL rules on an object whose schema has some.
 */
export const RULES_NOTE = { path: '', message: RULES_NOT_CHECKED };

/** `problems` (which block CEL) followed by the note when the object's kind has CEL rules. */
export function withRulesNote(
  catalog: SchemaCatalog,
  object: { apiVersion: string; kind: string },
  problems: ObjectProblem[],
): ObjectProblem[] {
  const found = catalog.lookup(object.apiVersion, object.kind);
  if (!found.ok) throw new Error(`${object.apiVersion} ${object.kind}: ${found.reason}`);
  return hasCelRules(found.version.schema) ? [...problems, RULES_NOTE] : problems;
}
