import type { IncomingMessage } from 'node:http';
import type { AwsError } from './errors.js';

/** Service and region a SigV4 request was signed for, as moto reads them. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const SCOPE = /Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;

export function credentialScope(authorization: string | undefined): CredentialScope | undefined {
  const match = authorization ? SCOPE.exec(authorization) : null;
  if (!match) return undefined;
  const [, accessKeyId = '', date = '', region = '', service = ''] = match;
  return { accessKeyId, date, region, service };
}

/** Header a caller sets to say where it stands, so `partition <vantage> <region>` can cut it off. */
export const VANTAGE_HEADER = 'x-switchyard-vantage';

/** What a simulated service sees of one request. */
export interface ServiceRequest {
  method: string;
  /** Decoded path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Region from the credential scope. */
  region: string;
  service: string;
  vantage?: string;
  requestId: string;
}

export interface ServiceReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** What a request touches in IAM terms: its resources (ARNs, or `*`) and its condition keys. */
export interface RequestAuthorization {
  resources: string[];
  conditions?: Record<string, string>;
}

/** A simulated AWS service behind the shared endpoint. */
export interface SimService {
  /** Signing name in the credential scope (rds, s3, route53, monitoring, autoscaling). */
  readonly signingName: string;
  /** Name of the operation, computed before any fault so the journal can name refused calls. */
  operationOf(request: ServiceRequest): string;
  /** Data-plane operations keep answering when the service's control plane is down. */
  isDataPlane?(operation: string): boolean;
  /** Operations served from every region (Route 53 DNS answers) ignore region-down and partitions. */
  isGlobal?(operation: string): boolean;
  /** The service's own throttling error (S3 answers SlowDown, the others Throttling). */
  throttlingError?(): AwsError;
  /**
   * The resources (ARNs) a request touches and its condition keys, for policy enforcement
   * (local/aws/iam); a service without it is checked against resource `*`.
   */
  authorization?(request: ServiceRequest, operation: string): RequestAuthorization;
  handle(request: ServiceRequest, operation: string): Promise<ServiceReply>;
  renderError(error: AwsError, request: ServiceRequest): ServiceReply;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
