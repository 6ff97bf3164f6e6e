import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { prepareStateDir } from './state-dir.js';

/**
 * One process per state dir: two platforms writing the same objects.json / aws.json would overwrite
 * each other's state. The lock is a file `<dir>/lock` created with O_EXCL (`wx`), holding who took
 * it. A lock whose process is gone (it was killed before it could release) is taken over.
 */

export const LOCK_FILE = 'lock';

export interface StateLockOwner {
  pid: number;
  /** ISO time the owner took the lock. */
  startedAt: string;
  hostname: string;
}

export interface StateLock {
  readonly path: string;
  readonly owner: StateLockOwner;
  /** Removes the lock file if it is still ours; safe to call more than once. */
  release(): void;
}

/** The state dir is locked by another live process (or, on another host, by one we cannot check). */
export class StateLockError extends Error {
  constructor(
    readonly path: string,
    readonly holder: StateLockOwner | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'StateLockError';
  }
}

export interface AcquireStateLockOptions {
  /** Where the stale-lock takeover is logged; pino on stderr by default. */
  logger?: Logger;
}

/**
 * A lock file being written by its taker is empty or partial for a moment; only an unreadable
 * lock older than this is treated as left behind by a crash.
 */
const UNREADABLE_GRACE_MS = 2_000;

export function acquireStateLock(dir: string, options: AcquireStateLockOptions = {}): StateLock {
  prepareStateDir(dir);
  const path = join(dir, LOCK_FILE);
  const owner: StateLockOwner = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    hostname: hostname(),
  };
  if (!tryCreate(path, owner)) {
    const holder = readOwner(path);
    const staleBecause = whyStale(path, holder);
    if (!staleBecause) throw lockedBy(path, holder);
    const logger = options.logger ?? pino({ name: 'switchyard-state-lock' }, pino.destination(2));
    logger.warn(
      { lock: path, stalePid: holder?.pid, reason: staleBecause },
      'taking over a stale state-dir lock',
    );
    rmSync(path, { force: true });
    // Someone else may have taken it over between our read and our create: then they hold it.
    if (!tryCreate(path, owner)) throw lockedBy(path, readOwner(path));
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    const current = readOwner(path);
    if (current?.pid === owner.pid && current.startedAt === owner.startedAt) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { path, owner, release };
}

function tryCreate(path: string, owner: StateLockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): StateLockOwner | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { pid, startedAt, hostname: host } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof startedAt !== 'string' || typeof host !== 'string')
      return undefined;
    return { pid, startedAt, hostname: host };
  } catch {
    return undefined;
  }
}

/** Why the lock at `path` can be taken over, or undefined when its holder may still be running. */
function whyStale(path: string, holder: StateLockOwner | undefined): string | undefined {
  if (!holder) {
    let ageMs = 0;
    try {
      ageMs = Date.now() - statSync(path).mtimeMs;
    } catch {
      return 'the lock file disappeared';
    }
    return ageMs > UNREADABLE_GRACE_MS ? 'the lock file is unreadable' : undefined;
  }
  // A pid means nothing on another machine (a state dir on a shared volume): never take that over.
  if (holder.hostname !== hostname() || holder.pid === process.pid) return undefined;
  try {
    process.kill(holder.pid, 0);
    return undefined;
  } catch (error) {
    // EPERM: the process exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
      ? `process ${holder.pid} is not running`
      : undefined;
  }
}

function lockedBy(path: string, holder: StateLockOwner | undefined): StateLockError {
  const who = holder
    ? `process ${holder.pid} on ${holder.hostname} (since ${holder.startedAt})`
    : 'a process that is still writing the lock file';
  return new StateLockError(
    path,
    holder,
    `${path}: the state dir is in use by ${who}; stop that process or use another --state-dir`,
  );
}
