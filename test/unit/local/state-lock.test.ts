import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireStateLock, StateLockError } from '../../../local/state-lock.js';

const HOLDER = join(import.meta.dirname, 'lock-holder.ts');

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-lock-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts lock-holder.ts in its own Node process and waits for its first line. */
async function holder(): Promise<{ child: ChildProcessWithoutNullStreams; firstLine: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dir], { stdio: 'pipe' });
  children.push(child);
  const firstLine = await nextLine(child);
  return { child, firstLine };
}

function nextLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end >= 0) {
        child.stdout.off('data', onData);
        resolve(buffered.slice(0, end));
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`holder exited (${code}) before a line: ${buffered}`)));
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** A pino logger whose lines land in `lines`. */
function capturingLogger(lines: Record<string, unknown>[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return pino({ name: 'test' }, sink);
}

describe('state-dir lock', () => {
  it('writes {pid, startedAt, hostname} to <dir>/lock and removes it on release', () => {
    const lock = acquireStateLock(dir);
    const written = JSON.parse(readFileSync(join(dir, 'lock'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({ pid: process.pid, startedAt: lock.owner.startedAt, hostname: hostname() });
    lock.release();
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    lock.release(); // twice is harmless
    acquireStateLock(dir).release();
  });

  it('refuses a second taker in the same process, naming the holder', () => {
    const lock = acquireStateLock(dir);
    try {
      expect(() => acquireStateLock(dir)).toThrow(StateLockError);
      expect(() => acquireStateLock(dir)).toThrow(`in use by process ${process.pid} on ${hostname()}`);
    } finally {
      lock.release();
    }
  });

  it('between two processes: the second is refused with the first one’s pid, and gets it once released', async () => {
    const first = await holder();
    expect(first.firstLine).toBe(`locked ${first.child.pid}`);
    let refusal: unknown;
    try {
      acquireStateLock(dir);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StateLockError);
    expect((refusal as StateLockError).holder?.pid).toBe(first.child.pid);
    expect((refusal as Error).message).toContain(`process ${first.child.pid}`);

    // And the other way round: a child cannot take the lock this process holds.
    first.child.stdin.write('release\n');
    expect(await nextLine(first.child)).toBe('released');
    const mine = acquireStateLock(dir);
    try {
      const second = await holder();
      expect(second.firstLine).toContain(
        `refused ${join(dir, 'lock')}: the state dir is in use by process ${process.pid}`,
      );
      expect(await exited(second.child)).toBe(3);
    } finally {
      mine.release();
    }
  });

  it('is released when the holding process exits normally', async () => {
    const first = await holder();
    first.child.stdin.write('exit\n');
    expect(await exited(first.child)).toBe(0);
    expect(existsSync(join(dir, 'lock'))).toBe(false);
  });

  it('takes over the lock of a killed process, with a log line', async () => {
    const first = await holder();
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(existsSync(join(dir, 'lock'))).toBe(true); // SIGKILL leaves it behind
    const lines: Record<string, unknown>[] = [];
    const lock = acquireStateLock(dir, { logger: capturingLogger(lines) });
    try {
      expect(lock.owner.pid).toBe(process.pid);
      expect(lines).toEqual([
        expect.objectContaining({
          msg: 'taking over a stale state-dir lock',
          stalePid: first.child.pid,
          reason: `process ${first.child.pid} is not running`,
        }),
      ]);
    } finally {
      lock.release();
    }
  });

  it('does not take over a lock it cannot judge: another host’s, or one being written right now', () => {
    writeFileSync(
      join(dir, 'lock'),
      JSON.stringify({ pid: 999_999, startedAt: '2026-01-01T00:00:00.000Z', hostname: 'elsewhere' }),
    );
    expect(() => acquireStateLock(dir)).toThrow('in use by process 999999 on elsewhere');
    writeFileSync(join(dir, 'lock'), '');
    expect(() => acquireStateLock(dir)).toThrow('a process that is still writing the lock file');
  });

  it('takes over an unreadable lock once it is older than a taker needs to write one', () => {
    writeFileSync(join(dir, 'lock'), '{"pid":');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'lock'), old, old);
    const lines: Record<string, unknown>[] = [];
    const lock = acquireStateLock(dir, { logger: capturingLogger(lines) });
    lock.release();
    expect(lines[0]).toMatchObject({ reason: 'the lock file is unreadable' });
  });
});
