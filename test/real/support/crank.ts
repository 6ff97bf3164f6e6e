import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type CommandResult, runCommand } from '../../support/command.js';
import { commandIn, type NetworkNamespace } from './netns.js';
import { realBin, requireBuilt } from './paths.js';
import { freePort } from './ports.js';
import { type RunningProcess, startProcess } from './process.js';

export interface RunningFunction {
  /** The Function's metadata.name, as referenced by a Composition's functionRef. */
  name: string;
  target: string;
  process: RunningProcess;
}

/** The composition functions real:setup builds, by the name Compositions reference them with. */
export const functionBinaries = {
  'function-patch-and-transform': realBin.functionPatchAndTransform,
  'function-auto-ready': realBin.functionAutoReady,
} as const;

export type FunctionName = keyof typeof functionBinaries;

/**
 * function-sdk-go (v0.5) serves Prometheus metrics on ":8080", every address, and the functions have
 * no flag to move it; a bind that fails (a second function on the same host) is ignored.
 */
export const FUNCTION_METRICS_PORT = 8080;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });
}

export interface FunctionServing {
  /**
   * Serve gRPC over mutual TLS from this directory (tls.crt, tls.key and the ca.crt that client
   * certificates must chain to), as Crossplane dials functions; default plain text (--insecure),
   * which only `crank render` accepts.
   */
  tlsCertsDir?: string;
  /** Run inside this network namespace (its port then answers there only); default the host's. */
  netns?: NetworkNamespace;
}

/** Starts a function as a gRPC server on a free loopback port. */
export async function startFunction(
  name: FunctionName,
  { tlsCertsDir, netns }: FunctionServing = {},
): Promise<RunningFunction> {
  requireBuilt(functionBinaries[name]);
  const port = await freePort();
  const args = [
    tlsCertsDir ? `--tls-certs-dir=${tlsCertsDir}` : '--insecure',
    `--address=127.0.0.1:${port}`,
    '--debug',
  ];
  const child = await startProcess({
    name,
    ...commandIn(netns, functionBinaries[name], args),
    isReady: () => (netns ? netns.listening(port) : portOpen(port)),
    readyTimeoutMs: 30_000,
  });
  return { name, target: `127.0.0.1:${port}`, process: child };
}

/**
 * Writes functions.yaml for `crank render`: one Function per running function, using the
 * Development runtime so crank connects to the already-running process instead of Docker.
 */
export function writeFunctionsFile(dir: string, functions: RunningFunction[]): string {
  const file = join(dir, 'functions.yaml');
  const documents = functions.map((fn) =>
    stringify({
      apiVersion: 'pkg.crossplane.io/v1',
      kind: 'Function',
      metadata: {
        name: fn.name,
        annotations: {
          'render.crossplane.io/runtime': 'Development',
          'render.crossplane.io/runtime-development-target': fn.target,
        },
      },
      // Not pulled with the Development runtime; names the upstream package for readers.
      spec: { package: `xpkg.crossplane.io/crossplane-contrib/${fn.name}` },
    }),
  );
  writeFileSync(file, documents.join('---\n'));
  return file;
}

/** `crank render`, inside `netns` when the functions it calls run there. */
export function crankRender(args: string[], netns?: NetworkNamespace): Promise<CommandResult> {
  requireBuilt(realBin.crank);
  const { command, args: commandArgs } = commandIn(netns, realBin.crank, ['render', ...args]);
  return runCommand(command, commandArgs, { timeoutMs: 90_000 });
}
