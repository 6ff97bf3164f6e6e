/**
 * Writing a tree of files into the environments repository: one commit on the branch, pushed, or
 * nothing at all. The work happens in a temporary clone, so a failure (unreachable remote, a push
 * refused twice because another publisher got there first) leaves the remote, the checkout and
 * the `--dir` working copy as they were. A tree equal to the branch's makes no commit.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { firstLine, type Git, GitError, gitIn } from './git.js';
import { CLUSTERS_DIR, PUBLISHER } from './names.js';

export class PublishError extends Error {}

/** A file of the repository with its text; the publisher owns everything under CLUSTERS_DIR. */
export interface RenderedFile {
  path: string;
  text: string;
}

/** One changed file, as `git diff --name-status` says it: A(dded), M(odified), D(eleted). */
export interface FileChange {
  status: 'A' | 'M' | 'D';
  path: string;
}

export interface PushOptions {
  remote: string;
  branch: string;
  /** A working copy of the branch to leave at what was published (cloned when absent). */
  dir?: string;
  files: readonly RenderedFile[];
  /** The commit message for a list of changes (never called when nothing changed). */
  message(changes: readonly FileChange[]): string;
  /**
   * Runs after the branch was fetched and the commit made, before each push (attempt 1, then 2):
   * where another publisher's push can land. Tests race through it.
   */
  beforePush?: (attempt: number) => Promise<void>;
}

export interface PushResult {
  /** The branch's commit after publishing: the new one, or the one that already held the tree. */
  commit: string;
  changed: boolean;
  changes: FileChange[];
}

const unreachable = (remote: string, error: unknown) =>
  new PublishError(
    `cannot reach ${remote}: ${error instanceof GitError ? firstLine(error.result.stderr) : String(error)}; nothing was published`,
  );

/** A clone of the branch in `work`, or an empty repository on it when the branch does not exist yet. */
async function cloneBranch(remote: string, branch: string, work: string): Promise<Git> {
  let heads: string;
  try {
    heads = await gitIn(work)(['ls-remote', '--heads', remote, `refs/heads/${branch}`]);
  } catch (error) {
    throw unreachable(remote, error);
  }
  const git = gitIn(work, await identity(work));
  try {
    if (heads.trim() === '') {
      await git(['init', '--quiet', '--initial-branch', branch]);
      await git(['remote', 'add', 'origin', remote]);
    } else {
      await git(['clone', '--quiet', '--no-tags', '--single-branch', '--branch', branch, remote, '.']);
    }
  } catch (error) {
    throw unreachable(remote, error);
  }
  return git;
}

/** The person's git identity when they have one; else the publisher's, so a bare machine can publish. */
async function identity(cwd: string): Promise<Record<string, string>> {
  const read = async (key: string) => (await gitIn(cwd).attempt(['config', '--get', key])).stdout.trim();
  const [name, email] = [await read('user.name'), await read('user.email')];
  if (name && email) return {};
  const fallback = { name: PUBLISHER, email: `${PUBLISHER}@localhost` };
  return {
    GIT_AUTHOR_NAME: name || fallback.name,
    GIT_AUTHOR_EMAIL: email || fallback.email,
    GIT_COMMITTER_NAME: name || fallback.name,
    GIT_COMMITTER_EMAIL: email || fallback.email,
  };
}

/** Replaces CLUSTERS_DIR with the files and stages it; the staged changes. */
async function stageTree(git: Git, work: string, files: readonly RenderedFile[]): Promise<FileChange[]> {
  rmSync(join(work, CLUSTERS_DIR), { recursive: true, force: true });
  for (const file of files) {
    if (!file.path.startsWith(`${CLUSTERS_DIR}/`))
      throw new Error(`${file.path}: the publisher only writes under ${CLUSTERS_DIR}/`);
    const target = join(work, file.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.text);
  }
  await git(['add', '--all', '--', CLUSTERS_DIR]);
  const status = await git(['diff', '--cached', '--name-status', '--no-renames']);
  return status
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [code = '', path = ''] = line.split('\t');
      return { status: code.charAt(0) as FileChange['status'], path };
    });
}

