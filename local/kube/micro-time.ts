/**
 * metav1.MicroTime as the apiserver decodes it: exactly six fractional digits
 * (`2006-01-02T15:04:05.000000Z07:00`). The real server refuses a body whose MicroTime field has
 * any other form (a JavaScript Date serializes with three) before anything else looks at it; the
 * emulator serves built-in kinds without schemas, so it checks these fields by name.
 */

import { microTimeError } from '../../src/schema/micro-time.js';
import type { KubeObject } from './object-meta.js';
import type { ResourceType } from './resource-type.js';
import { badRequest, invalid } from './status.js';

function firstError(type: ResourceType, object: KubeObject): string | undefined {
  for (const path of type.microTimeFields ?? []) {
    let value: unknown = object;
    for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
    if (typeof value !== 'string') continue;
    const error = microTimeError(value);
    if (error) return error;
  }
  return undefined;
}

/** A create or update body: 400 BadRequest, "<Kind> in version "v1" cannot be handled as a <Kind>: …". */
export function checkMicroTimes(type: ResourceType, object: KubeObject): void {
  const error = firstError(type, object);
  if (error)
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${error}`,
    );
}

/** A patch's result: 422 Invalid on the field `patch`, naming the patched object. */
export function checkPatchedMicroTimes(type: ResourceType, patched: KubeObject): void {
  const error = firstError(type, patched);
  if (error)
    throw invalid('', '', '', [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(JSON.stringify(patched))}: ${error}`,
        field: 'patch',
      },
    ]);
}
