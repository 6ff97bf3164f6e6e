/**
 * Kubernetes `Status` errors, shaped byte for byte like the apiserver's (k8s.io/apimachinery
 * pkg/api/errors), because clients parse `reason`, `code` and `details` and kubectl prints
 * `message` verbatim.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code?: number;
}

/** Thrown by handlers; the server turns it into the HTTP response. */
export class ApiError extends Error {
  /** Sent instead of the Status body when set (the apiserver's plain-text 404 for unknown paths). */
  plainText?: string;

  constructor(readonly body: StatusBody) {
    super(body.message ?? body.reason ?? 'error');
  }

  get code(): number {
    return this.body.code ?? 500;
  }
}

function failure(code: number, reason: string, message: string, details?: StatusDetails): ApiError {
  // StatusDetails.group is omitempty: the core group is not written.
  if (details?.group === '') delete details.group;
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

/** What a resource is called in messages: `failovers.failover.switchyard.dev` or `configmaps`. */
export interface ResourceLabel {
  group: string;
  plural: string;
}

function qualified({ group, plural }: ResourceLabel): string {
  return group === '' ? plural : `${plural}.${group}`;
}

export function notFound(resource: ResourceLabel, name: string): ApiError {
  return failure(404, 'NotFound', `${qualified(resource)} "${name}" not found`, {
    name,
    group: resource.group,
    kind: resource.plural,
  });
}

/**
 * NamespaceLifecycle admission: a namespaced object created in a namespace that does not exist.
 * Its details name only the namespace and the resource (no group: Namespaces are core).
 */
export function namespaceNotFound(namespace: string): ApiError {
  return failure(404, 'NotFound', `namespaces "${namespace}" not found`, {
    name: namespace,
    kind: 'namespaces',
  });
}

/**
 * A path the server does not serve at all (unknown group, version or resource). The apiserver's
 * mux answers these in plain text, not with a Status; `plainText` tells the server to do so.
 */
export function pathNotFound(): ApiError {
  const error = failure(404, 'NotFound', 'the server could not find the requested resource', {});
  error.plainText = '404 page not found\n';
  return error;
}

export function alreadyExists(resource: ResourceLabel, name: string): ApiError {
  return failure(409, 'AlreadyExists', `${qualified(resource)} "${name}" already exists`, {
    name,
    group: resource.group,
    kind: resource.plural,
  });
}

export function conflict(resource: ResourceLabel, name: string, why: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(resource)} "${name}": ${why}`,
    {
      name,
      group: resource.group,
      kind: resource.plural,
    },
  );
}

export const STALE_OBJECT =
  'the object has been modified; please apply your changes to the latest version and try again';

/** Server-side apply conflicts (NewApplyConflict): no name/group/kind, only causes. */
export function applyConflict(message: string, causes: StatusCause[]): ApiError {
  return failure(409, 'Conflict', message, { causes });
}

/**
 * 422 Invalid. `kind` is the Kind for object validation (`Failover.failover.switchyard.dev "a" is
 * invalid`) and the plural for request-level checks, exactly as the apiserver mixes them.
 */
export function invalid(group: string, kind: string, name: string, causes: StatusCause[]): ApiError {
  const subject = group === '' ? kind : `${kind}.${group}`;
  const lines = causes.map((cause) => `${cause.field ?? '<nil>'}: ${cause.message}`);
  const summary = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  const details: StatusDetails = { ...(name ? { name } : {}), group, kind, causes };
  return failure(422, 'Invalid', `${subject} "${name}" is invalid: ${summary}`, details);
}

/** A 422 without causes, as returned for a failed JSON-patch `test` or a bad patch path. */
export function invalidWithoutDetails(message: string): ApiError {
  return failure(422, 'Invalid', message, {});
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

export function unsupportedMediaType(accepted: readonly string[]): ApiError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function methodNotSupported(resource: ResourceLabel, verb: string): ApiError {
  return failure(
    405,
    'MethodNotAllowed',
    `${verb} is not supported on resources of kind "${qualified(resource)}"`,
    {
      group: resource.group,
      kind: resource.plural,
    },
  );
}

export function requestEntityTooLarge(limitBytes: number): ApiError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);
}

export function expired(message: string): ApiError {
  return failure(410, 'Expired', message);
}

export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: '', message }],
  });
}

/** The body of a successful DELETE of an object that is gone at once. */
export function deletedStatus(resource: ResourceLabel, name: string, uid: string): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.plural, uid },
  };
}
