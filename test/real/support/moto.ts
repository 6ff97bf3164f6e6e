import { realBin, requireBuilt } from './paths.js';
import { freePort } from './ports.js';
import { type RunningProcess, startProcess } from './process.js';

export interface RealMoto {
  endpoint: string;
  process: RunningProcess;
  /** Forgets every resource (POST /moto-api/reset), so tests do not see each other's state. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts moto_server (the pinned moto[server] in .cache/real/venv) on a free loopback port. */
export async function startMoto(): Promise<RealMoto> {
  requireBuilt(realBin.motoServer);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = await startProcess({
    name: 'moto',
    command: realBin.motoServer,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    // moto reads these for its default account; the SDK clients pass their own fake credentials.
    env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_DEFAULT_REGION: 'us-east-1' },
    isReady: async () => {
      try {
        const response = await fetch(`${endpoint}/moto-api/data.json`);
        return response.ok;
      } catch {
        return false;
      }
    },
    readyTimeoutMs: 60_000,
  });
  return {
    endpoint,
    process: child,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: ${response.status}`);
    },
    stop: () => child.stop(),
  };
}
