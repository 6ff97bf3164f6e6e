import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { App } from 'cdk8s';
import { type AwsSimulator, startAwsSimulator } from '../../local/aws/index.js';
import { addGeneratedCharts, findStaleFiles, renderGeneratedFiles } from '../generate/generated-files.js';
import { yamlFilesUnder } from '../schema/catalog.js';
import { projectRoot } from '../schema/paths.js';
import type { Command, CommandIo } from './io.js';
import { formatProblem, validateInputs } from './validate.js';

const USAGE = 'switchyard start [--once] [--aws-port <p>]';

/** Folders of manifests the project emits or ships; each is validated before anything starts. */
const MANIFEST_DIRS = ['examples', 'compositions'];

/**
 * The main job on the embedded platform: check that what we emit is current and valid against the
 * upstream schemas, then run the embedded stand-ins until interrupted. Later stand-ins (Kubernetes
 * API, Crossplane, GitOps syncer, the controller) join here as they are built.
 */
export const command: Command = {
  summary: 'Check every emitted manifest, then run the embedded platform (until Ctrl-C, or --once)',
  usage: `${USAGE}\n\n--once       stop after the checks and a start/stop of the platform (smoke run)\n--aws-port   port of the AWS simulator (default: a free port)`,
  async run(args, io) {
    let options: { once: boolean; awsPort: number };
    try {
      options = parseStartArgs(args);
    } catch (error) {
      io.stderr.write(`switchyard start: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    const root = projectRoot();
    if (!checkGeneratedFiles(root, io) || !validateEmittedManifests(root, io)) return 1;

    const aws = await startAwsSimulator({ port: options.awsPort });
    printPlatform(aws, io);
    if (!options.once) await untilInterrupted();
    await aws.close();
    io.stdout.write('platform stopped\n');
    return 0;
  },
};

function parseStartArgs(args: string[]): { once: boolean; awsPort: number } {
  const { values } = parseArgs({
    args,
    options: { once: { type: 'boolean', default: false }, 'aws-port': { type: 'string', default: '0' } },
    strict: true,
    allowPositionals: false,
  });
  const awsPort = Number(values['aws-port']);
  if (!Number.isInteger(awsPort) || awsPort < 0 || awsPort > 65535) {
    throw new Error(`--aws-port must be a port number, got "${values['aws-port']}"`);
  }
  return { once: values.once, awsPort };
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

function printPlatform(aws: AwsSimulator, io: CommandIo): void {
  io.stdout.write(
    [
      'embedded platform ready',
      `  AWS simulator   ${aws.url}  (regions: ${aws.albs.map((alb) => alb.region).join(', ')})`,
      ...aws.albs.map((alb) => `  ALB ${alb.region.padEnd(11)} ${alb.url}`),
      '',
      `  try: npx switchyard chaos --aws ${aws.url} region-down us-east-1`,
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
