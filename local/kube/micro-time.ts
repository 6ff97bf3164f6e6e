/**
 * metav1.MicroTime as the apiserver decodes it: exactly six fractional digits
 * (`2006-01-02T15:04:05.000000Z07:00`). The real server refuses a body whose MicroTime field has
 * any other form (a JavaScript Date serializes with three) before anything else looks at it: a
 * create or update with a 400, a patch with a 422 on `patch`. Which fields are MicroTimes is what
 * the kind's OpenAPI document says (builtin-schema.ts keeps each node's Go type).
 */

import { microTimeError } from '../../src/schema/micro-time.js';
import type { KindSchema } from './builtin-schema.js';
import type { KubeObject } from './object-meta.js';
import type { ResourceType } from './resource-type.js';
import { badRequest, invalid } from './status.js';

const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';
const pathsBySchema = new WeakMap<KindSchema, string[]>();

/**
 * Dotted paths of the MicroTime fields a kind declares, found once per kind. Fields inside lists
 * and maps are not followed: the kinds that have MicroTimes (Event, Lease) hold them in structs.
 */
function microTimePaths(schema: KindSchema): string[] {
  let paths = pathsBySchema.get(schema);
  if (paths) return paths;
  paths = [];
  const walk = (node: KindSchema, prefix: string, seen: Set<KindSchema>) => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (child.component === MICRO_TIME) paths?.push(`${prefix}${name}`);
      else if (!seen.has(child)) walk(child, `${prefix}${name}.`, new Set(seen).add(child));
    }
  };
  walk(schema, '', new Set([schema]));
  pathsBySchema.set(schema, paths);
  return paths;
}

function firstError(type: ResourceType, object: KubeObject): string | undefined {
  if (!type.builtin) return undefined;
  for (const path of microTimePaths(type.builtin.schema)) {
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
