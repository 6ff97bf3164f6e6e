import { createServer } from 'node:net';

/**
 * A stand-in that cannot listen says so in one line naming the port and what to do, instead of a
 * raw `EADDRINUSE` stack (and must stop whatever it started: see its callers).
 */
export function listenError(error: unknown, host: string, port: number, what: string): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE')
    return new Error(`${what}: ${host}:${port} is already in use; choose another port (0 picks a free one)`);
  if (code === 'EACCES') return new Error(`${what}: not allowed to listen on ${host}:${port}`);
  return new Error(`${what}: cannot listen on ${host}:${port}: ${String(error)}`);
}

/**
 * Fails with {@link listenError}'s line when `port` cannot be listened on now: a start that brings
 * up several servers checks their fixed ports first, so a taken one is refused before the others
 * did any work. The servers' own listen still reports a port taken in between.
 */
export async function checkPortFree(host: string, port: number, what: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
  } catch (error) {
    throw listenError(error, host, port, what);
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
