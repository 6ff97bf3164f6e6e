import type { AwsError } from '../core/errors.js';
import type { ServiceReply } from '../core/request.js';
import { fields } from '../core/xml.js';

/** S3's error body: a bare `<Error>` root. HEAD answers carry no body at all. */
export function s3Error(error: AwsError, requestId: string, method: string): ServiceReply {
  const headers = { 'content-type': 'application/xml', 'x-amz-request-id': requestId, ...error.headers };
  if (method === 'HEAD') return { status: error.status, headers };
  return {
    status: error.status,
    headers,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${
      fields({
        Error: fields({ Code: error.code, Message: error.message, RequestId: requestId }),
      }).raw
    }`,
  };
}

export function xmlReply(
  status: number,
  requestId: string,
  body?: string,
  headers: Record<string, string> = {},
): ServiceReply {
  return {
    status,
    headers: {
      'content-type': 'text/xml',
      'x-amzn-requestid': requestId,
      'x-amz-request-id': requestId,
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
  };
}
