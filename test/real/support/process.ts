import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../../support/wait.js';
import { realLogDir } from './paths.js';

export interface StartOptions {
  /** Short name used in log file names and error messages. */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves true once the component can take requests; polled until `readyTimeoutMs`. */
  isReady: (output: () => string) => boolean | Promise<boolean>;
  readyTimeoutMs?: number;
}

export interface RunningProcess {
  name: string;
  pid: number;
  logFile: string;
  /** Everything the process wrote so far (stdout and stderr interleaved). */
  output(): string;
  /** Last lines of the log, for error messages. */
  logTail(lines?: number): string;
  /** SIGTERM to the whole process group, SIGKILL after `graceMs`. Resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<RunningProcess>();

// Safety net: if the test worker exits without afterAll (crash, timeout), still kill the groups.
process.once('exit', () => {
  for (const child of running) killGroup(child.pid, 'SIGKILL');
});

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // Negative pid: the whole process group (children are started detached, as group leaders).
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

let sequence = 0;

/**
 * Starts a component in its own process group with output captured to a log file under
 * .cache/real/logs, and waits until `isReady` says it is up. On timeout or early exit the error
 * carries the log tail.
 */
export async function startProcess(options: StartOptions): Promise<RunningProcess> {
  mkdirSync(realLogDir, { recursive: true });
  sequence += 1;
  const logFile = join(realLogDir, `${options.name}-${process.pid}-${sequence}.log`);
  const log = createWriteStream(logFile);
  let captured = '';
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const record = (chunk: Buffer) => {
    captured += chunk.toString('utf8');
    log.write(chunk);
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);

  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      log.end();
      resolveExit();
    });
  });
  const spawnFailure = new Promise<Error>((resolveError) => child.once('error', resolveError));

  const pid = child.pid;
  if (pid === undefined) throw await spawnFailure;

  const handle: RunningProcess = {
    name: options.name,
    pid,
    logFile,
    output: () => captured,
    logTail: (lines = 40) => captured.split('\n').slice(-lines).join('\n'),
    async stop(graceMs = 10_000) {
      running.delete(handle);
      if (exitCode !== undefined) return;
      killGroup(pid, 'SIGTERM');
      const killed = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(killed);
      // The leader may exit before its children; make sure nothing of the group survives.
      killGroup(pid, 'SIGKILL');
    },
  };
  running.add(handle);

  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      running.delete(handle);
      throw new Error(
        `${options.name} exited (code ${exitCode}) before it was ready; log ${logFile}:\n${handle.logTail()}`,
      );
    }
    if (await options.isReady(handle.output)) return handle;
    await sleep(100);
  }
  await handle.stop(2_000);
  throw new Error(`${options.name} not ready after ${timeoutMs} ms; log ${logFile}:\n${handle.logTail()}`);
}

/** Reads a log file fully (for failure reports after the process is gone). */
export function readLog(file: string): string {
  return readFileSync(file, 'utf8');
}
