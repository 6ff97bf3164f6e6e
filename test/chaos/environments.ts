/**
 * Commits to the environments repository as a person with push access would make them: in a clone,
 * pushed to the branch the syncers follow. The chaos suite pushes re-syncs (a changed annotation)
 * during failovers and invalid manifests the syncers must refuse.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gitIn } from '../../src/gitops/git.js';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'chaos suite',
  GIT_AUTHOR_EMAIL: 'chaos@switchyard.invalid',
  GIT_COMMITTER_NAME: 'chaos suite',
  GIT_COMMITTER_EMAIL: 'chaos@switchyard.invalid',
};

export class EnvironmentsRepo {
  private readonly dir = mkdtempSync(join(tmpdir(), 'switchyard-chaos-env-'));
  private cloned = false;

  /** The branch's tip: what the syncers must serve once they caught up. */
  head: string;

  constructor(
    private readonly remote: string,
    private readonly branch: string,
    published: string,
  ) {
    this.head = published;
  }

  private get git() {
    return gitIn(this.dir, IDENTITY);
  }

  /** Edits the branch's tip with `edit(path → text)` helpers, commits and pushes; returns the commit. */
  async commit(message: string, edit: (tree: WorkTree) => void): Promise<string> {
    if (!this.cloned) {
      await gitIn(tmpdir())(['clone', '--quiet', '--branch', this.branch, this.remote, this.dir]);
      this.cloned = true;
    } else await this.git(['pull', '--quiet', '--ff-only', 'origin', this.branch]);
    edit(new WorkTree(this.dir));
    await this.git(['add', '--all']);
    await this.git(['commit', '--quiet', '-m', message]);
    await this.git(['push', '--quiet', 'origin', `HEAD:${this.branch}`]);
    this.head = (await this.git(['rev-parse', 'HEAD'])).trim();
    return this.head;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The clone's files, by path from the repository's root. */
export class WorkTree {
  constructor(private readonly root: string) {}

  /** The files of a folder (names, sorted). */
  list(folder: string): string[] {
    return readdirSync(join(this.root, folder)).sort();
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  write(path: string, text: string): void {
    mkdirSync(dirname(join(this.root, path)), { recursive: true });
    writeFileSync(join(this.root, path), text);
  }

  remove(path: string): void {
    rmSync(join(this.root, path), { recursive: true, force: true });
  }
}
