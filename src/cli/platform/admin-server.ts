/**
 * The running platform's control endpoint (loopback only), what `switchyard chaos` talks to when
 * no `--aws` is given: `POST /faults {fault, args}` applies a fault. `region-down <region>` and
 * `region-up <region>` take the whole region (AWS, Kubernetes API, controller, syncer); every other
 * fault goes to the AWS simulator as `switchyard chaos --aws` would send it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listenError } from '../../../local/listen-error.js';
import { type PairRegion, REGION_PAIR } from '../../estate/common/parameters.js';
import type { EmbeddedPlatform } from './platform.js';

export interface AdminServer {
  url: string;
  close(): Promise<void>;
}

const isPairRegion = (value: unknown): value is PairRegion =>
  typeof value === 'string' && (REGION_PAIR as readonly string[]).includes(value);

export async function startAdminServer(platform: EmbeddedPlatform, host = '127.0.0.1'): Promise<AdminServer> {
  // One fault at a time: a region going down while it is still coming up would interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const server: Server = createServer((request, response) => {
    const handled = queue.then(() => handle(platform, request, response));
    queue = handled.catch(() => undefined);
    handled.catch((error: unknown) => reply(response, 500, { error: String(error) }));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    throw listenError(error, host, 0, 'platform control endpoint');
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(platform: EmbeddedPlatform, request: IncomingMessage, response: ServerResponse) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (path === '/status' && request.method === 'GET') return reply(response, 200, platform.status());
  if (path !== '/faults' || request.method !== 'POST')
    return reply(response, 404, { error: `no route ${request.method} ${path}` });
  let body: { fault?: unknown; args?: unknown };
  try {
    body = JSON.parse(await readBody(request)) as typeof body;
  } catch {
    return reply(response, 400, { error: 'the body must be JSON {"fault": "...", "args": [...]}' });
  }
  const fault = typeof body.fault === 'string' ? body.fault : '';
  const args = Array.isArray(body.args) ? body.args.map(String) : [];
  if (fault === 'region-down' || fault === 'region-up') {
    const [region, ...rest] = args;
    if (!isPairRegion(region) || rest.length > 0)
      return reply(response, 400, {
        error: `${fault} takes one region of the platform (${REGION_PAIR.join(', ')}), got ${JSON.stringify(args)}`,
      });
    if (fault === 'region-down') await platform.regionDown(region);
    else await platform.regionUp(region);
    return reply(response, 200, { applied: [fault, region] });
  }
  try {
    platform.aws.faults.apply(fault, args);
  } catch (error) {
    return reply(response, 400, { error: error instanceof Error ? error.message : String(error) });
  }
  return reply(response, 200, { applied: [fault, ...args] });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(`${JSON.stringify(body)}\n`);
}
