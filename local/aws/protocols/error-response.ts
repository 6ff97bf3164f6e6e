import type { AwsError } from '../core/errors.js';
import type { ServiceReply } from '../core/request.js';
import { document, fields } from '../core/xml.js';

/**
 * The `<ErrorResponse>` body awsQuery (RDS, Auto Scaling, ELBv2) and Route 53's restXml both send:
 * the SDK maps `Code` to the typed exception. S3's bare `<Error>` differs (rest-xml.ts `s3Error`).
 */
export function errorResponse(error: AwsError, namespace: string, requestId: string): ServiceReply {
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, ...error.headers },
    body: document('ErrorResponse', namespace, [
      fields({ Error: fields({ Type: error.type, Code: error.code, Message: error.message }) }),
      fields({ RequestId: requestId }),
    ]),
  };
}
