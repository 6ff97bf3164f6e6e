/**
 * `switchyard publish` as a user runs it, against a local bare repository: the must-show (twice,
 * the second run makes no commit; the pushed tree; `switchyard validate` on every published file
 * exits 0) and its errors: one line each on stderr, exit 1 (2 for usage), nothing pushed.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCommand } from '../../../src/cli/commands.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { memoryIo } from '../../support/memory-io.js';
import {
  BUILT_INS_PENDING,
  bareRepo,
  commitsOf,
  examplePlatform,
  filesOf,
  git,
  scratch,
  validatorKnowsBuiltIns,
} from '../gitops/support.js';

let work: ReturnType<typeof scratch>;
let builtInsKnown = false;
beforeAll(() => {
  work = scratch('publish-cli');
  builtInsKnown = validatorKnowsBuiltIns(SchemaCatalog.load());
});
afterAll(() => work.cleanup());

async function run(...args: string[]) {
  const io = memoryIo();
  const code = await runCommand(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('switchyard publish', () => {
  it('needs --remote', async () => {
    const result = await run('publish');
    expect(result).toMatchObject({ code: 2, out: '' });
    expect(result.err).toMatch(
      /^switchyard publish: --remote is required\nusage: switchyard publish --remote <url>/,
    );
  });

  it('refuses a checkout with two platforms, one line per problem, nothing pushed', async () => {
    const remote = bareRepo(work.dir, 'two.git');
    const file = join(work.dir, 'platforms.yaml');
    writeFileSync(
      file,
      `${stringify(examplePlatform())}---\n${stringify({ ...examplePlatform(), metadata: { name: 'markets', namespace: 'markets' } })}`,
    );
    const result = await run('publish', '--remote', remote, file);
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toMatch(
      /^switchyard publish: 2 TradingPlatform XRs \(trading in .*, markets in .*\): an environments repository holds one platform .*\n$/,
    );
    expect(commitsOf(remote)).toEqual([]);
  });

  it('publishes the checkout twice (no second commit), and every published file validates', async ({
    skip,
  }) => {
    if (!builtInsKnown) skip(BUILT_INS_PENDING);
    const remote = bareRepo(work.dir, 'environments.git');
    const dir = join(work.dir, 'environments');
    const first = await run('publish', '--remote', remote, '--dir', dir);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(
      /^published [0-9a-f]{12} to .* main \(source [0-9a-f]{12}.*\)\n {2}clusters\/us-east-1: \d+ added/,
    );
    const second = await run('publish', '--remote', remote, '--dir', dir);
    expect(second).toMatchObject({ code: 0, err: '' });
    expect(second.out).toMatch(/^nothing to publish: .* main at [0-9a-f]{12} already holds what/);
    expect(commitsOf(remote)).toHaveLength(1);
    expect(filesOf(remote).every((path) => path.startsWith('clusters/us-east-'))).toBe(true);
    expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(commitsOf(remote)[0]);
    const validate = await run('validate', join(dir, 'clusters'));
    expect(validate.code, validate.out).toBe(0);
  }, 120_000);

  it('reports an unreachable remote on one line, exit 1, nothing written', async ({ skip }) => {
    if (!builtInsKnown) skip(BUILT_INS_PENDING);
    const missing = join(work.dir, 'missing.git');
    const result = await run('publish', '--remote', missing, '--dir', join(work.dir, 'copy'));
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^switchyard publish: cannot reach .*missing\.git: .*nothing was published\n$/,
    );
    expect(existsSync(missing) || existsSync(join(work.dir, 'copy'))).toBe(false);
  }, 60_000);
});
