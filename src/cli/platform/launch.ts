/**
 * Bringing the platform up the way `switchyard start` and `switchyard demo` both need it: the
 * platform, its control endpoint, endpoints.json, and the wait for readiness. On any failure what
 * was started is stopped again and the error says what was still missing.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_PLATFORM_FILE } from '../../generate/derived-plan.js';
import { type AdminServer, startAdminServer } from './admin-server.js';
import { localClusterSetup } from './cluster-setup.js';
import type { ControllerLauncher } from './controller-launcher.js';
import { EmbeddedPlatform, type PlatformStatus } from './platform.js';
import { waitUntilReady } from './readiness.js';

export interface LaunchOptions {
  root: string;
  stateDir: string;
  kubePort: number;
  awsPort: number;
  timeScale: number;
  readyTimeoutMs: number;
  /** How each region's controller runs; in this process unless given. */
  launchController?: ControllerLauncher;
}

export interface LaunchedPlatform {
  platform: EmbeddedPlatform;
  /** What endpoints.json holds. */
  endpoints: PlatformStatus;
  /** From the start of the launch to ready. */
  readySeconds: number;
  stop(): Promise<void>;
}

export class LaunchError extends Error {}

export async function launchPlatform(
  options: LaunchOptions,
  progress: (line: string) => void,
): Promise<LaunchedPlatform> {
  const started = Date.now();
  const platform = await EmbeddedPlatform.start({
    root: options.root,
    stateDir: options.stateDir,
    inputs: [join(options.root, EXAMPLE_PLATFORM_FILE)],
    kubePort: options.kubePort,
    awsPort: options.awsPort,
    timeScale: options.timeScale,
    clusterSetup: localClusterSetup,
    ...(options.launchController ? { launchController: options.launchController } : {}),
  });
  let admin: AdminServer;
  try {
    admin = await startAdminServer(platform);
  } catch (error) {
    await platform.close();
    throw error;
  }
  const stop = async () => {
    rmSync(platform.paths.endpoints, { force: true });
    await admin.close();
    await platform.close();
  };
  const endpoints = { ...platform.status(), control: admin.url };
  writeFileSync(platform.paths.endpoints, `${JSON.stringify(endpoints, null, 2)}\n`);
  const { published } = platform;
  progress(
    `environments repo: ${published.changed ? 'published' : 'already holds'} ${published.commit.slice(0, 12)} (${platform.paths.repo})`,
  );
  const readiness = await waitUntilReady(platform, options.readyTimeoutMs);
  if (!readiness.ready) {
    await stop();
    throw new LaunchError(
      `not ready after ${options.readyTimeoutMs / 1000} s; still waiting for:\n${readiness.waiting.map((line) => `  ${line}`).join('\n')}\nlogs: ${platform.paths.logs}`,
    );
  }
  // Written again once ready: the controllers' endpoints exist only once they run.
  const ready = { ...platform.status(), control: admin.url };
  writeFileSync(platform.paths.endpoints, `${JSON.stringify(ready, null, 2)}\n`);
  return { platform, endpoints: ready, readySeconds: (Date.now() - started) / 1000, stop };
}
