import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ADMIN_PREFIX, AdminApi, type AdminViews } from './core/admin.js';
import { SimClock } from './core/clock.js';
import { Faults } from './core/faults.js';
import { FrontDoor } from './core/front-door.js';
import { Journal } from './core/journal.js';
import { DEFAULT_REGIONS } from './core/regions.js';
import type { AuroraTimings } from './rds/global-failover.js';
import { RdsService } from './rds/service.js';
import { regionInHost, s3Address } from './s3/addressing.js';
import { S3Service } from './s3/service.js';

export interface AwsSimulatorOptions {
  /** Port of the AWS endpoint; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Real milliseconds per simulated millisecond (1 = real time, 0.001 = a minute in 60 ms). */
  timeScale?: number;
  /** Regions that get an ALB listener; any well-formed region name is accepted on the endpoint. */
  regions?: readonly string[];
  aurora?: Partial<AuroraTimings>;
  /** Initial Aurora replication lag in ms (the `lag` fault changes it). */
  lagMs?: number;
  /** Simulated delay before S3 replication copies an object (default 2 s). */
  s3ReplicationDelayMs?: number;
}

export interface AwsSimulator {
  /** The AWS endpoint, e.g. http://127.0.0.1:4566; pass it as `endpoint` to every SDK client. */
  url: string;
  port: number;
  clock: SimClock;
  faults: Faults;
  journal: Journal;
  rds: RdsService;
  s3: S3Service;
  close(): Promise<void>;
}

export async function startAwsSimulator(options: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
  const host = options.host ?? '127.0.0.1';
  const clock = new SimClock(options.timeScale ?? 1);
  const faults = new Faults(() => clock.now(), options.lagMs);
  const journal = new Journal();
  const rds = new RdsService(clock, faults, options.aurora);
  const s3 = new S3Service(clock, faults, options.s3ReplicationDelayMs ?? 2_000);
  // Unsigned requests are anonymous S3 object reads (Route 53 checkers probing gate objects);
  // they belong to the bucket's region, so a region-down takes the gate object down with it.
  const frontDoor = new FrontDoor(clock, faults, journal, (host, path) => {
    const { bucket } = s3Address(host, path);
    if (!bucket) return undefined;
    return { service: s3, region: s3.regionOfBucket(bucket) ?? regionInHost(host) ?? 'us-east-1' };
  });
  frontDoor.register(rds);
  frontDoor.register(s3);
  const views: AdminViews = {
    'rds/events': () => rds.store.allEvents(),
  };
  const admin = new AdminApi(clock, faults, journal, views);

  const server: Server = createServer((req, res) => {
    const target = req.url?.startsWith(`${ADMIN_PREFIX}/`) ? admin : frontDoor;
    target.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`simulator error: ${String(error)}`);
    });
  });
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  void (options.regions ?? DEFAULT_REGIONS);

  return {
    url: `http://${host}:${port}`,
    port,
    clock,
    faults,
    journal,
    rds,
    s3,
    async close() {
      clock.stop();
      frontDoor.releaseAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
