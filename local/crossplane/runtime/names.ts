/**
 * The name Crossplane v2 gives a composed resource (internal/names, ChildName): the generateName
 * the composition asked for, then the first 12 hex digits of sha256(owner uid + composition
 * resource name), cut to fit 63 characters. Deterministic: a reconcile that has not seen the
 * object it created yet names it the same again, so it never composes a second one.
 * test/real/crossplane-compose.test.ts checks it against the names real Crossplane v2.2.0 gives.
 */
import { createHash } from 'node:crypto';

export function crossplaneChildName(generateName: string, ownerUid: string, resourceName: string): string {
  const suffix = createHash('sha256')
    .update(ownerUid + resourceName)
    .digest('hex')
    .slice(0, 12);
  const prefix = generateName && !generateName.endsWith('-') ? `${generateName}-` : generateName;
  const full = prefix + suffix;
  if (full.length <= 63) return full;
  return `${prefix.slice(0, 63 - 12 - 1)}-${suffix}`;
}
