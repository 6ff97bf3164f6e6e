import type { ChildProcess } from 'node:child_process';

/** The next IPC message from a bench child that carries `key`; rejects if `who` exits first. */
export function nextMessage<T extends object>(child: ChildProcess, key: string, who: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (typeof message !== 'object' || message === null || !(key in message)) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`${who} child exited (${code}) before ${key}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
