import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { z } from 'zod';

/**
 * What the Kubernetes API emulator and the AWS simulator share about their state dirs: one error
 * type for every way a state dir can be unusable, a start-time check that the dir can be written,
 * reading a state file without a raw SyntaxError, and writing one without ever leaving it half
 * written.
 */

export const MOVE_AWAY = 'move it away or start with an empty --state-dir';
const CHOOSE_ANOTHER = 'choose a --state-dir this process can write';

/** A state dir or state file that cannot be used; the message names the path and what to do. */
export class StateDirError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly remedy: string = MOVE_AWAY,
  ) {
    super(`${path}: ${problem}; ${remedy}`);
    this.name = 'StateDirError';
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * Creates `dir` when missing and proves it can be written, so an unusable dir (under /proc, read-only,
 * a file where the dir should be) is refused at start rather than on the first write.
 */
export function prepareStateDir(dir: string): void {
  try {
    makeDirs(dir);
  } catch (error) {
    throw new StateDirError(dir, `cannot be created as a state dir (${describe(error)})`, CHOOSE_ANOTHER);
  }
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    writeFileDurably(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    throw new StateDirError(dir, `is not writable (${describe(error)})`, CHOOSE_ANOTHER);
  }
}

/** The JSON in `path`, or undefined when there is no such file; anything unreadable is a StateDirError. */
export function readStateFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateDirError(path, `cannot be read (${describe(error)})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StateDirError(path, `is not valid JSON, it may be truncated or corrupt (${describe(error)})`);
  }
}

/** Validates parsed state against its layout's schema; the first problem names its field. */
export function validateState<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
  data: unknown,
  layout: string,
): z.output<Schema> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : '(top level)';
  throw new StateDirError(path, `does not match ${layout}: ${field}: ${issue?.message ?? 'invalid'}`);
}

/**
 * Writes `text` to `path` atomically: a temporary file beside it, flushed to disk, then renamed over
 * it. When any step fails the temporary file is removed and the previous `path` is left as it was.
 */
export function writeStateFileAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  try {
    writeFileDurably(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The tmp path may be what failed (a directory there); the state file is untouched either way.
    }
    throw new StateDirError(
      path,
      `could not be written, the previous file is kept (${describe(error)})`,
      CHOOSE_ANOTHER,
    );
  }
}

/**
 * `mkdir -p` that fails instead of spinning: Node 20's `mkdirSync(dir, { recursive: true })` loops
 * forever on a path under /proc (mkdir answers ENOENT while the parent exists). Each level is tried
 * once, so the depth of the path bounds the work.
 */
function makeDirs(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!statSync(dir).isDirectory()) throw new Error('a file is in the way, not a directory');
      return;
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    makeDirs(parent);
    mkdirSync(dir);
  }
}

function writeFileDurably(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
