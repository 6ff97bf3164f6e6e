/**
 * Reading a managed resource's spec the way an upjet provider does: `forProvider` (desired, enforced),
 * `initProvider` (sent on create only), the external-name annotation, and `*Ref` / `*Selector`
 * references resolved to the referenced resource's identifiers.
 */
import { createHash } from 'node:crypto';
import type { HandlerContext, ManagedResource } from '../provider.js';

export const EXTERNAL_NAME_ANNOTATION = 'crossplane.io/external-name';

export type Fields = Record<string, unknown>;

/** A reference that does not resolve yet; the reconciler retries (Crossplane: ReferencesNotResolved). */
export class UnresolvedReferenceError extends Error {
  override name = 'UnresolvedReferenceError';
  constructor(mr: ManagedResource, field: string) {
    super(`${mr.kind} ${mr.metadata.namespace ?? ''}/${mr.metadata.name}: ${field} does not resolve yet`);
  }
}

export function externalNameOf(mr: ManagedResource): string | undefined {
  const name = mr.metadata.annotations?.[EXTERNAL_NAME_ANNOTATION];
  return name === undefined || name === '' ? undefined : name;
}

export function regionOf(mr: ManagedResource): string {
  const region = mr.spec.forProvider.region;
  if (typeof region !== 'string' || region === '')
    throw new Error(`${mr.kind} ${mr.metadata.name}: spec.forProvider.region is required`);
  return region;
}

/** What create sends: initProvider under forProvider (forProvider wins, as Crossplane merges them). */
export function createFields(mr: ManagedResource): Fields {
  return { ...(mr.spec.initProvider ?? {}), ...mr.spec.forProvider };
}

/** Short stable hex of the resource's identity (namespace/name): deterministic ids and caller references. */
export function identityHash(mr: ManagedResource, length = 17): string {
  return createHash('sha256')
    .update(`${mr.metadata.namespace ?? ''}/${mr.metadata.name}`)
    .digest('hex')
    .slice(0, length);
}

export const str = (fields: Fields | undefined, key: string): string | undefined => {
  const value = fields?.[key];
  return typeof value === 'string' ? value : undefined;
};
export const num = (fields: Fields | undefined, key: string): number | undefined => {
  const value = fields?.[key];
  return typeof value === 'number' ? value : undefined;
};
export const bool = (fields: Fields | undefined, key: string): boolean | undefined => {
  const value = fields?.[key];
  return typeof value === 'boolean' ? value : undefined;
};
export const strings = (fields: Fields | undefined, key: string): string[] | undefined => {
  const value = fields?.[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
};
/** An upjet block: an object, or (older CRD shapes) a one-element list of it. */
export const block = (fields: Fields | undefined, key: string): Fields | undefined => {
  const value = fields?.[key];
  if (Array.isArray(value)) return (value[0] ?? undefined) as Fields | undefined;
  return value !== null && typeof value === 'object' ? (value as Fields) : undefined;
};
export const blocks = (fields: Fields | undefined, key: string): Fields[] => {
  const value = fields?.[key];
  if (Array.isArray(value)) return value.filter((v): v is Fields => v !== null && typeof v === 'object');
  return value !== null && typeof value === 'object' ? [value as Fields] : [];
};

export const atProviderOf = (mr: ManagedResource): Fields =>
  ((mr.status as { atProvider?: Fields } | undefined)?.atProvider ?? {}) as Fields;

/** The AWS name or id another resource is known by: its external name, else its observed id. */
export const referencedId = (target: ManagedResource): string | undefined =>
  externalNameOf(target) ?? str(atProviderOf(target), 'id');
export const referencedArn = (target: ManagedResource): string | undefined =>
  str(atProviderOf(target), 'arn');

/**
 * The value of `field` in `holder`: set literally, or through `<field>Ref` / `<field>Selector`
 * to a resource of `target`'s kind, read with `read`. Undefined when the field is not set at all;
 * UnresolvedReferenceError when it refers to something that does not exist (or is not observed) yet.
 */
export async function resolveField(
  context: HandlerContext,
  mr: ManagedResource,
  holder: Fields | undefined,
  field: string,
  target: { apiVersion: string; kind: string },
  read: (target: ManagedResource) => string | undefined,
): Promise<string | undefined> {
  const literal = str(holder, field);
  if (literal !== undefined) return literal;
  const reference = (block(holder, `${field}Ref`) ?? block(holder, `${field}Selector`)) as
    | { name?: string; matchLabels?: Record<string, string>; matchControllerRef?: boolean }
    | undefined;
  if (!reference) return undefined;
  const found = await context.lookup(target, mr, reference);
  const value = found && read(found);
  if (value === undefined || value === '') throw new UnresolvedReferenceError(mr, field);
  return value;
}

/** Like resolveField, but a field that must be set. */
export async function requireField(
  context: HandlerContext,
  mr: ManagedResource,
  holder: Fields | undefined,
  field: string,
  target: { apiVersion: string; kind: string },
  read: (target: ManagedResource) => string | undefined,
): Promise<string> {
  const value = await resolveField(context, mr, holder, field, target, read);
  if (value === undefined) throw new UnresolvedReferenceError(mr, field);
  return value;
}

/** AWS SDK errors that say "it does not exist" (by exception name or an HTTP 404). */
export function isNotFound(error: unknown, ...names: string[]): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return names.includes(error.name) || status === 404;
}

/** The API group's kinds, `<service>.aws.m.upbound.io/v1beta1`. */
export const apiVersionOf = (service: string) => `${service}.aws.m.upbound.io/v1beta1`;
