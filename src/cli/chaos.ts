import { adminRequest, SimulatorRequestError } from '../../local/aws/admin-client.js';
import { FAULT_NAMES } from '../../local/aws/core/faults.js';
import type { Command } from './io.js';

const USAGE = `switchyard chaos --aws <url> <fault> [args]   faults: ${FAULT_NAMES.join(', ')}`;

/** Splits `--aws <url>` (or `--aws=<url>`) from the fault and its arguments. */
function splitArgs(args: string[]): { url?: string; rest: string[] } {
  const rest: string[] = [];
  let url: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--aws') url = args[++i];
    else if (arg.startsWith('--aws=')) url = arg.slice('--aws='.length);
    else rest.push(arg);
  }
  return { ...(url ? { url } : {}), rest };
}

export const command: Command = {
  summary: 'Inject a fault into a running AWS simulator (region-down, control-plane-down, latency, …)',
  usage: USAGE,
  async run(args, io) {
    const { url, rest } = splitArgs(args);
    const [fault, ...faultArgs] = rest;
    if (!url || !fault) {
      io.stderr.write(`switchyard chaos: usage: ${USAGE}\n`);
      return 2;
    }
    try {
      await adminRequest(url, 'faults', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault, args: faultArgs }),
      });
    } catch (error) {
      if (!(error instanceof SimulatorRequestError)) throw error;
      io.stderr.write(`switchyard chaos: ${error.message}\n`);
      return error.status === 400 || error.status === 0 ? 2 : 1;
    }
    io.stdout.write(`applied ${[fault, ...faultArgs].join(' ')}\n`);
    return 0;
  },
};
