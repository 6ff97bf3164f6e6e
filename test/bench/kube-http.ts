import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { authentication, type ClientTls } from '../wire/kube/target.js';

/**
 * Plain HTTP for the Kubernetes bench: one keep-alive agent per target with as many sockets as the
 * bench's concurrency, so neither server pays for connection set-up inside a timed request (the
 * real apiserver speaks TLS, the emulator plain HTTP; after the handshake the difference is small).
 * node:http rather than a client library so that both servers see the same, minimal client.
 */

export interface BenchResponse {
  status: number;
  text: string;
}

export interface BenchClient {
  request(method: string, path: string, body?: unknown, contentType?: string): Promise<BenchResponse>;
  /** A watch stream on its own connection; `onLine` gets every NDJSON line. */
  watch(path: string, onLine: (line: string) => void): Promise<{ close(): void }>;
  close(): void;
}

/** `clientTls`: the kube-apiserver's admin certificate; without it any bearer token (the emulator). */
export function benchClient(baseUrl: string, sockets: number, clientTls?: ClientTls): BenchClient {
  const tls = baseUrl.startsWith('https:');
  const options = { keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets };
  const agent = tls ? new HttpsAgent({ ...options, ...authentication(clientTls) }) : new HttpAgent(options);
  const send = tls ? httpsRequest : httpRequest;
  const headers = {
    Accept: 'application/json',
    ...(clientTls ? {} : { Authorization: 'Bearer switchyard-bench' }),
  };

  const start = (
    method: string,
    path: string,
    streaming: boolean,
    onResponse: (res: IncomingMessage) => void,
  ) =>
    send(new URL(path, baseUrl), {
      method,
      // Watches hold their connection for minutes: give each its own instead of a pooled socket.
      agent: streaming ? false : agent,
      headers,
      ...(tls ? authentication(clientTls) : {}),
    }).on('response', onResponse);

  return {
    request(method, path, body, contentType = 'application/json') {
      return new Promise((resolve, reject) => {
        const req = start(method, path, false, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        });
        req.on('error', reject);
        if (body !== undefined) req.setHeader('Content-Type', contentType);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    },
    watch(path, onLine) {
      return new Promise((resolve, reject) => {
        const req = start('GET', path, true, (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
            res.resume();
            return;
          }
          let pending = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            pending += chunk;
            let newline = pending.indexOf('\n');
            while (newline >= 0) {
              onLine(pending.slice(0, newline));
              pending = pending.slice(newline + 1);
              newline = pending.indexOf('\n');
            }
          });
          // Closing the stream on purpose surfaces as an abort; nothing to report then.
          res.on('error', () => {});
          resolve({ close: () => req.destroy() });
        });
        req.on('error', reject);
        req.end();
      });
    },
    close: () => agent.destroy(),
  };
}

/** Runs `count` operations with at most `concurrency` in flight; returns each one's latency (ms). */
export async function timed(
  count: number,
  concurrency: number,
  operation: (index: number) => Promise<void>,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const begin = performance.now();
      await operation(index);
      latencies[index] = performance.now() - begin;
    }
  };
  const begin = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latencies, wallMs: performance.now() - begin };
}

/** Throws with the body when a response is not one of the expected statuses (a bench must not time errors). */
export function expectStatus(response: BenchResponse, what: string, ...statuses: number[]): BenchResponse {
  if (!statuses.includes(response.status))
    throw new Error(`${what}: HTTP ${response.status} ${response.text.slice(0, 300)}`);
  return response;
}
