/**
 * A test-side network path of one vantage point: an HTTP proxy that forwards every request to its
 * target (the AWS simulator's API or one region's ALB) with `x-switchyard-vantage: <vantage>`, so
 * the simulator's `partition <vantage> <region>` cuts off exactly the traffic that comes "from"
 * that vantage. In production the vantage is where the packets start; the controller sends no such
 * header, so the tests give each controller (and each vantage's probe URLs) its own path instead.
 * A connection the target drops (a downed or partitioned region) is dropped for the caller too.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VANTAGE_HEADER } from '../../local/aws/core/request.js';

export interface VantageProxy {
  url: string;
  close(): Promise<void>;
}

export async function startVantageProxy(vantage: string, target: string): Promise<VantageProxy> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    const upstream = request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, [VANTAGE_HEADER]: vantage },
      },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.on('error', () => res.destroy());
        reply.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The vantage paths a test opens, closed together at the end. */
export class VantagePaths {
  private readonly open: VantageProxy[] = [];

  /** A path from `vantage` to `target`; returns the URL to use instead of `target`. */
  async to(vantage: string, target: string): Promise<string> {
    const started = await startVantageProxy(vantage, target);
    this.open.push(started);
    return started.url;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.open.splice(0).map((p) => p.close()));
  }
}
