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
