/**
 * `git` as a child process: the publisher needs clone, commit and push against any remote git
 * itself can reach (local paths, file://, ssh, https), which the JS implementations cannot all do
 * (feasibility.md §6). Never interactive: a remote that wants credentials fails instead of asking.
 */
import { execFile } from 'node:child_process';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly result: GitResult,
  ) {
    super(`git ${args.join(' ')}: ${firstLine(result.stderr) || `exit ${result.code}`}`);
  }
}

/** The first line git wrote, without its `fatal: `/`error: ` prefix: what a person needs to read. */
export function firstLine(text: string): string {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '') ?? '';
  return line.replace(/^(fatal|error): /, '').trim();
}

const ENVIRONMENT = {
  // Messages in English, so the few we read are stable.
  LC_ALL: 'C',
  // A remote asking for a password fails instead of waiting for a terminal.
  GIT_TERMINAL_PROMPT: '0',
  GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes -o ConnectTimeout=20',
};

export type Git = {
  /** Runs git; a non-zero exit is a GitError. */
  (args: readonly string[]): Promise<string>;
  /** Runs git and returns the exit code and output, whatever they are. */
  attempt(args: readonly string[]): Promise<GitResult>;
};

/** git in `cwd`, with `env` added to the environment (an identity, for instance). */
export function gitIn(cwd: string, env: Record<string, string> = {}): Git {
  const attempt = (args: readonly string[]) =>
    new Promise<GitResult>((resolve) => {
      execFile(
        'git',
        [...args],
        { cwd, env: { ...process.env, ...ENVIRONMENT, ...env }, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          if (!error) return resolve({ code: 0, stdout, stderr });
          // A numeric code is git's exit status; otherwise git did not run (not installed, say).
          if (typeof error.code === 'number') return resolve({ code: error.code, stdout, stderr });
          resolve({ code: 127, stdout, stderr: stderr || `cannot run git: ${error.message}` });
        },
      );
    });
  const run = async (args: readonly string[]) => {
    const result = await attempt(args);
    if (result.code !== 0) throw new GitError(args, result);
    return result.stdout;
  };
  return Object.assign(run, { attempt });
}
