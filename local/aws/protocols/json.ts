import type { AwsError } from '../core/errors.js';
import type { ServiceReply } from '../core/request.js';

/**
 * awsJson1_0 with query compatibility (CloudWatch in SDK v3): `x-amz-target: <Prefix>.<Op>` requests,
 * JSON answers. Errors carry the query-era code in `x-amzn-query-error`, which the SDK uses to pick
 * the typed exception; `shapeNames` maps that code to the JSON shape name for `__type`.
 */
export function jsonReply(requestId: string, body: unknown): ServiceReply {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId },
    body: JSON.stringify(body ?? {}),
  };
}

export function jsonError(
  error: AwsError,
  requestId: string,
  namespace: string,
  shapeNames: Record<string, string>,
): ServiceReply {
  const shape = shapeNames[error.code] ?? error.code;
  return {
    status: error.status,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': requestId,
      'x-amzn-query-error': `${error.code};${error.type}`,
      ...error.headers,
    },
    body: JSON.stringify({ __type: `${namespace}#${shape}`, message: error.message }),
  };
}

export function targetOperation(target: string | string[] | undefined, prefix: string): string | undefined {
  const value = Array.isArray(target) ? target[0] : target;
  if (!value?.startsWith(`${prefix}.`)) return undefined;
  return value.slice(prefix.length + 1);
}
