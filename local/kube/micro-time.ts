/**
 * metav1.MicroTime as the apiserver decodes it: exactly six fractional digits
 * (`2006-01-02T15:04:05.000000Z07:00`). The real server refuses a body whose MicroTime field has
 * any other form (a JavaScript Date serializes with three) before anything else looks at it; the
 * emulator serves built-in kinds without schemas, so it checks these fields by name.
 */
import type { KubeObject } from './object-meta.js';
import type { ResourceType } from './resource-type.js';
import { badRequest, invalid } from './status.js';

export const MICRO_TIME_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

/** Go's time.Parse with the MicroTime layout, element by element, as far as its error names them. */
const ELEMENTS: [layout: string, pattern: RegExp][] = [
  ['2006', /^\d{4}/],
  ['-', /^-/],
  ['01', /^\d{2}/],
  ['-', /^-/],
  ['02', /^\d{2}/],
  ['T', /^T/],
  ['15', /^\d{2}/],
  [':', /^:/],
  ['04', /^\d{2}/],
  [':', /^:/],
  ['05', /^\d{2}/],
  ['.000000', /^\.\d{6}/],
  ['Z07:00', /^(Z|[+-]\d{2}:\d{2})/],
];

/** Why `value` is not a MicroTime, in Go's words, or undefined when it is one. */
export function microTimeError(value: string): string | undefined {
  const prefix = `parsing time ${JSON.stringify(value)}`;
  let rest = value;
  for (const [layout, pattern] of ELEMENTS) {
    const match = pattern.exec(rest);
    if (!match)
      return `${prefix} as "${MICRO_TIME_LAYOUT}": cannot parse ${JSON.stringify(rest)} as "${layout}"`;
    rest = rest.slice(match[0].length);
  }
  return rest === '' ? undefined : `${prefix}: extra text: ${JSON.stringify(rest)}`;
}

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
