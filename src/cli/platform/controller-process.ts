/**
 * The parent's side of controller-child.ts: forks a region's controller as a child process and
 * hands back what the platform needs (its /readyz URL, stop) and what the chaos suite needs (its
 * pid, SIGKILL). The entry is controller-child.ts bundled for plain node or, with `--import tsx`
 * in execArgv, the TypeScript file itself. A process can be forked ahead (`preloadController`):
 * its code is loaded, and it starts the controller once it gets settings, as a node with the
 * image pulled restarts a container faster.
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { ControllerSettings, LaunchedController } from './controller-launcher.js';

export interface ControllerEntry {
  /** controller-child.ts or its bundle. */
  path: string;
  execArgv: string[];
}

export interface ControllerProcess extends LaunchedController {
  readonly pid: number;
  readonly httpUrl: string;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
}

const STOP_GRACE_MS = 10_000;
const START_TIMEOUT_MS = 60_000;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A controller process with its code loaded, waiting for its settings. */
export interface PreloadedController {
  child: ChildProcess;
  stderr(): string;
}

export function preloadController(entry: ControllerEntry): PreloadedController {
  const child = fork(entry.path, [], {
    execArgv: entry.execArgv,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  return { child, stderr: () => stderr };
}

/** Starts the controller of `settings` in a preloaded process, or in a new one. */
export async function forkController(
  entry: ControllerEntry,
  settings: ControllerSettings,
  preloaded: PreloadedController = preloadController(entry),
): Promise<ControllerProcess> {
  const { child } = preloaded;
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`the ${settings.region} controller did not start within ${START_TIMEOUT_MS / 1000} s`),
      );
    }, START_TIMEOUT_MS);
    child.once('message', (message: { ready?: string }) => {
      clearTimeout(timer);
      resolve(message.ready ?? '');
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the ${settings.region} controller exited (${signal ?? code}) before it ran: ${preloaded.stderr()}`,
        ),
      );
    });
    child.send({ settings });
  });
  const pid = child.pid ?? 0;
  return {
    pid,
    httpUrl,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited(child);
      clearTimeout(timer);
    },
  };
}
