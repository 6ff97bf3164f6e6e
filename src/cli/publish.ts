import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { EXAMPLE_PLATFORM_FILE } from '../generate/derived-plan.js';
import { clusterSummaries, describeSource, publish } from '../gitops/publish.js';
import { PublishError } from '../gitops/repository.js';
import { projectRoot } from '../schema/paths.js';
import { YamlSyntaxError } from '../schema/yaml-cache.js';
import type { Command, CommandIo } from './io.js';

/**
 * `switchyard publish --remote <url>`: the environments repository for the checkout's
 * TradingPlatform (src/gitops, docs/environments-repo.md), validated, committed and pushed; no
 * commit when nothing changed. Any failure is a message on stderr, exit 1, and nothing published.
 */

const USAGE =
  'switchyard publish --remote <url> [--branch main] [--dir <path>] [--vantage <name>]… [<xr-file-or-dir>…]';
const DEFAULT_BRANCH = 'main';

class UsageError extends Error {}

function parsePublishArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      remote: { type: 'string' },
      branch: { type: 'string', default: DEFAULT_BRANCH },
      dir: { type: 'string' },
      vantage: { type: 'string', multiple: true },
    },
    strict: true,
    allowPositionals: true,
  });
  if (!values.remote) throw new UsageError('--remote is required');
  if (!values.branch) throw new UsageError('--branch must name a branch');
  return {
    remote: values.remote,
    branch: values.branch,
    dir: values.dir,
    vantages: values.vantage,
    inputs: positionals,
  };
}

const writeLines = (stream: CommandIo['stderr'], text: string) => {
  for (const line of text.split('\n')) stream.write(`switchyard publish: ${line}\n`);
};

export const command: Command = {
  summary:
    'Synthesize the environments repository (both clusters’ folders, Argo CD objects), validate, commit, push',
  usage: [
    USAGE,
    '',
    '--remote  the environments repository (a URL, host:path or a local path; a local bare repository works)',
    `--branch  the branch Argo CD follows (default ${DEFAULT_BRANCH}; created when missing)`,
    '--dir     a working copy left at what was published (cloned when absent; must be clean)',
    '--vantage a vantage point probing both regions, repeatable (default: cluster-use1, cluster-use2)',
    `<xr…>     files or folders holding the TradingPlatform XR (default ${dirname(EXAMPLE_PLATFORM_FILE)}/)`,
  ].join('\n'),
  async run(args, io) {
    let parsed: ReturnType<typeof parsePublishArgs>;
    try {
      parsed = parsePublishArgs(args);
    } catch (error) {
      io.stderr.write(
        `switchyard publish: ${error instanceof Error ? error.message : String(error)}\nusage: ${USAGE}\n`,
      );
      return 2;
    }
    const root = projectRoot();
    try {
      const outcome = await publish({
        root,
        inputs: parsed.inputs.length ? parsed.inputs : [join(root, dirname(EXAMPLE_PLATFORM_FILE))],
        remote: parsed.remote,
        branch: parsed.branch,
        ...(parsed.dir === undefined ? {} : { dir: parsed.dir }),
        ...(parsed.vantages === undefined ? {} : { vantages: parsed.vantages }),
      });
      const where = `${outcome.remote} ${parsed.branch}`;
      const source = describeSource(outcome.source);
      if (!outcome.changed) {
        io.stdout.write(
          `nothing to publish: ${where} at ${outcome.commit.slice(0, 12)} already holds what ${source} produces\n`,
        );
        return 0;
      }
      io.stdout.write(`published ${outcome.commit.slice(0, 12)} to ${where} (source ${source})\n`);
      for (const line of clusterSummaries(outcome.changes)) io.stdout.write(`  ${line}\n`);
      return 0;
    } catch (error) {
      if (error instanceof PublishError || error instanceof YamlSyntaxError) {
        writeLines(io.stderr, error.message);
        return 1;
      }
      throw error;
    }
  },
};
