/**
 * One JSON request to an API server over node:http(s), as the local controllers and the GitOps
 * syncer send them (client-node's own request layer would open a connection per call): the body as
 * JSON with its length, the whole answer as text, and Retry-After for a throttled caller.
 */
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpAnswer {
  status: number;
  text: string;
  retryAfter?: string;
}

export function sendJson(
  url: URL,
  options: RequestOptions,
  body: unknown,
  contentType: string,
  what: string,
): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  if (payload !== undefined)
    options.headers = {
      ...options.headers,
      'Content-Type': contentType,
      'Content-Length': String(Buffer.byteLength(payload)),
    };
  const transport = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = transport(url, options, (res) => {
      const chunks: Buffer[] = [];
      const retryAfter = res.headers['retry-after'];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString('utf8'),
          ...(typeof retryAfter === 'string' ? { retryAfter } : {}),
        }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${what}: no answer within ${options.timeout ?? 0} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
