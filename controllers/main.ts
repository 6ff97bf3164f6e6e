/**
 * `npm run controller -- --kubeconfig <f> [--context <c>] --region <r> [--aws-endpoint <url>]`:
 * runs the failover controller until SIGINT/SIGTERM. Without --aws-endpoint it talks to real AWS
 * with the default credential chain.
 */
import { parseArgs } from 'node:util';
import { startController } from './controller.js';

const USAGE =
  'controller --kubeconfig <file> [--context <name>] --region <aws-region> [--aws-endpoint <url>] [--http-port <p>] [--poll-interval-ms <ms>] [--readiness-interval-ms <ms, 0 = off>] [--leader-election-namespace <ns>]';

function fail(message: string): never {
  process.stderr.write(`switchyard controller: ${message}\nusage: ${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        region: { type: 'string' },
        'aws-endpoint': { type: 'string' },
        'http-port': { type: 'string' },
        'poll-interval-ms': { type: 'string' },
        'readiness-interval-ms': { type: 'string' },
        'leader-election-namespace': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const region = values.region;
  if (!region || !/^[a-z]{2}(-gov)?-[a-z]+-[0-9]+$/.test(region))
    fail('--region must be an AWS region such as us-east-2');
  const endpoint = values['aws-endpoint'];
  const httpPort = values['http-port'] === undefined ? undefined : Number(values['http-port']);
  const pollIntervalMs =
    values['poll-interval-ms'] === undefined ? undefined : Number(values['poll-interval-ms']);
  const readinessIntervalMs =
    values['readiness-interval-ms'] === undefined ? undefined : Number(values['readiness-interval-ms']);
  if (readinessIntervalMs !== undefined && !(readinessIntervalMs >= 0))
    fail('--readiness-interval-ms must be a number of milliseconds (0 turns readiness off)');
  const controller = await startController({
    region,
    ...(readinessIntervalMs !== undefined ? { readinessIntervalMs } : {}),
    ...(values.kubeconfig ? { kubeconfigPath: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
    ...(httpPort !== undefined ? { httpPort } : {}),
    ...(values['leader-election-namespace']
      ? {
          leaderElection: {
            namespace: values['leader-election-namespace'],
            onLost: () => {
              process.stderr.write('switchyard controller: lost leadership, exiting\n');
              process.exit(1);
            },
          },
        }
      : {}),
    ...(pollIntervalMs !== undefined
      ? { engine: { pollIntervalMs }, retryBaseDelayMs: Math.min(500, pollIntervalMs) }
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
  });
  const shutdown = () => {
    controller.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `switchyard controller: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
