import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults } from '../core/faults.js';
import { VANTAGE_HEADER } from '../core/request.js';

export interface Alb {
  region: string;
  dnsName: string;
  /** Address DNS answers give for an alias to this ALB. */
  address: string;
  url: string;
  port: number;
}

/**
 * One HTTP listener per region standing for that region's application load balancer. It answers
 * 200 iff the region is up and the region's Auto Scaling groups have at least one InService
 * instance (an empty target group is unhealthy, as on AWS); a down region resets the connection.
 */
export class AlbListeners {
  private readonly servers: Server[] = [];
  readonly albs: Alb[] = [];

  constructor(
    private readonly faults: Faults,
    private readonly inService: (region: string) => number,
  ) {}

  static dnsNameOf(region: string): string {
    return `switchyard-${region}.${region}.elb.amazonaws.com.`;
  }

  healthy(region: string): boolean {
    return !this.faults.isRegionDown(region) && this.inService(region) > 0;
  }

  async start(regions: readonly string[], hostOf: (region: string, index: number) => string): Promise<void> {
    for (const [index, region] of regions.entries()) {
      const host = hostOf(region, index);
      const server = createServer((req, res) => this.answer(region, req, res));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => resolve());
      });
      const port = (server.address() as AddressInfo).port;
      this.servers.push(server);
      this.albs.push({
        region,
        dnsName: AlbListeners.dnsNameOf(region),
        address: host,
        url: `http://${host}:${port}`,
        port,
      });
    }
  }

  byDnsName(name: string): Alb | undefined {
    const normalised = name.toLowerCase().endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
    return this.albs.find((a) => a.dnsName === normalised);
  }

  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  }

  private answer(region: string, req: IncomingMessage, res: ServerResponse): void {
    const vantage = req.headers[VANTAGE_HEADER];
    if (
      this.faults.isRegionDown(region) ||
      this.faults.isPartitioned(typeof vantage === 'string' ? vantage : undefined, region)
    ) {
      req.socket.destroy();
      return;
    }
    const healthy = this.inService(region) > 0;
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(healthy ? `ok ${region}\n` : `no healthy targets in ${region}\n`);
  }
}
