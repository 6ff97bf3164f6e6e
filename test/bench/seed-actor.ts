/**
 * The seed design deployed on the AWS simulator (seed-design.ts says what it is and why), as a
 * small scripted actor calling the simulator's APIs over the AWS SDK like the seed's code would:
 * - each region's app health endpoint (`/writable/<region>`: 200 when DescribeGlobalClusters in
 *   that region names its cluster the writer), served by this process;
 * - Route 53: a hosted zone, one HTTP check per region on that endpoint (30 s × 3) and failover
 *   records aliasing each region's ALB, each with its region's check;
 * - the detector Lambda: on the simulator's clock every 60 s it GETs the primary's ALB, and after
 *   the failures it needs calls FailoverGlobalCluster (AllowDataLoss) in the standby's region.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { memberArn } from '../../controllers/failover/plan-view.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import type { FailoverPlanSpec } from '../../src/apis/index.js';
import { credentials } from '../aws/support.js';
import {
  INITIAL_LAMBDA_STATE,
  type LambdaState,
  lambdaInvocation,
  type SeedSchedule,
} from './seed-design.js';

/** The seed's Lambda gives its health GET this long (simulated), like a Lambda's HTTP timeout. */
const LAMBDA_CHECK_TIMEOUT_MS = 5_000;

export interface SeedDeployment {
  zoneId: string;
  /** The failover name clients resolve. */
  failoverName: string;
  /** Each region's Route 53 check (the bench waits for the standby's to settle unhealthy). */
  checks: Record<string, string>;
  /** Simulated time the Lambda asked for the promotion, once it has. */
  failoverRequestedAt(): number | undefined;
  /** Simulated time of the Lambda's next run. */
  nextInvocationAt(): number;
  stop(): Promise<void>;
}

const rds = (sim: AwsSimulator, region: string) =>
  new RDSClient({ endpoint: sim.url, region, credentials, maxAttempts: 1 });

async function writerRegion(
  sim: AwsSimulator,
  region: string,
  globalId: string,
): Promise<string | undefined> {
  const out = await rds(sim, region).send(
    new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalId }),
  );
  const writer = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  return writer?.split(':')[3];
}

/** The apps' health endpoints: one server answering for every region by path. */
async function startHealthEndpoint(sim: AwsSimulator, globalId: string): Promise<Server> {
  const server = createServer((req, res) => {
    const region = /^\/writable\/([a-z0-9-]+)$/.exec(req.url ?? '')?.[1] ?? '';
    writerRegion(sim, region, globalId)
      .then((writer) => writer === region)
      .catch(() => false)
      .then((writable) => {
        res.writeHead(writable ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(writable ? `writable ${region}\n` : `not writable ${region}\n`);
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

function albOf(sim: AwsSimulator, region: string) {
  const alb = sim.albs.find((a) => a.region === region);
  if (!alb) throw new Error(`bench: the simulator has no ALB in ${region}`);
  return alb;
}

/** The Lambda's check of the primary: GET its ALB; anything but a 200 in time is a failure. */
function primaryAnswers(sim: AwsSimulator, region: string): Promise<boolean> {
  const alb = albOf(sim, region);
  return new Promise((resolve) => {
    const req = request(`${alb.url}/`, { timeout: sim.clock.toRealMs(LAMBDA_CHECK_TIMEOUT_MS) }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

export async function deploySeedDesign(
  sim: AwsSimulator,
  plan: FailoverPlanSpec,
  schedule: SeedSchedule,
  domainName: string,
): Promise<SeedDeployment> {
  const { primary, standby } = plan.regions;
  const globalId = plan.database.globalClusterIdentifier;
  const health = await startHealthEndpoint(sim, globalId);
  const route53 = new Route53Client({ endpoint: sim.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: domainName, CallerReference: `seed-${domainName}` }),
  );
  const zoneId = zone.HostedZone?.Id?.replace('/hostedzone/', '') ?? '';
  const failoverName = `app.${domainName}`;
  const checks: Record<string, string> = {};
  for (const region of [primary, standby]) {
    const out = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: `seed-writable-${region}`,
        HealthCheckConfig: {
          Type: 'HTTP',
          IPAddress: '127.0.0.1',
          Port: (health.address() as AddressInfo).port,
          ResourcePath: `/writable/${region}`,
          RequestInterval: schedule.checkIntervalMs / 1000,
          FailureThreshold: schedule.checkFailureThreshold,
        },
      }),
    );
    checks[region] = out.HealthCheck?.Id ?? '';
  }
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: [primary, standby].map((region) => ({
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: failoverName,
            Type: 'A',
            SetIdentifier: `${region}-failover`,
            Failover: region === primary ? 'PRIMARY' : 'SECONDARY',
            // Failover alias records must evaluate target health (anchors §2.1 [R4]).
            AliasTarget: {
              HostedZoneId: 'Z35SXDOTRQ7X7K',
              DNSName: albOf(sim, region).dnsName,
              EvaluateTargetHealth: true,
            },
            HealthCheckId: checks[region],
          },
        })),
      },
    }),
  );

  let state: LambdaState = INITIAL_LAMBDA_STATE;
  let requestedAt: number | undefined;
  let running = Promise.resolve();
  const invoke = async () => {
    const next = lambdaInvocation(state, await primaryAnswers(sim, primary), schedule);
    state = next.state;
    if (next.action !== 'failover') return;
    requestedAt = sim.clock.now();
    await rds(sim, standby).send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: globalId,
        TargetDbClusterIdentifier: memberArn(plan, standby),
        AllowDataLoss: true,
      }),
    );
  };
  const scheduledFrom = sim.clock.now();
  // EventBridge runs the Lambda on the schedule whatever the previous run does; runs here are short.
  const cancel = sim.clock.every(schedule.lambdaPeriodMs, () => {
    running = running.then(invoke).catch((error: unknown) => {
      process.stderr.write(`bench: the seed design's Lambda failed: ${String(error)}\n`);
    });
  });
  return {
    zoneId,
    failoverName,
    checks,
    failoverRequestedAt: () => requestedAt,
    nextInvocationAt: () => {
      const period = schedule.lambdaPeriodMs;
      return scheduledFrom + (Math.floor((sim.clock.now() - scheduledFrom) / period) + 1) * period;
    },
    async stop() {
      cancel();
      await running;
      // Route 53's checkers keep their connections alive: close them, or close() waits for them.
      health.closeAllConnections();
      await new Promise<void>((resolve) => health.close(() => resolve()));
    },
  };
}