/** Pushes HEAD to the branch: true, or false when refused because the branch moved (non-fast-forward). */
async function push(git: Git, remote: string, branch: string): Promise<boolean> {
  const result = await git.attempt(['push', '--porcelain', 'origin', `HEAD:refs/heads/${branch}`]);
  if (result.code === 0) return true;
  if (/^!\t.*\[rejected\] \((fetch first|non-fast-forward)\)/m.test(result.stdout)) return false;
  const reason =
    result.stdout
      .match(/^!\t.*$/m)?.[0]
      .split('\t')
      .pop() ?? firstLine(result.stderr);
  throw new PublishError(`push to ${remote} ${branch} refused: ${reason}; nothing was published`);
}

/** `--dir` must be absent, empty, or a clean clone of the remote on the branch with nothing unpushed. */
async function checkWorkingCopy(dir: string, remote: string, branch: string): Promise<void> {
  if (!existsSync(dir) || readdirSync(dir).length === 0) return;
  const git = gitIn(dir);
  const fail = (reason: string) => {
    throw new PublishError(`--dir ${dir}: ${reason}; nothing was published`);
  };
  const top = await git.attempt(['rev-parse', '--show-toplevel']);
  if (top.code !== 0 || realpathSync(top.stdout.trim()) !== realpathSync(dir))
    fail('not empty and not a git working copy');
  const origin = (await git.attempt(['remote', 'get-url', 'origin'])).stdout.trim();
  if (origin !== remote) fail(`a clone of ${origin || 'nothing'}, not of ${remote}`);
  const current = (await git.attempt(['symbolic-ref', '--short', 'HEAD'])).stdout.trim();
  if (current !== branch) fail(`on ${current || 'a detached HEAD'}, not on ${branch}`);
  if ((await git(['status', '--porcelain'])).trim() !== '') fail('has uncommitted changes');
  const unpushed = await git.attempt(['rev-list', '--max-count=1', 'HEAD', '--not', '--remotes=origin']);
  if (unpushed.stdout.trim() !== '') fail('has commits that are not on the remote');
}

/** Leaves `--dir` at the branch as published. */
async function updateWorkingCopy(dir: string, remote: string, branch: string): Promise<void> {
  try {
    if (!existsSync(dir) || readdirSync(dir).length === 0) {
      mkdirSync(dir, { recursive: true });
      await gitIn(dir)(['clone', '--quiet', '--branch', branch, remote, '.']);
    } else {
      await gitIn(dir)(['pull', '--quiet', '--ff-only', 'origin', branch]);
    }
  } catch (error) {
    throw new PublishError(
      `published, but --dir ${dir} was not updated: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Commits the files on the branch and pushes; when the push is refused because the branch moved,
 * fetches it and tries once more on top of it, else fails with nothing pushed.
 */
export async function pushTree(options: PushOptions): Promise<PushResult> {
  const { remote, branch } = options;
  if ((await gitIn(tmpdir()).attempt(['check-ref-format', '--branch', branch])).code !== 0)
    throw new PublishError(`--branch ${branch}: not a valid branch name; nothing was published`);
  const dir = options.dir === undefined ? undefined : resolve(options.dir);
  if (dir !== undefined) await checkWorkingCopy(dir, remote, branch);
  const work = mkdtempSync(join(tmpdir(), 'switchyard-publish-'));
  try {
    const git = await cloneBranch(remote, branch, work);
    for (let attempt = 1; ; attempt++) {
      const changes = await stageTree(git, work, options.files);
      if (changes.length === 0) {
        const head = await git.attempt(['rev-parse', '--verify', '--quiet', 'HEAD']);
        if (dir !== undefined && head.code === 0) await updateWorkingCopy(dir, remote, branch);
        return { commit: head.stdout.trim(), changed: false, changes };
      }
      await git(['commit', '--quiet', '--no-verify', '--message', options.message(changes)]);
      await options.beforePush?.(attempt);
      if (await push(git, remote, branch)) {
        if (dir !== undefined) await updateWorkingCopy(dir, remote, branch);
        return { commit: (await git(['rev-parse', 'HEAD'])).trim(), changed: true, changes };
      }
      if (attempt === 2)
        throw new PublishError(
          `${remote} ${branch} moved while publishing, twice (another push got there first); nothing was published: run publish again`,
        );
      try {
        await git(['fetch', '--quiet', 'origin', branch]);
        await git(['reset', '--quiet', '--hard', 'FETCH_HEAD']);
      } catch (error) {
        throw unreachable(remote, error);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
