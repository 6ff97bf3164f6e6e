import { fileURLToPath } from 'node:url';
import { App } from 'cdk8s';
import {
  addGeneratedCharts,
  findStaleFiles,
  renderGeneratedFiles,
  writeGeneratedFiles,
} from '../generate/generated-files.js';
import type { Command } from './io.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `switchyard generate [--check]`: the same files as `npm run synth`, without the cdk8s CLI. */
export const command: Command = {
  summary: 'Write the generated CRDs (charts/switchyard/crds); --check only reports stale files',
  usage: 'switchyard generate [--check]',
  async run(args, io) {
    const unknown = args.filter((arg) => arg !== '--check');
    if (unknown.length) {
      io.stderr.write(`switchyard generate: unknown argument ${unknown[0]}\n`);
      return 2;
    }
    const files = renderGeneratedFiles(addGeneratedCharts(new App()));
    if (args.includes('--check')) {
      const stale = findStaleFiles(projectRoot, files);
      for (const line of stale) io.stderr.write(`${line} (run npm run synth)\n`);
      return stale.length ? 1 : 0;
    }
    const report = writeGeneratedFiles(projectRoot, files);
    for (const path of report.written) io.stdout.write(`wrote ${path}\n`);
    for (const path of report.removed) io.stdout.write(`removed ${path}\n`);
    return 0;
  },
};
