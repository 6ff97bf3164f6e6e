import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { adminRequest, SimulatorRequestError } from '../../local/aws/admin-client.js';
import { FAULT_NAMES } from '../../local/aws/core/faults.js';
import { projectRoot } from '../schema/paths.js';
import type { Command } from './io.js';

const USAGE = [
  `switchyard chaos [--state-dir <dir>] <fault> [args]   the platform npm start runs (default .state/)`,
  `switchyard chaos --aws <url> <fault> [args]           an AWS simulator alone`,
  '',
  `faults: ${FAULT_NAMES.join(', ')}`,
  'On the platform, region-down <region> takes the region whole: its AWS, its Kubernetes API, its',
  'controller and syncer; region-up <region> brings them back (the old primary rejoins as a secondary).',
].join('\n');

/** Splits `--aws <url>` and `--state-dir <dir>` (or `--flag=value`) from the fault and its arguments. */
function splitArgs(args: string[]): { url?: string; stateDir?: string; rest: string[] } {
  const rest: string[] = [];
  const flags: Record<string, string | undefined> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const flag = ['--aws', '--state-dir'].find((name) => arg === name || arg.startsWith(`${name}=`));
    if (!flag) rest.push(arg);
    else flags[flag] = arg === flag ? args[++i] : arg.slice(flag.length + 1);
  }
  return {
    ...(flags['--aws'] ? { url: flags['--aws'] } : {}),
    ...(flags['--state-dir'] ? { stateDir: flags['--state-dir'] } : {}),
    rest,
  };
}

/** The running platform's control endpoint, from the endpoints.json `switchyard start` wrote. */
function controlEndpoint(stateDir: string): string {
  const file = join(stateDir, 'endpoints.json');
  let endpoints: { control?: unknown; pid?: unknown };
  try {
    endpoints = JSON.parse(readFileSync(file, 'utf8')) as typeof endpoints;
  } catch {
    throw new ChaosError(
      `no running platform: ${file} is missing or unreadable (run npm start, or pass --aws <url>)`,
    );
  }
  if (typeof endpoints.control !== 'string')
    throw new ChaosError(`${file} names no control endpoint (written by an older switchyard start?)`);
  return endpoints.control;
}

class ChaosError extends Error {}

async function postFault(url: string, fault: string, args: string[], platform: boolean): Promise<void> {
  if (!platform) {
    await adminRequest(url, 'faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault, args }),
    });
    return;
  }
  let response: Response;
  try {
    response = await fetch(`${url}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault, args }),
    });
  } catch (error) {
    throw new ChaosError(
      `the platform at ${url} does not answer (${String(error)}): is npm start still running?`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new SimulatorRequestError(body.error ?? `HTTP ${response.status}`, response.status);
}

export const command: Command = {
  summary:
    'Inject a fault into the running platform or an AWS simulator (region-down, latency, partition, …)',
  usage: USAGE,
  async run(args, io) {
    const { url, stateDir, rest } = splitArgs(args);
    const [fault, ...faultArgs] = rest;
    if (!fault || (url && stateDir)) {
      const problem = fault ? '--aws and --state-dir exclude each other' : 'a fault is required';
      io.stderr.write(`switchyard chaos: ${problem} (faults: ${FAULT_NAMES.join(', ')}; see --help)\n`);
      return 2;
    }
    try {
      const target = url ?? controlEndpoint(resolve(stateDir ?? join(projectRoot(), '.state')));
      await postFault(target, fault, faultArgs, url === undefined);
    } catch (error) {
      if (error instanceof ChaosError) {
        io.stderr.write(`switchyard chaos: ${error.message}\n`);
        return 1;
      }
      if (!(error instanceof SimulatorRequestError)) throw error;
      io.stderr.write(`switchyard chaos: ${error.message}\n`);
      return error.status === 400 || error.status === 0 ? 2 : 1;
    }
    io.stdout.write(`applied ${[fault, ...faultArgs].join(' ')}\n`);
    return 0;
  },
};
