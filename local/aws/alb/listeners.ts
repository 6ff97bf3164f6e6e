import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Faults } from '../core/faults.js';
import { VANTAGE_HEADER } from '../core/request.js';

export interface Alb {
  region: string;
  /**
   * The DNS name Route 53 aliases resolve to this listener by. Per-region mode: the fixed
   * `switchyard-<region>.<region>.elb.amazonaws.com.`; provisioned mode: the region's provisioned
   * ALB's name (`<name>-<id>.<region>.elb.amazonaws.com.`), empty while the region has none.
   */
  dnsName: string;
  /** Address DNS answers give for an alias to this ALB. */
  address: string;
  url: string;
  port: number;
}

/**
 * Where the ALBs come from:
 * - `per-region` (default; tests): every region has an ALB from the start, named by `dnsNameOf`;
 * - `provisioned` (`npm start`): only ALBs created through the ELBv2 API exist. A region's listener
 *   stands for the data plane of the ALBs provisioned there and, while there are none, answers
 *   503 `no load balancer provisioned in <region>` (the port stays open, so the answer says why).
 */
export type AlbMode = 'per-region' | 'provisioned';

/** The ELBv2 model as the listeners read it (provisioned mode). */
export interface ProvisionedAlbs {
  /** DNS name (no trailing dot) of the region's first provisioned ALB, if any. */
  dnsNameIn(region: string): string | undefined;
  /** Region of the provisioned ALB with this DNS name. */
  regionOf(dnsName: string): string | undefined;
}

/**
 * One HTTP listener per region standing for that region's application load balancer. It answers
 * 200 iff the region is up, it has an ALB and the region's Auto Scaling groups have at least one
 * InService instance (an empty target group is unhealthy, as on AWS); a down region resets the
 * connection.
 */
export class AlbListeners {
  private readonly servers: Server[] = [];
  readonly albs: Alb[] = [];

  constructor(
    private readonly faults: Faults,
    private readonly inService: (region: string) => number,
    private readonly provisioned?: ProvisionedAlbs,
  ) {}

  static dnsNameOf(region: string): string {
    return `switchyard-${region}.${region}.elb.amazonaws.com.`;
  }

  /** Whether the region has an ALB at all (always, in per-region mode). */
  hasAlb(region: string): boolean {
    return !this.provisioned || this.provisioned.dnsNameIn(region) !== undefined;
  }

  healthy(region: string): boolean {
    return !this.faults.isRegionDown(region) && this.hasAlb(region) && this.inService(region) > 0;
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
      const provisioned = this.provisioned;
      const alb: Alb = { region, dnsName: '', address: host, url: `http://${host}:${port}`, port };
      if (provisioned) {
        // Read at use: the ALB is created (and could be replaced) after the listener starts.
        Object.defineProperty(alb, 'dnsName', {
          enumerable: true,
          get: () => {
            const name = provisioned.dnsNameIn(region);
            return name ? `${name}.` : '';
          },
        });
      } else alb.dnsName = AlbListeners.dnsNameOf(region);
      this.albs.push(alb);
    }
  }

  byDnsName(name: string): Alb | undefined {
    const normalised = name.toLowerCase().endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
    if (this.provisioned) {
      const region = this.provisioned.regionOf(normalised);
      return region === undefined ? undefined : this.albs.find((a) => a.region === region);
    }
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
    if (!this.hasAlb(region)) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`no load balancer provisioned in ${region}\n`);
      return;
    }
    const healthy = this.inService(region) > 0;
    res.writeHead(healthy ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(healthy ? `ok ${region}\n` : `no healthy targets in ${region}\n`);
  }
}
