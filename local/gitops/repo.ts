/**
 * Reading a branch of a local git repository the way Argo CD's repo server sees a revision: the
 * commit the branch points at and the files of that commit, read from git's object store (no
 * checkout, so a bare repository or one someone is editing works the same). `git` runs as a child
 * process; it never prompts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export class RepoError extends Error {}

function git(repo: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', repo, ...args],
      { env: { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const reason = stderr.split('\n').find((line) => line.trim() !== '') ?? error.message;
        reject(new RepoError(`git ${args.join(' ')} in ${repo}: ${reason.replace(/^(fatal|error): /, '')}`));
      },
    );
  });
}

/** One file of a commit: its path from the repository root and its text. */
export interface RepoFile {
  path: string;
  text: string;
}

export class GitRepo {
  constructor(readonly path: string) {}

  /** The commit `branch` points at; a clear error when the repository or the branch is missing. */
  async head(branch: string): Promise<string> {
    if (!existsSync(this.path)) throw new RepoError(`repository ${this.path} does not exist`);
    try {
      return (
        await git(this.path, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`])
      ).trim();
    } catch {
      throw new RepoError(`repository ${this.path} has no branch "${branch}"`);
    }
  }

  /** Paths of the files under `folder` at `commit` (every depth, or only its own files). */
  async files(commit: string, folder: string, recurse: boolean): Promise<string[]> {
    const prefix = folder === '' || folder === '.' ? '' : `${folder}/`;
    const output = await git(this.path, ['ls-tree', '-r', '-z', '--name-only', commit, '--', prefix || '.']);
    return output
      .split('\0')
      .filter(Boolean)
      .filter((path) => path.startsWith(prefix) && (recurse || !path.slice(prefix.length).includes('/')))
      .sort();
  }

  /** Whether `folder` is a directory at `commit`. */
  async hasFolder(commit: string, folder: string): Promise<boolean> {
    const output = await git(this.path, ['ls-tree', '-z', commit, '--', folder]).catch(() => '');
    return output.split('\0').some((entry) => /^\d+ tree /.test(entry));
  }

  async read(commit: string, path: string): Promise<RepoFile> {
    return { path, text: await git(this.path, ['show', `${commit}:${path}`]) };
  }
}
