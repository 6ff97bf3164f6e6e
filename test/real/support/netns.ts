/**
 * A network namespace for one real-platform instance (reference §8): some upstream listeners bind
 * every address with no flag to restrict them (Argo CD's metrics), so their processes run in a
 * namespace of their own that has only `lo`. Nothing they open is then reachable from outside
 * loopback, or even from the host's loopback.
 *
 * - a holder process (`unshare -n`, lo up, `sleep infinity`) keeps the namespace alive;
 * - `wrap(command, args)` returns the command line that runs a process inside it (`nsenter -n`);
 * - `connect(port)` opens a connection to 127.0.0.1:port inside, from the host, through a Unix
 *   socket (Unix sockets cross network namespaces) to a forwarder running inside: nothing is
 *   opened on the host for it (the harness's readiness probes use it);
 * - `expose(port)` makes 127.0.0.1:port inside reachable as 127.0.0.1:port on the host (the same
 *   number, so URLs and kubeconfigs hold on both sides): a host listener on loopback only whose
 *   connections go through `connect`.
 *
 * Needs root (CI runs as root) and util-linux's unshare/nsenter and iproute2's ip.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { type RunningProcess, startProcess } from './process.js';

export interface CommandLine {
  command: string;
  args: string[];
}

export interface NetworkNamespace {
  /** The holder's pid: `nsenter -t <pid> -n` enters the namespace. */
  pid: number;
  wrap(command: string, args: string[]): CommandLine;
  /** A connection from the host to 127.0.0.1:port inside (refused inside: it closes at once). */
  connect(port: number): Socket;
  /** 127.0.0.1:port inside answers on 127.0.0.1:port on the host. */
  expose(port: number): Promise<void>;
  /** A port free on the host's loopback (inside, nothing listens that the test did not start). */
  freePort(): Promise<number>;
  /** Listening TCP sockets of this namespace, as /proc/<pid>/net/tcp{,6} list them. */
  listeners(): TcpListener[];
  /** Something listens on this port inside (a readiness check for what runs there). */
  listening(port: number): boolean;
  stop(): Promise<void>;
}

export interface TcpListener {
  address: string;
  port: number;
  /** The socket's inode: matches a `socket:[inode]` link in the owning process's /proc/<pid>/fd. */
  inode: string;
}

/** The command line that runs `command` inside `netns`, or as it is when there is none. */
export const commandIn = (
  netns: NetworkNamespace | undefined,
  command: string,
  args: string[],
): CommandLine => (netns ? netns.wrap(command, args) : { command, args });

const forwarderScript = join(import.meta.dirname, 'netns-forwarder.ts');

/** Starts the holder and, inside, the forwarder for `expose`. */
export async function startNetworkNamespace(name: string): Promise<NetworkNamespace> {
  const dir = await mkdtemp(join(tmpdir(), `switchyard-netns-${name}-`));
  const holder = await startProcess({
    name: `netns-${name}`,
    command: 'unshare',
    args: ['--net', '--', 'sh', '-c', 'ip link set lo up && echo netns-ready && exec sleep infinity'],
    isReady: (output) => output().includes('netns-ready'),
    readyTimeoutMs: 10_000,
  });
  const wrap = (command: string, args: string[]): CommandLine => ({
    command: 'nsenter',
    args: ['--target', String(holder.pid), '--net', '--', command, ...args],
  });
  const socketPath = join(dir, 'forward.sock');
  const processes: RunningProcess[] = [holder];
  const servers: Server[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => new Promise<void>((done) => server.close(() => done()))));
    for (const child of processes.splice(0).reverse()) await child.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const forwarderLine = wrap(process.execPath, ['--import', 'tsx', forwarderScript, socketPath]);
    processes.push(
      await startProcess({
        name: `netns-${name}-forwarder`,
        ...forwarderLine,
        isReady: (output) => output().includes('netns-forwarder listening'),
        readyTimeoutMs: 20_000,
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const connectInside = (port: number): Socket => {
    const inside = connect(socketPath);
    // The forwarder reads the port line first; writes before the connection completes are queued.
    inside.write(`${port}\n`);
    return inside;
  };
  const listeners = () => tcpListeners(holder.pid);
  return {
    pid: holder.pid,
    wrap,
    connect: connectInside,
    freePort,
    async expose(port) {
      const server = createServer((client) => {
        const inside = connectInside(port);
        client.pipe(inside);
        inside.pipe(client);
        const close = () => {
          client.destroy();
          inside.destroy();
        };
        for (const socket of [client, inside]) {
          socket.on('error', close);
          socket.on('close', close);
        }
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => resolve());
      });
      servers.push(server);
    },
    listeners,
    listening: (port) => listeners().some((listener) => listener.port === port),
    stop,
  };
}

const LISTEN = '0A';

/** Bound to every address (0.0.0.0 or ::), not to loopback only. */
export const bindsEveryAddress = (listener: TcpListener): boolean =>
  listener.address === '0.0.0.0' || listener.address === '::';

/** The listening TCP sockets of the network namespace `pid` is in ('self' for the test process's). */
export function tcpListeners(pid: number | 'self'): TcpListener[] {
  return ['tcp', 'tcp6'].flatMap((table) =>
    readFileSync(`/proc/${pid}/net/${table}`, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === LISTEN)
      .map((fields) => {
        const [address = '', port = '0'] = (fields[1] ?? '').split(':');
        return { address: hexAddress(address), port: Number.parseInt(port, 16), inode: fields[9] ?? '' };
      }),
  );
}

/** /proc/net/tcp{,6} addresses are little-endian hex words: 0100007F is 127.0.0.1, all zeros every address. */
function hexAddress(hex: string): string {
  if (/^0+$/.test(hex)) return hex.length === 8 ? '0.0.0.0' : '::';
  if (hex.length === 8)
    return (hex.match(/../g) ?? [])
      .reverse()
      .map((byte) => Number.parseInt(byte, 16))
      .join('.');
  return hex;
}

/** The inodes of the sockets a process holds open (its /proc/<pid>/fd links `socket:[inode]`). */
export function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // The descriptor closed while we read the directory.
    }
  }
  return inodes;
}
