import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'cdk8s';
import { REMOTE_RBAC_FILE } from '../chart/remote.js';
import {
  addGeneratedCharts,
  CRD_DIR,
  findStaleFiles,
  renderGeneratedFiles,
} from '../generate/generated-files.js';
import { yamlFilesUnder } from '../schema/catalog.js';
import { projectRoot } from '../schema/paths.js';
import { formatProblem } from '../schema/validate.js';
import type { Command, CommandIo } from './io.js';
import { type LaunchedPlatform, launchPlatform } from './platform/launch.js';
import type { PlatformStatus } from './platform/platform.js';
import { validateInputs } from './validate.js';

const USAGE =
  'switchyard start [--once] [--state-dir <dir>] [--kube-port <p>] [--aws-port <p>] [--time-scale <f>] [--ready-timeout <s>]';

/**
 * Folders of manifests the project emits or ships; each is validated before anything starts. The
 * chart's templates are Helm templates, not manifests: test/unit/chart validates what they render.
 */
const MANIFEST_DIRS = ['examples', 'compositions', CRD_DIR, dirname(REMOTE_RBAC_FILE)];

interface StartOptions {
  once: boolean;
  stateDir: string;
  kubePort: number;
  awsPort: number;
  timeScale: number;
  readyTimeoutMs: number;
}

/**
 * The main job on the embedded platform (issue 17): check that what we emit is current and valid
 * against the upstream schemas, publish this checkout's platform to the environments repository,
 * and run both regions' management clusters, which sync it, compose and provision the estate into
 * the AWS simulator and probe it, until interrupted.
 */
export const command: Command = {
  summary: 'Check every emitted manifest, then run the whole platform: two clusters, Git, Crossplane, AWS',
  usage: [
    USAGE,
    '',
    '--once          stop once the platform is ready (smoke run)',
    '--state-dir     where clusters, AWS, the environments repository and logs live (default .state/)',
    "--kube-port     port of us-east-1's Kubernetes API, us-east-2 takes the next (default: free ports)",
    '--aws-port      port of the AWS simulator (default: a free port)',
    '--time-scale    real ms per simulated AWS ms (default 0.01: a 1-minute Aurora failover takes 0.6 s)',
    '--ready-timeout seconds to wait for the first sync and provisioning (default 120)',
  ].join('\n'),
  async run(args, io) {
    const root = projectRoot();
    let options: StartOptions;
    try {
      options = parseStartArgs(args, root);
    } catch (error) {
      io.stderr.write(`switchyard start: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    if (!checkGeneratedFiles(root, io) || !validateEmittedManifests(root, io)) return 1;

    let launched: LaunchedPlatform;
    try {
      launched = await launchPlatform({ ...options, root }, (line) => io.stdout.write(`${line}\n`));
    } catch (error) {
      io.stderr.write(`switchyard start: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    printReady(launched.endpoints, launched.readySeconds, io);
    if (!options.once) await untilInterrupted();
    await launched.stop();
    io.stdout.write('platform stopped\n');
    return 0;
  },
};

function parseStartArgs(args: string[], root: string): StartOptions {
  const { values } = parseArgs({
    args,
    options: {
      once: { type: 'boolean', default: false },
      'state-dir': { type: 'string', default: join(root, '.state') },
      'kube-port': { type: 'string', default: '0' },
      'aws-port': { type: 'string', default: '0' },
      'time-scale': { type: 'string', default: '0.01' },
      'ready-timeout': { type: 'string', default: '120' },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    once: values.once,
    stateDir: resolve(values['state-dir']),
    kubePort: portNumber('--kube-port', values['kube-port']),
    awsPort: portNumber('--aws-port', values['aws-port']),
    timeScale: positiveNumber('--time-scale', values['time-scale']),
    readyTimeoutMs: positiveNumber('--ready-timeout', values['ready-timeout']) * 1_000,
  };
}

function positiveNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!(number > 0)) throw new Error(`${flag} must be a positive number, got "${value}"`);
  return number;
}

function portNumber(flag: string, value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${flag} must be a port number, got "${value}"`);
  }
  return port;
}

function checkGeneratedFiles(root: string, io: CommandIo): boolean {
  const stale = findStaleFiles(root, renderGeneratedFiles(addGeneratedCharts(new App())));
  for (const line of stale) io.stderr.write(`stale generated file: ${line} (run npm run synth)\n`);
  if (stale.length === 0) io.stdout.write('generated files: up to date\n');
  return stale.length === 0;
}

function validateEmittedManifests(root: string, io: CommandIo): boolean {
  // A folder a later issue fills (compositions/) may still be empty: nothing to check there yet.
  const dirs = MANIFEST_DIRS.map((dir) => join(root, dir)).filter(
    (dir) => existsSync(dir) && yamlFilesUnder(dir).length > 0,
  );
  const result = validateInputs(dirs);
  for (const problem of result.problems) {
    io.stderr.write(`${formatProblem({ ...problem, file: relative(root, problem.file) })}\n`);
  }
  const where = dirs.map((dir) => relative(root, dir)).join(', ');
  io.stdout.write(
    `manifests: ${result.documents} documents in ${where} checked against upstream schemas, ${result.invalidDocuments} invalid\n`,
  );
  return result.invalidDocuments === 0;
}

function printReady(endpoints: PlatformStatus, seconds: number, io: CommandIo): void {
  const kubectl = (context: string) => `kubectl --kubeconfig ${endpoints.kubeconfig} --context ${context}`;
  const relativeDir = relative(process.cwd(), endpoints.stateDir) || '.';
  const stateDir = relativeDir.startsWith('..') ? endpoints.stateDir : relativeDir;
  const chaos = `npx switchyard chaos${stateDir === '.state' ? '' : ` --state-dir ${stateDir}`}`;
  io.stdout.write(
    [
      `platform ready in ${seconds.toFixed(1)} s`,
      ...endpoints.regions.map(
        (region) =>
          `  ${region.region}  context ${region.context}  Kubernetes API ${region.kubeApi ?? 'down'}  controller ${region.controller ?? 'starting'}`,
      ),
      `  AWS simulator   ${endpoints.aws.url}`,
      `  environments    ${endpoints.environmentsRepo.path} (${endpoints.environmentsRepo.branch} at ${endpoints.environmentsRepo.published.slice(0, 12)})`,
      `  control         ${endpoints.control ?? ''}  (endpoints in ${join(endpoints.stateDir, 'endpoints.json')})`,
      '',
      '  try:',
      `    ${kubectl('us-east-2')} get regionhealth -n trading`,
      `    ${kubectl('us-east-2')} get tradingplatform,failoverplan -n trading`,
      `    ${chaos} region-down us-east-1`,
      `    ${kubectl('us-east-2')} get failover -n trading -w`,
      '',
    ].join('\n'),
  );
}

function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
