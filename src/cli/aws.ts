import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { type AwsSimulator, type Policy, parsePolicy, startAwsSimulator } from '../../local/aws/index.js';
import { acquireStateLock, type StateLock } from '../../local/state-lock.js';
import { type FailoverPlan, FailoverPlanResource } from '../apis/failover-plan.js';
import type { Command, CommandIo } from './io.js';
import { seedAwsForPlan } from './seed-aws.js';

const USAGE =
  'switchyard aws [--port <p>] [--host <h>] [--time-scale <real-ms-per-sim-ms>] [--regions r1,r2] [--seed <failover-plan.yaml>] [--enforce-policy <policy.json>] [--state-dir <dir>]';

/** Starts the simulator from CLI arguments; exported so tests can start and stop it in-process. */
export async function startFromArgs(args: string[], io: CommandIo): Promise<AwsSimulator | number> {
  let values: {
    port?: string;
    host?: string;
    'time-scale'?: string;
    regions?: string;
    seed?: string;
    'enforce-policy'?: string;
    'state-dir'?: string;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'time-scale': { type: 'string' },
        regions: { type: 'string' },
        seed: { type: 'string' },
        'enforce-policy': { type: 'string' },
        'state-dir': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`switchyard aws: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  const timeScale = values['time-scale'] === undefined ? 1 : Number(values['time-scale']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`switchyard aws: --port must be a port number, got "${values.port}"\n`);
    return 2;
  }
  if (!(timeScale > 0)) {
    io.stderr.write(
      `switchyard aws: --time-scale must be a positive number, got "${values['time-scale']}"\n`,
    );
    return 2;
  }
  // Read the plan before starting anything, so a bad file is refused with nothing running.
  let plan: FailoverPlan | undefined;
  if (values.seed) {
    try {
      plan = FailoverPlanResource.parse(parse(readFileSync(values.seed, 'utf8')));
    } catch (error) {
      io.stderr.write(
        `switchyard aws: --seed ${values.seed}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return 1;
    }
  }
  let policy: Policy | undefined;
  const policyFile = values['enforce-policy'];
  if (policyFile !== undefined) {
    try {
      policy = parsePolicy(readFileSync(policyFile, 'utf8'));
    } catch (error) {
      io.stderr.write(
        `switchyard aws: --enforce-policy ${policyFile}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return 1;
    }
  }
  const stateDir = values['state-dir'] === undefined ? undefined : resolve(values['state-dir']);
  let lock: StateLock | undefined;
  let started: AwsSimulator;
  try {
    lock = stateDir === undefined ? undefined : acquireStateLock(stateDir);
    started = await startAwsSimulator({
      port,
      timeScale,
      ...(values.host ? { host: values.host } : {}),
      ...(values.regions ? { regions: values.regions.split(',').map((r) => r.trim()) } : {}),
      ...(stateDir ? { stateDir } : {}),
    });
  } catch (error) {
    lock?.release();
    // A bad state dir, a held lock or a port in use: one line, exit 1, nothing left running.
    io.stderr.write(`switchyard aws: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const sim: AwsSimulator = lock
    ? {
        ...started,
        async close() {
          await started.close();
          lock?.release();
        },
      }
    : started;
  if (plan && sim.restoredFromState) {
    // The saved state is what the plan's currentRoles describe now; seeding again would reset it.
    io.stdout.write(`restored AWS from ${sim.stateFile}; --seed not applied again\n`);
  } else if (plan) {
    await seedAwsForPlan(plan.spec, sim.url);
    io.stdout.write(
      `seeded what FailoverPlan ${plan.metadata.name} points at: global cluster ${plan.spec.database.globalClusterIdentifier}, gate alarms, Auto Scaling groups\n`,
    );
  }
  // After the seed: the seed stands for what the estate's own identity (Crossplane) creates.
  if (policy) {
    sim.policy.set(policy);
    io.stdout.write(
      `enforcing ${policyFile} (${policy.statements.length} Allow statements): anything else is AccessDenied\n`,
    );
  }
  const albs = sim.albs.map((alb) => `${alb.region}=${alb.url}`).join(' ');
  io.stdout.write(`AWS simulator ready at ${sim.url} (time scale ${timeScale}; ALBs ${albs})\n`);
  return sim;
}

export const command: Command = {
  summary: 'Run the AWS simulator (RDS, S3, Route 53, CloudWatch, Auto Scaling) on one local endpoint',
  usage: USAGE,
  async run(args, io) {
    const started = await startFromArgs(args, io);
    if (typeof started === 'number') return started;
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await started.close();
    return 0;
  },
};
