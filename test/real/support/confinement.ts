/**
 * Assertions that what a real-platform test runs in a network namespace (netns.ts, reference §8)
 * is out of the host's reach: shared by every suite that runs components there.
 */
import { connect } from 'node:net';
import { expect } from 'vitest';
import { bindsEveryAddress, type NetworkNamespace, socketInodes, tcpListeners } from './netns.js';

/** A process started in the namespace, named for assertion messages. */
export interface Confined {
  label: string;
  pid: number;
}

/** The process holds no listening socket in the host's socket table (the test process's namespace). */
export function expectNoHostListener({ label, pid }: Confined): void {
  const sockets = socketInodes(pid);
  expect(
    tcpListeners('self').filter((listener) => sockets.has(listener.inode)),
    `${label}: listeners in the host's socket table`,
  ).toEqual([]);
}

/**
 * `port` is the process's listener on every address inside the namespace (why the process runs
 * there: upstream has no flag to bind loopback only), it has nothing in the host's socket table, and
 * 127.0.0.1:port from the host is refused.
 */
export async function expectEveryAddressListenerConfined(
  netns: NetworkNamespace,
  process: Confined,
  port: number,
): Promise<void> {
  const sockets = socketInodes(process.pid);
  const inside = netns.listeners().find((listener) => listener.port === port && sockets.has(listener.inode));
  expect(
    inside && bindsEveryAddress(inside),
    `${process.label}: port ${port} bound to every address inside`,
  ).toBe(true);
  expectNoHostListener(process);
  expect(await connectOutcome(port), `${process.label}: port ${port} from the host`).toBe('ECONNREFUSED');
}

/** What a TCP connection to 127.0.0.1:port from the host's namespace gets. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
