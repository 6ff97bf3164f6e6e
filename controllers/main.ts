/**
 * `npm run controller -- --kubeconfig <f> [--context <c>] --region <r> [--aws-endpoint <url>]`:
 * runs the failover controller until SIGINT/SIGTERM. Without --aws-endpoint it talks to real AWS
 * with the default credential chain; without --kubeconfig it uses $KUBECONFIG, ~/.kube/config or
 * the in-cluster service account (the Helm chart's Deployment, charts/switchyard). With
 * `--probe-only --vantage <name>` it runs only the prober of that vantage (controllers/probe-agent.ts).
 * Leader election is on by default (one actor per region): the Lease lives in
 * --leader-election-namespace, else $POD_NAMESPACE (the chart sets it from the downward API), else
 * `switchyard-system`; `--no-leader-election` turns it off (tests, a single replica by hand).
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { awsRegion } from '../src/apis/common.js';
import { type ControllerOptions, startController } from './controller.js';
import { startProbeAgent } from './probe-agent.js';

const USAGE =
  'controller [--kubeconfig <file>] [--context <name>] --region <aws-region> [--aws-endpoint <url>] [--http-port <p>] [--poll-interval-ms <ms>] [--readiness-interval-ms <ms, 0 = off>] [--gate-keeper-interval-ms <ms, 0 = off>] [--leader-election-namespace <ns, default $POD_NAMESPACE or switchyard-system> | --no-leader-election] [--vantage <name>] [--probe-only] [--log-level <level>]';

/** Where the Lease lives when neither --leader-election-namespace nor $POD_NAMESPACE says. */
export const DEFAULT_LEADER_ELECTION_NAMESPACE = 'switchyard-system';

/** pino's levels (fatal … trace) and `silent`. */
export const LOG_LEVELS: readonly string[] = [...Object.keys(pino.levels.values), 'silent'];

/** The command line, checked; what `main` turns into ControllerOptions. */
export interface ControllerArgs {
  region: string;
  kubeconfig?: string;
  context?: string;
  awsEndpoint?: string;
  httpPort?: number;
  pollIntervalMs?: number;
  readinessIntervalMs?: number;
  /** Period of the gate keeper (ADR 0010); 0 turns it off. */
  gateKeeperIntervalMs?: number;
  leaderElectionNamespace?: string;
  /** False only with --no-leader-election: two replicas for one region would both act. */
  leaderElection: boolean;
  vantage?: string;
  /** Only probe the RegionHealth objects of --vantage (a vantage outside the cluster it reports to). */
  probeOnly: boolean;
  logLevel: string;
}

