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
import { type EmbeddedPlatform, startEmbeddedPlatform } from './embedded-platform.js';
import type { Command, CommandIo } from './io.js';
import { validateInputs } from './validate.js';

const USAGE =
  'switchyard start [--once] [--state-dir <dir>] [--kube-port <p>] [--aws-port <p>] [--time-scale <f>]';

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
}

/**
 * The main job on the embedded platform: check that what we emit is current and valid against the
 * upstream schemas, then run the Node-only stand-ins (Kubernetes API with our CRDs, plan and
 * region health loaded; AWS simulator) until interrupted. Later stand-ins (Crossplane, GitOps
 * syncer, the controller) join here as they are built.
 */
export const command: Command = {
  summary: 'Check every emitted manifest, then run the embedded platform (until Ctrl-C, or --once)',
  usage: [
    USAGE,
    '',
    '--once       stop after the checks and a start/stop of the platform (smoke run)',
    '--state-dir  where the Kubernetes API keeps its objects and kubeconfig (default .state/)',
    '--kube-port  port of the Kubernetes API (default: a free port)',
    '--aws-port   port of the AWS simulator (default: a free port)',
    '--time-scale real ms per simulated AWS ms (default 0.01: a 1-minute Aurora failover takes 0.6 s)',
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

    let platform: EmbeddedPlatform;
    try {
      platform = await startEmbeddedPlatform({ root, ...options });
    } catch (error) {
      io.stderr.write(`switchyard start: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    printPlatform(platform, io);
    if (!options.once) await untilInterrupted();
    await platform.close();
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

function printPlatform(platform: EmbeddedPlatform, io: CommandIo): void {
  const { kube, kubeconfig, aws, controllers, applied } = platform;
  const kubectl = `kubectl --kubeconfig ${kubeconfig}`;
  io.stdout.write(
    [
      'embedded platform ready',
      `  Kubernetes API  ${kube.url}  (kubeconfig ${kubeconfig})`,
      `  AWS simulator   ${aws.url}  (regions: ${aws.albs.map((alb) => alb.region).join(', ')})`,
      ...aws.albs.map((alb) => `  ALB ${alb.region.padEnd(11)} ${alb.url}`),
      ...controllers.map(({ region, log }) => `  controller      ${region}  (log ${log})`),
      `  applied         ${applied.filter((a) => !a.startsWith('CustomResource')).join(', ')}`,
      '',
      `  try: ${kubectl} apply -f examples/failover/failover-switchover.yaml`,
      `       ${kubectl} wait --for=condition=Succeeded failover --all -n trading --timeout=60s`,
      `       ${kubectl} describe failover -n trading`,
      `       npx switchyard chaos --aws ${aws.url} region-down us-east-1`,
      `       npx switchyard journal --aws ${aws.url}`,
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
