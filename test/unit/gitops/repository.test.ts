/**
 * The environments repository's git side (src/gitops/repository.ts) with the real git against
 * local bare repositories: one commit per change and none when nothing changed, a racing push
 * retried once on top of it, and every failure leaving the remote and the working copy unchanged.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FileChange,
  PublishError,
  pushTree,
  type RenderedFile,
} from '../../../src/gitops/repository.js';
import { bareRepo, commitsOf, filesOf, git, pushFromAnotherClone, scratch } from './support.js';

let work: ReturnType<typeof scratch>;
let remote: string;
beforeEach(() => {
  work = scratch('repository');
  remote = bareRepo(work.dir);
});
afterEach(() => work.cleanup());

const TREE: RenderedFile[] = [
  { path: 'clusters/us-east-1/a.yaml', text: 'a: 1\n' },
  { path: 'clusters/us-east-1/nested/b.yaml', text: 'b: 1\n' },
  { path: 'clusters/us-east-2/a.yaml', text: 'a: 2\n' },
];

/** The message lists the changes, so a test can read what the publisher saw. */
const message = (changes: readonly FileChange[]) =>
  ['publish', '', ...changes.map((change) => `${change.status} ${change.path}`)].join('\n');

const publishTree = (files: readonly RenderedFile[], extra: Partial<Parameters<typeof pushTree>[0]> = {}) =>
  pushTree({ remote, branch: 'main', files, message, ...extra });

const show = (path: string, branch = 'main') => git(remote, 'show', `refs/heads/${branch}:${path}`);

