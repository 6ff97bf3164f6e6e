import { parseArgs } from 'node:util';
import { adminRequest, SimulatorRequestError } from '../../local/aws/admin-client.js';
import type { JournalEntry } from '../../local/aws/index.js';
import type { Command } from './io.js';

const USAGE =
  'switchyard journal --aws <url> [--json] [--service s] [--region r] [--operation o] [--outcome ok|error|refused]';

function line(entry: JournalEntry): string {
  const code = entry.errorCode ? ` ${entry.errorCode}` : '';
  return `${entry.seq}\t${entry.time}\t${entry.region}\t${entry.service}\t${entry.operation}\t${entry.outcome}${code}`;
}

export const command: Command = {
  summary: 'Print the request journal of a running AWS simulator',
  usage: USAGE,
  async run(args, io) {
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args,
        options: {
          aws: { type: 'string' },
          json: { type: 'boolean' },
          service: { type: 'string' },
          region: { type: 'string' },
          operation: { type: 'string' },
          outcome: { type: 'string' },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      io.stderr.write(`switchyard journal: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    const url = values.aws;
    if (typeof url !== 'string') {
      io.stderr.write(`switchyard journal: usage: ${USAGE}\n`);
      return 2;
    }
    const query = new URLSearchParams();
    for (const key of ['service', 'region', 'operation', 'outcome']) {
      const value = values[key];
      if (typeof value === 'string') query.set(key, value);
    }
    let entries: JournalEntry[];
    try {
      const body = (await adminRequest(url, `journal?${query}`)) as { entries: JournalEntry[] };
      entries = body.entries;
    } catch (error) {
      if (!(error instanceof SimulatorRequestError)) throw error;
      io.stderr.write(`switchyard journal: ${error.message}\n`);
      return error.status === 0 ? 2 : 1;
    }
    if (values.json) io.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    else for (const entry of entries) io.stdout.write(`${line(entry)}\n`);
    return 0;
  },
};
