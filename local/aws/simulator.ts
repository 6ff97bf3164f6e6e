import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { listenError } from '../listen-error.js';
import { AlbListeners, type AlbMode } from './alb/listeners.js';
import { AutoScalingService } from './autoscaling/service.js';
import { LagPublisher } from './cloudwatch/lag-publisher.js';
import { type AlarmEvaluation, CloudWatchService } from './cloudwatch/service.js';
import { ADMIN_PREFIX, AdminApi } from './core/admin.js';
import { SimClock } from './core/clock.js';
import { Faults } from './core/faults.js';
import { FrontDoor } from './core/front-door.js';
import { Journal } from './core/journal.js';
import { AWS_STATE_FILE, AwsStatePersistence, readAwsState, resumeTime } from './core/persistence.js';
import { DEFAULT_REGIONS } from './core/regions.js';
import { DynamoDbService } from './dynamodb/service.js';
import { Elbv2Service } from './elbv2/service.js';
import { PolicyEnforcement } from './iam/enforcement.js';
import type { Policy } from './iam/policy.js';
import type { AuroraTimings } from './rds/global-failover.js';
import { RdsService } from './rds/service.js';
import { ROUTE53_VANTAGE } from './route53/health-monitor.js';
import { Route53Service } from './route53/service.js';
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
  /** Simulated interval of the lag metrics and alarm evaluation (default 60 s, as CloudWatch). */
  metricPeriodMs?: number;
  /** When alarms look at their metric (default `on-datapoint`; `per-period` as AWS, see AlarmEvaluation). */
  alarmEvaluation?: AlarmEvaluation;
  /** Simulated time from launch to InService for Auto Scaling instances (default 60 s). */
  instanceLaunchMs?: number;
  /** Enforce this identity policy on every signed request from the start (ADR 0012); `policy.set` later. */
  enforcePolicy?: Policy;
  /**
   * `per-region` (default): each region has an ALB from the start (`AlbListeners.dnsNameOf`);
   * `provisioned`: only ALBs created through ELBv2 exist, and each region's listener answers for
   * them (503 while the region has none). `npm start` provisions its ALBs through the estate.
   */
  albs?: AlbMode;
  /**
   * Keep the simulated AWS state in `<stateDir>/aws.json` (ADR 0004, "State dir"): restored at start
   * (the clock resumes from the saved simulated time), written after every change and at close.
   * An unusable dir or file is a StateDirError before anything listens.
   */
  stateDir?: string;
  /** Where the simulator logs (state-file write failures); pino on stderr by default. */
  logger?: Logger;
}

export interface AwsSimulator {
  /** The AWS endpoint, e.g. http://127.0.0.1:4566; pass it as `endpoint` to every SDK client. */
  url: string;
  port: number;
  /** One listener per region standing for the region's application load balancer. */
  albs: AlbListeners['albs'];
  clock: SimClock;
  faults: Faults;
  journal: Journal;
  rds: RdsService;
  s3: S3Service;
  route53: Route53Service;
  cloudwatch: CloudWatchService;
  autoscaling: AutoScalingService;
  elbv2: Elbv2Service;
  dynamodb: DynamoDbService;
  /** Policy enforcement: off until a policy is set (`--enforce-policy`, or after seeding). */
  policy: PolicyEnforcement;
  /** The state file when started with `stateDir`. */
  stateFile?: string;
  /** True when the state came from the state dir: then whoever seeds AWS must not seed again. */
  restoredFromState: boolean;
  /** Writes the state file now (a no-op without `stateDir`); changes are written on their own shortly after. */
  saveState(): void;
  close(): Promise<void>;
}

/** Linux routes all of 127/8 to loopback, so each region's ALB can have its own address. */
function albHost(host: string, index: number): string {
  return process.platform === 'linux' && host === '127.0.0.1' ? `127.0.${10 + index}.1` : host;
}

