import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../local/kube/index.js';
import type { Command, CommandIo } from './io.js';

const USAGE = 'switchyard kube [--port <p>] [--host <h>] --state-dir <dir>';

export interface StartedKube {
  kube: KubeEmulator;
  kubeconfig: string;
}

/** Starts the emulator from CLI arguments; exported so tests can start and stop it in-process. */
export async function startFromArgs(args: string[], io: CommandIo): Promise<StartedKube | number> {
  let values: { port?: string; host?: string; 'state-dir'?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { port: { type: 'string' }, host: { type: 'string' }, 'state-dir': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(
      `switchyard kube: ${error instanceof Error ? error.message : String(error)}\nusage: ${USAGE}\n`,
    );
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr.write(`switchyard kube: --port must be a port number, got "${values.port}"\n`);
    return 2;
  }
  if (!values['state-dir']) {
    io.stderr.write(`switchyard kube: --state-dir is required\nusage: ${USAGE}\n`);
    return 2;
  }
  const stateDir = resolve(values['state-dir']);
  let kube: KubeEmulator;
  try {
    // The emulator creates the state dir; mkdirSync's own `recursive` spins on paths under /proc.
    kube = await startKubeEmulator({ port, stateDir, ...(values.host ? { host: values.host } : {}) });
  } catch (error) {
    // A bad state dir or a port in use: one line, exit 1, nothing left running.
    io.stderr.write(`switchyard kube: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const kubeconfig = join(stateDir, 'kubeconfig');
  writeKubeconfig(kubeconfig, kube.url);
  io.stdout.write(`switchyard kube ready at ${kube.url} (kubeconfig ${kubeconfig})\n`);
  return { kube, kubeconfig };
}

export const command: Command = {
  summary: 'Run the local Kubernetes API (CRDs, custom resources, watch, apply) for kubectl and controllers',
  usage: USAGE,
  async run(args, io) {
    const started = await startFromArgs(args, io);
    if (typeof started === 'number') return started;
    await new Promise<void>((resolveSignal) => {
      process.once('SIGINT', resolveSignal);
      process.once('SIGTERM', resolveSignal);
    });
    await started.kube.close();
    return 0;
  },
};
