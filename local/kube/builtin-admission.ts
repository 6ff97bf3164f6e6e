import { builtinNameRule } from '../../src/schema/builtin-kinds.js';
import { defaultBuiltin, zeroValueOf } from './builtin-defaults.js';
import { prepareBuiltin, type StrategyContext } from './builtin-strategy.js';
import { validateBuiltin } from './builtin-validation.js';
import { decodeAsGo } from './go-decode.js';
import type { KubeObject } from './object-meta.js';
import { nameOf } from './object-meta.js';
import type { ResourceType } from './resource-type.js';
import { badRequest, invalid } from './status.js';
import type { Admitted, FieldValidation } from './validation.js';

/**
 * Admission of a built-in kind, in the apiserver's order (docs/adr/0022-emulator-builtin-kinds.md):
 * decode into the Go types (a type error is a 400 in encoding/json's words; unknown fields are
 * warned about, or a 400 under fieldValidation=Strict), default, apply the kind's strategy, then
 * validate as pkg/apis/<group>/validation does (422 with the apiserver's causes).
 */
export function admitBuiltin(
  type: ResourceType,
  object: KubeObject,
  oldObject: KubeObject | undefined,
  fieldValidation: FieldValidation,
  context: StrategyContext,
): Admitted {
  const builtin = type.builtin;
  if (!builtin) throw new Error(`${type.kind} is not a built-in kind served from its OpenAPI document`);
  const cannotHandle = `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}`;
  const decoded = decodeAsGo(object, builtin.schema);
  if (decoded.error) throw badRequest(`${cannotHandle}: ${decoded.error}`);
  if (decoded.unknownFields.length > 0 && fieldValidation === 'Strict') {
    const fields = decoded.unknownFields.map((field) => `unknown field "${field}"`).join(', ');
    throw badRequest(`${cannotHandle}: strict decoding error: ${fields}`);
  }
  const warnings =
    fieldValidation === 'Warn' ? decoded.unknownFields.map((field) => `unknown field "${field}"`) : [];
  const defaulted = defaultBuiltin(decoded.object, builtin.schema);
  const prepared = structuredClone(defaulted);
  prepareBuiltin(type.group, type.kind, prepared, oldObject, context);
  const causes = validateBuiltin(
    type.group,
    type.kind,
    builtinNameRule(type.group, type.kind),
    prepared,
    oldObject,
  );
  if (causes.length > 0) throw invalid(type.group, type.kind, nameOf(prepared), causes);
  return {
    // Stored objects are read back through the decoder, defaults included (a Job's labels from its template).
    object: defaultBuiltin(prepared, builtin.schema),
    warnings,
    managedFieldsBasis: { object: defaulted, before: oldObject ?? zeroValueOf(builtin.schema) },
  };
}
