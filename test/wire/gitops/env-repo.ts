import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

/** A throwaway git repository on branch `main`: write or remove files, commit, get the commit id. */
export class EnvRepo {
  readonly dir = mkdtempSync(join(tmpdir(), 'switchyard-env-repo-'));
  readonly branch = 'main';

  constructor() {
    this.git('init', '--quiet', '--initial-branch', this.branch);
  }

  /** Writes objects as one multi-document YAML file (or raw text). */
  write(path: string, content: readonly object[] | string): this {
    const file = join(this.dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(
      file,
      typeof content === 'string' ? content : content.map((object) => stringify(object)).join('---\n'),
    );
    return this;
  }

  remove(path: string): this {
    rmSync(join(this.dir, path));
    return this;
  }

  commit(message: string): string {
    this.git('add', '--all');
    this.git('commit', '--quiet', '--allow-empty', '--message', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'test',
        GIT_AUTHOR_EMAIL: 'test@localhost',
        GIT_COMMITTER_NAME: 'test',
        GIT_COMMITTER_EMAIL: 'test@localhost',
      },
    });
  }
}