describe('pushTree', () => {
  it('creates the branch with one commit holding exactly the files', async () => {
    const result = await publishTree(TREE);
    expect(result.changed).toBe(true);
    expect(commitsOf(remote)).toEqual([result.commit]);
    expect(filesOf(remote)).toEqual(TREE.map((file) => file.path).sort());
    expect(show('clusters/us-east-2/a.yaml')).toBe('a: 2\n');
    expect(result.changes.map((change) => change.status)).toEqual(['A', 'A', 'A']);
  });

  it('makes no commit when the tree is what the branch holds', async () => {
    const first = await publishTree(TREE);
    const second = await publishTree(TREE);
    expect(second).toMatchObject({ changed: false, commit: first.commit, changes: [] });
    expect(commitsOf(remote)).toEqual([first.commit]);
  });

  it('records changed and removed files, and leaves files outside clusters/ alone', async () => {
    await publishTree(TREE);
    const readme = pushFromAnotherClone(remote, work.dir, 'README.md', 'ours\n');
    const next = [{ ...TREE[0], text: 'a: 10\n' } as RenderedFile, TREE[2] as RenderedFile];
    const result = await publishTree(next);
    expect(result.changes).toEqual([
      { status: 'M', path: 'clusters/us-east-1/a.yaml' },
      { status: 'D', path: 'clusters/us-east-1/nested/b.yaml' },
    ]);
    expect(git(remote, 'log', '-1', '--format=%B', 'refs/heads/main')).toContain(
      'D clusters/us-east-1/nested/b.yaml',
    );
    expect(git(remote, 'rev-parse', 'refs/heads/main~1').trim()).toBe(readme);
    expect(filesOf(remote)).toEqual(['README.md', 'clusters/us-east-1/a.yaml', 'clusters/us-east-2/a.yaml']);
  });

  it('refuses to write outside clusters/', async () => {
    await expect(publishTree([{ path: 'README.md', text: 'x' }])).rejects.toThrow(
      /only writes under clusters\//,
    );
    expect(commitsOf(remote)).toEqual([]);
  });

  it('fetches and retries once on top of a push that landed between its fetch and its push', async () => {
    const before = (await publishTree(TREE)).commit;
    let racer = '';
    const result = await publishTree([{ ...(TREE[0] as RenderedFile), text: 'a: 3\n' }, ...TREE.slice(1)], {
      beforePush: async (attempt) => {
        if (attempt === 1) racer = pushFromAnotherClone(remote, work.dir, 'RACE.md', 'first\n');
      },
    });
    expect(result.changed).toBe(true);
    // Ours sits on top of theirs: nothing of the other push is lost, nothing forced.
    expect(commitsOf(remote)).toEqual([result.commit, racer, before]);
    expect(show('RACE.md')).toBe('first\n');
    expect(show('clusters/us-east-1/a.yaml')).toBe('a: 3\n');
  });

  it('gives up with a clear error when the branch moves again, leaving the remote as the other pushes made it', async () => {
    await publishTree(TREE);
    let racer = '';
    const attempts: number[] = [];
    const failing = publishTree([{ ...(TREE[0] as RenderedFile), text: 'a: 4\n' }], {
      beforePush: async (attempt) => {
        attempts.push(attempt);
        racer = pushFromAnotherClone(remote, work.dir, `RACE-${attempt}.md`, `${attempt}\n`);
      },
    });
    await expect(failing).rejects.toThrow(PublishError);
    await expect(failing).rejects.toThrow(/moved while publishing, twice.*nothing was published/);
    expect(attempts).toEqual([1, 2]);
    expect(commitsOf(remote)[0]).toBe(racer);
    expect(show('clusters/us-east-1/a.yaml')).toBe('a: 1\n');
  });

  it('fails on an unreachable remote before writing anything, the working copy included', async () => {
    const missing = join(work.dir, 'no-such-repository.git');
    const dir = join(work.dir, 'copy');
    await expect(pushTree({ remote: missing, branch: 'main', files: TREE, message, dir })).rejects.toThrow(
      new RegExp(`cannot reach ${missing}: .*nothing was published`),
    );
    expect(existsSync(missing)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a branch name git would refuse, before contacting the remote', async () => {
    await expect(publishTree(TREE, { branch: 'no such..branch' })).rejects.toThrow(
      /--branch no such\.\.branch: not a valid branch name; nothing was published/,
    );
    expect(commitsOf(remote)).toEqual([]);
  });

  it('refuses a push the remote declines for another reason, naming it', async () => {
    writeFileSync(
      join(remote, 'hooks', 'pre-receive'),
      '#!/bin/sh\necho "frozen for the audit" >&2\nexit 1\n',
      {
        mode: 0o755,
      },
    );
    await expect(publishTree(TREE)).rejects.toThrow(/push to .* main refused: .*nothing was published/);
    expect(commitsOf(remote)).toEqual([]);
  });

  describe('--dir, the working copy', () => {
    it('is cloned when absent and fast-forwarded to each publish', async () => {
      const dir = join(work.dir, 'copy');
      const first = await publishTree(TREE, { dir });
      expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(first.commit);
      const second = await publishTree([{ ...(TREE[0] as RenderedFile), text: 'a: 5\n' }], { dir });
      expect(git(dir, 'rev-parse', 'HEAD').trim()).toBe(second.commit);
      expect(readFileSync(join(dir, 'clusters/us-east-1/a.yaml'), 'utf8')).toBe('a: 5\n');
      expect(git(dir, 'status', '--porcelain')).toBe('');
    });

    it('with uncommitted changes, or a clone of another remote, is refused before anything is pushed', async () => {
      const dir = join(work.dir, 'copy');
      const first = await publishTree(TREE, { dir });
      writeFileSync(join(dir, 'clusters/us-east-1/a.yaml'), 'edited by hand\n');
      const next = [{ ...(TREE[0] as RenderedFile), text: 'a: 6\n' }];
      await expect(publishTree(next, { dir })).rejects.toThrow(
        /--dir .*: has uncommitted changes; nothing was published/,
      );
      expect(commitsOf(remote)).toEqual([first.commit]);
      expect(readFileSync(join(dir, 'clusters/us-east-1/a.yaml'), 'utf8')).toBe('edited by hand\n');

      const other = bareRepo(work.dir, 'other.git');
      const otherCopy = join(work.dir, 'other-copy');
      git(work.dir, 'clone', '--quiet', other, otherCopy);
      await expect(publishTree(next, { dir: otherCopy })).rejects.toThrow(
        new RegExp(`a clone of ${other}, not of ${remote}`),
      );
      expect(commitsOf(remote)).toEqual([first.commit]);
    });
  });
});