export async function startAwsSimulator(options: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
  const host = options.host ?? '127.0.0.1';
  const regions = options.regions ?? DEFAULT_REGIONS;
  // Read (and refuse) a saved state before anything starts, and resume the clock from it.
  const saved = options.stateDir ? readAwsState(options.stateDir) : undefined;
  const clock = new SimClock(options.timeScale ?? 1, resumeTime(saved));
  const faults = new Faults(() => clock.now(), options.lagMs);
  const journal = new Journal();
  const rds = new RdsService(clock, faults, options.aurora);
  const s3 = new S3Service(clock, faults, options.s3ReplicationDelayMs ?? 2_000);
  const cloudwatch = new CloudWatchService(clock, options.alarmEvaluation);
  const autoscaling = new AutoScalingService(clock, options.instanceLaunchMs ?? 60_000);
  const elbv2 = new Elbv2Service(clock);
  const dynamodb = new DynamoDbService(clock);
  const albs = new AlbListeners(
    faults,
    (region) => autoscaling.groups.inServiceCount(region),
    options.albs === 'provisioned'
      ? {
          dnsNameIn: (region) => elbv2.store.loadBalancersIn(region)[0]?.dnsName,
          regionOf: (dnsName) => elbv2.store.byDnsName(dnsName)?.region,
        }
      : undefined,
  );
  await albs.start(regions, (_region, index) => albHost(host, index));

  let healthChanged = () => {};
  const route53 = new Route53Service(
    clock,
    // Simulated ELB names resolve to the ALB listeners on this machine.
    (name) => {
      const alb = albs.byDnsName(name);
      return alb ? { host: alb.address, port: alb.port } : undefined;
    },
    (dnsName) => {
      const alb = albs.byDnsName(dnsName);
      return alb ? { healthy: albs.healthy(alb.region), address: alb.address } : undefined;
    },
    // Route 53 reads an alarm through the alarm region's CloudWatch: from a region it cannot reach
    // it gets no data, and the check's InsufficientDataHealthStatus decides (ADR 0010's model).
    (region, name) =>
      faults.cannotReach(ROUTE53_VANTAGE, region) ? 'INSUFFICIENT_DATA' : cloudwatch.alarmState(region, name),
    // A probe's answer arrives after its timer fired: a health change is a state change of its own.
    () => healthChanged(),
  );
  const lag = new LagPublisher(rds.store, faults, clock, (...args) => cloudwatch.putDatapoint(...args));
  const metricPeriod = options.metricPeriodMs ?? 60_000;
  clock.every(metricPeriod, () => {
    lag.publish();
    // Route 53 health-check metrics live in us-east-1 only, as on AWS.
    for (const check of route53.healthChecks.values()) {
      const healthy = route53.isHealthy(check.id) ? 1 : 0;
      cloudwatch.putDatapoint(
        'us-east-1',
        'AWS/Route53',
        'HealthCheckStatus',
        { HealthCheckId: check.id },
        healthy,
      );
    }
    cloudwatch.evaluateAlarms();
  });

  const policy = new PolicyEnforcement();
  const persistence = options.stateDir
    ? new AwsStatePersistence(
        join(options.stateDir, AWS_STATE_FILE),
        clock,
        // Faults first: the services settle their in-flight work against the faults in force.
        // ELBv2 and Auto Scaling before Route 53: its restored checks probe at once, and an ALB
        // they name must resolve to its listener and serve from the first probe.
        [faults, policy, rds, s3, elbv2, dynamodb, autoscaling, route53, cloudwatch, lag],
        options.logger ?? pino({ name: 'switchyard-aws' }, pino.destination(2)),
      )
    : undefined;
  if (persistence) {
    try {
      if (saved) persistence.restore(saved);
      // Written at once: proves the file can be written, and records what restoring settled.
      persistence.save();
    } catch (error) {
      clock.stop();
      route53.monitor.stopAll();
      await albs.close();
      throw error;
    }
    const changed = () => persistence.changed();
    healthChanged = changed;
    clock.onFire(changed);
    faults.onChange(changed);
    policy.onChange(changed);
  }
  // An explicit policy at start wins over the one saved in the state dir.
  if (options.enforcePolicy) policy.set(options.enforcePolicy);

  const frontDoor = new FrontDoor(clock, faults, journal, policy);
  for (const service of [rds, s3, route53, cloudwatch, autoscaling, elbv2, dynamodb])
    frontDoor.register(service);

  const admin = new AdminApi(clock, faults, journal, {
    'rds/events': () => rds.store.allEvents(),
    albs: () =>
      albs.albs.map((alb) => ({
        ...alb,
        provisioned: albs.hasAlb(alb.region),
        healthy: albs.healthy(alb.region),
      })),
    // A DNS query to Route 53's name servers (the data plane: it answers with us-east-1 and the
    // Route 53 API down), from a resolver in `resolver` (a region; default us-east-1).
    'route53/dns-answer': (query) =>
      route53.resolve(
        query.get('name') ?? '',
        query.get('type') ?? 'A',
        query.get('resolver') ?? 'us-east-1',
      ),
    'route53/health-checks': () =>
      [...route53.healthChecks.values()].map((check) => ({
        id: check.id,
        type: check.config.type,
        healthy: route53.isHealthy(check.id),
        observations: route53.monitor.observations(check.id),
      })),
  });

  const server: Server = createServer((req, res) => {
    const target = req.url?.startsWith(`${ADMIN_PREFIX}/`) ? admin : frontDoor;
    target
      .handle(req, res)
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`simulator error: ${String(error)}`);
      })
      .finally(() => persistence?.changed());
  });
  try {
    await listen(server, options.port ?? 0, host);
  } catch (error) {
    // Nothing may keep running when the endpoint cannot listen (the process would never exit).
    clock.stop();
    route53.monitor.stopAll();
    await albs.close();
    throw listenError(error, host, options.port ?? 0, 'AWS simulator');
  }
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    port,
    albs: albs.albs,
    clock,
    faults,
    journal,
    rds,
    s3,
    route53,
    cloudwatch,
    autoscaling,
    elbv2,
    dynamodb,
    policy,
    ...(persistence ? { stateFile: persistence.path } : {}),
    restoredFromState: saved !== undefined,
    saveState() {
      persistence?.save();
    },
    async close() {
      clock.stop();
      route53.monitor.stopAll();
      frontDoor.releaseAll();
      server.closeAllConnections();
      await Promise.all([new Promise<void>((resolve) => server.close(() => resolve())), albs.close()]);
      persistence?.close();
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