/** Parses the controller's command line (the Helm chart's container args are tested against it). */
export function parseControllerArgs(argv: string[]): { args: ControllerArgs } | { error: string } {
  let parsed: Record<string, string | boolean | undefined>;
  try {
    ({ values: parsed } = parseArgs({
      args: argv,
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        region: { type: 'string' },
        'aws-endpoint': { type: 'string' },
        'http-port': { type: 'string' },
        'poll-interval-ms': { type: 'string' },
        'readiness-interval-ms': { type: 'string' },
        'gate-keeper-interval-ms': { type: 'string' },
        'leader-election-namespace': { type: 'string' },
        'no-leader-election': { type: 'boolean' },
        vantage: { type: 'string' },
        'probe-only': { type: 'boolean' },
        'log-level': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  // Every option but the two switches takes a value.
  const values = Object.fromEntries(
    Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
  const probeOnly = parsed['probe-only'] === true;
  // A probe-only agent takes no Lease (it holds no RBAC for one, ADR 0007 "Vantages"): it only
  // writes its own vantage's RegionHealth status, so two of them never double an action.
  const leaderElection = !probeOnly && parsed['no-leader-election'] !== true;
  if (!leaderElection && values['leader-election-namespace'])
    return { error: '--no-leader-election and --leader-election-namespace contradict each other' };
  if (probeOnly && !values.vantage)
    return { error: '--probe-only needs --vantage: the vantage it probes from' };
  const region = values.region;
  if (!region || !awsRegion().safeParse(region).success)
    return { error: '--region must be an AWS region such as us-east-2' };
  const number = (flag: string) => (values[flag] === undefined ? undefined : Number(values[flag]));
  const httpPort = number('http-port');
  if (httpPort !== undefined && !(Number.isInteger(httpPort) && httpPort >= 0 && httpPort <= 65535))
    return { error: '--http-port must be a port number (0 picks a free port)' };
  const readinessIntervalMs = number('readiness-interval-ms');
  if (readinessIntervalMs !== undefined && !(readinessIntervalMs >= 0))
    return { error: '--readiness-interval-ms must be a number of milliseconds (0 turns readiness off)' };
  const gateKeeperIntervalMs = number('gate-keeper-interval-ms');
  if (gateKeeperIntervalMs !== undefined && !(gateKeeperIntervalMs >= 0))
    return {
      error: '--gate-keeper-interval-ms must be a number of milliseconds (0 turns the gate keeper off)',
    };
  const logLevel = values['log-level'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) return { error: `--log-level must be one of ${LOG_LEVELS.join(', ')}` };
  return {
    args: {
      region,
      logLevel,
      probeOnly,
      leaderElection,
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.context ? { context: values.context } : {}),
      ...(values['aws-endpoint'] ? { awsEndpoint: values['aws-endpoint'] } : {}),
      ...(httpPort !== undefined ? { httpPort } : {}),
      ...(number('poll-interval-ms') !== undefined ? { pollIntervalMs: number('poll-interval-ms') } : {}),
      ...(readinessIntervalMs !== undefined ? { readinessIntervalMs } : {}),
      ...(gateKeeperIntervalMs !== undefined ? { gateKeeperIntervalMs } : {}),
      ...(values['leader-election-namespace']
        ? { leaderElectionNamespace: values['leader-election-namespace'] }
        : {}),
      ...(values.vantage ? { vantage: values.vantage } : {}),
    },
  };
}

function fail(message: string): never {
  process.stderr.write(`switchyard controller: ${message}\nusage: ${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const parsed = parseControllerArgs(process.argv.slice(2));
  if ('error' in parsed) fail(parsed.error);
  const { args } = parsed;
  const endpoint = args.awsEndpoint;
  const options: ControllerOptions = {
    region: args.region,
    logger: pino({ name: 'switchyard-controller', level: args.logLevel }),
    ...(args.readinessIntervalMs !== undefined ? { readinessIntervalMs: args.readinessIntervalMs } : {}),
    ...(args.gateKeeperIntervalMs !== undefined ? { gateKeeperIntervalMs: args.gateKeeperIntervalMs } : {}),
    ...(args.kubeconfig ? { kubeconfigPath: args.kubeconfig } : {}),
    ...(args.context ? { context: args.context } : {}),
    ...(args.httpPort !== undefined ? { httpPort: args.httpPort } : {}),
    ...(args.vantage ? { vantage: args.vantage } : {}),
    ...(args.leaderElection
      ? {
          leaderElection: {
            namespace:
              args.leaderElectionNamespace ??
              (process.env.POD_NAMESPACE || DEFAULT_LEADER_ELECTION_NAMESPACE),
            // One Lease per region: controllers of two regions sharing a cluster do not block each other.
            name: `switchyard-controller-${args.region}`,
            onLost: () => {
              process.stderr.write('switchyard controller: lost leadership, exiting\n');
              process.exit(1);
            },
          },
        }
      : {}),
    ...(args.pollIntervalMs !== undefined
      ? {
          engine: { pollIntervalMs: args.pollIntervalMs },
          retryBaseDelayMs: Math.min(500, args.pollIntervalMs),
        }
      : {}),
    awsSdk: endpoint
      ? {
          endpoint,
          // A local endpoint (the simulator) does not verify signatures; real AWS uses the default chain.
          credentials: {
            accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'local',
            secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'local',
          },
        }
      : {},
  };
  const controller =
    args.probeOnly && args.vantage
      ? await startProbeAgent({ ...options, vantage: args.vantage })
      : await startController(options);
  const shutdown = () => {
    controller.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

// Run only as the entry point (node resolves a symlinked entry to its real path), so tests can import the parser.
if (process.argv[1] && realpathSync(resolve(process.argv[1])) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `switchyard controller: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
