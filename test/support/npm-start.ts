import { type ChildProcess, spawn } from 'node:child_process';
import { projectRoot } from '../../src/schema/paths.js';

/** `npm start` as a child process, the way a newcomer runs it, with everything it prints kept. */
export interface NpmStart {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnNpmStart(stateDir: string): NpmStart {
  const child = spawn('npm', ['start', '--', '--state-dir', stateDir], {
    cwd: projectRoot(),
    // Its own process group, so Ctrl-C (SIGINT) reaches tsx and the platform, as in a terminal.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Ctrl-C to the whole process group; resolves with how npm exited. */
export async function interruptNpmStart(
  started: NpmStart,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (started.child.pid && started.child.exitCode === null) process.kill(-started.child.pid, 'SIGINT');
  return started.exited;
}
