import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import {
  type ApplicationSelector,
  type ApplicationStatus,
  readAllStatuses,
  STAND_IN,
  Syncer,
} from '../../local/gitops/index.js';
import { projectRoot } from '../schema/paths.js';
import { luaHealthChecks } from './gitops-health.js';
import { formatStatus } from './gitops-status.js';
import type { Command, CommandIo } from './io.js';

/**
 * `switchyard gitops`: the embedded stand-in for Argo CD's application controller (local/gitops,
 * ADR 0018). `sync` runs one reconciliation and waits for its operation, `serve` keeps
 * reconciling with the Application's automated policy, `status` prints what the last one saw.
 */

const USAGE = [
  'switchyard gitops sync  --repo <path> --branch <b> (--application <name> | --region <r>) --kubeconfig <f> [--state-dir d] [--timeout s] [--wave-delay s]',
  '       switchyard gitops serve --repo <path> --branch <b> (--application <name> | --region <r>) --kubeconfig <f> [--state-dir d] [--interval s] [--wave-delay s]',
  '       switchyard gitops status [--state-dir d] [--application <name> | --region <r>] [-o json]',
].join('\n');

const HELP = [
  USAGE,
  '',
  `The syncer is ${STAND_IN}.`,
  'It follows a branch of a local git repository and syncs the folder of the Application found there',
  "(by name, or the one whose path ends in the region) into the kubeconfig's cluster: sync waves with",
  'server-side apply as argocd-controller, health between waves, prune, ignoreDifferences, all as the',
  'Application says. A commit with any invalid document is refused whole (file and field named) and the',
  'last accepted commit keeps being served. Status: <state-dir>/gitops/<application>.json (default .state/).',
  '',
  '--timeout     sync: stop waiting for the operation after this many seconds (default 300)',
  '--wave-delay  seconds between waves (default $ARGOCD_SYNC_WAVE_DELAY, else 2, as Argo CD)',
  '--interval    serve: seconds between reconciliations (default 5)',
].join('\n');

const SYNC_OPTIONS = {
  repo: { type: 'string' },
  branch: { type: 'string' },
  application: { type: 'string' },
  region: { type: 'string' },
  kubeconfig: { type: 'string' },
  'state-dir': { type: 'string' },
  timeout: { type: 'string' },
  interval: { type: 'string' },
  'wave-delay': { type: 'string' },
} as const;

class UsageError extends Error {}

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0)
    throw new UsageError(`--${flag} must be a number of seconds, got "${value}"`);
  return number * 1_000;
}

function selectorOf(
  values: { application?: string; region?: string },
  required: boolean,
): ApplicationSelector | undefined {
  if (values.application && values.region) throw new UsageError('give --application or --region, not both');
  if (values.application) return { name: values.application };
  if (values.region) return { region: values.region };
  if (required) throw new UsageError('--application <name> or --region <region> is required');
  return undefined;
}

const stateDirOf = (value: string | undefined) => resolve(value ?? join(projectRoot(), '.state'));

/** The syncer a sync or serve command asks for; its structured logs go to the command's stderr. */
function syncerFromArgs(args: string[], io: CommandIo) {
  const { values } = parseArgs({ args, options: SYNC_OPTIONS, strict: true, allowPositionals: false });
  for (const flag of ['repo', 'branch', 'kubeconfig'] as const)
    if (!values[flag]) throw new UsageError(`--${flag} is required`);
  const waveDelayMs = seconds(
    'wave-delay',
    values['wave-delay'] ?? process.env.ARGOCD_SYNC_WAVE_DELAY,
    2_000,
  );
  const syncer = new Syncer({
    repo: resolve(values.repo as string),
    branch: values.branch as string,
    selector: selectorOf(values, true) as ApplicationSelector,
    kubeconfig: resolve(values.kubeconfig as string),
    stateDir: stateDirOf(values['state-dir']),
    log: pino({ name: 'switchyard-gitops' }, io.stderr),
    health: luaHealthChecks,
    waveDelayMs,
  });
  return { syncer, values };
}

/** 0 when the head commit was accepted and the application ended Synced with no failed operation. */
function exitCodeOf(status: ApplicationStatus): number {
  const failed = status.operationState !== undefined && status.operationState.phase !== 'Succeeded';
  return status.rejected || status.sync.status !== 'Synced' || failed ? 1 : 0;
}

async function sync(args: string[], io: CommandIo): Promise<number> {
  const { syncer, values } = syncerFromArgs(args, io);
  const timeoutMs = seconds('timeout', values.timeout, 300_000);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const status = await syncer.reconcile('manual', controller.signal);
    io.stdout.write(formatStatus(status));
    return exitCodeOf(status);
  } finally {
    clearTimeout(timer);
  }
}

async function serve(args: string[], io: CommandIo): Promise<number> {
  const { syncer, values } = syncerFromArgs(args, io);
  const intervalMs = seconds('interval', values.interval, 5_000);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  io.stdout.write(`switchyard gitops serve: ${STAND_IN}; Ctrl-C stops it\n`);
  await syncer.serve(intervalMs, controller.signal);
  return 0;
}

function status(args: string[], io: CommandIo): number {
  const { values } = parseArgs({
    args,
    options: {
      'state-dir': { type: 'string' },
      application: { type: 'string' },
      region: { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.output !== undefined && values.output !== 'json')
    throw new UsageError(`-o supports only json, got "${values.output}"`);
  const selector = selectorOf(values, false);
  const stateDir = stateDirOf(values['state-dir']);
  const statuses = readAllStatuses(stateDir).filter((entry) => matches(entry, selector));
  if (statuses.length === 0) {
    const which = selector ? ` for ${JSON.stringify(selector)}` : '';
    io.stderr.write(
      `switchyard gitops status: no status${which} in ${stateDir} (run switchyard gitops sync or serve first)\n`,
    );
    return 1;
  }
  if (values.output === 'json')
    io.stdout.write(`${JSON.stringify(selector ? statuses[0] : statuses, null, 2)}\n`);
  else io.stdout.write(statuses.map(formatStatus).join('\n'));
  return 0;
}

function matches(status: ApplicationStatus, selector: ApplicationSelector | undefined): boolean {
  if (!selector) return true;
  if ('name' in selector)
    return (
      status.application?.name === selector.name ||
      JSON.stringify(status.selector) === JSON.stringify(selector)
    );
  return (
    status.application?.path.split('/').pop() === selector.region ||
    JSON.stringify(status.selector) === JSON.stringify(selector)
  );
}

const SUBCOMMANDS: Record<string, (args: string[], io: CommandIo) => Promise<number> | number> = {
  sync,
  serve,
  status,
};

export const command: Command = {
  summary:
    'Sync an Application from a local git repository like Argo CD would (embedded stand-in), or show its status',
  usage: HELP,
  async run(args, io) {
    const [name, ...rest] = args;
    const run = name ? SUBCOMMANDS[name] : undefined;
    if (!run) {
      io.stderr.write(
        `switchyard gitops: ${name ? `unknown subcommand "${name}"` : 'a subcommand is required'}\nusage: ${USAGE}\n`,
      );
      return 2;
    }
    try {
      return await run(rest, io);
    } catch (error) {
      const usage =
        error instanceof UsageError || (error as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION';
      io.stderr.write(
        `switchyard gitops ${name}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      if (usage) io.stderr.write(`usage: ${USAGE}\n`);
      return usage || String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS') ? 2 : 1;
    }
  },
};
