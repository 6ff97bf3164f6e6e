/**
 * Where `switchyard start` keeps the platform between runs: one folder per region's cluster (its
 * objects and kubeconfig), the AWS simulator's state, the environments repository, the syncers'
 * status files, the logs, and the two files users read (kubeconfig with a context per region,
 * endpoints.json). `layout.json` names the layout version, so a state dir written by an older
 * `npm start` (one API server for both regions) is recognised and refused with a clear message.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PairRegion } from '../../estate/common/parameters.js';

export const STATE_LAYOUT_VERSION = 2;

export class StateDirLayoutError extends Error {}

export interface PlatformPaths {
  root: string;
  /** Contexts `us-east-1` and `us-east-2`. */
  kubeconfig: string;
  endpoints: string;
  /** The bare environments repository the publisher pushes to and the syncers follow. */
  repo: string;
  aws: string;
  gitops: string;
  logs: string;
  cluster(region: PairRegion): string;
  /** A kubeconfig with only this region's cluster (what its syncer, controller and Crossplane use). */
  clusterKubeconfig(region: PairRegion): string;
  log(region: PairRegion | 'platform', component: string): string;
}

export function platformPaths(root: string): PlatformPaths {
  return {
    root,
    kubeconfig: join(root, 'kubeconfig'),
    endpoints: join(root, 'endpoints.json'),
    repo: join(root, 'environments.git'),
    aws: join(root, 'aws'),
    gitops: join(root, 'gitops'),
    logs: join(root, 'logs'),
    cluster: (region) => join(root, 'clusters', region),
    clusterKubeconfig: (region) => join(root, 'clusters', region, 'kubeconfig'),
    log: (region, component) => join(root, 'logs', region, `${component}.log`),
  };
}

const LAYOUT_FILE = 'layout.json';

/**
 * Creates the folders, or checks that an existing state dir has this layout. Throws a
 * StateDirLayoutError naming what to do; never changes a state dir of another layout.
 */
export function prepareStateDir(paths: PlatformPaths, regions: readonly PairRegion[]): void {
  const layoutFile = join(paths.root, LAYOUT_FILE);
  if (existsSync(layoutFile)) {
    let version: unknown;
    try {
      version = (JSON.parse(readFileSync(layoutFile, 'utf8')) as { version?: unknown }).version;
    } catch {
      throw new StateDirLayoutError(
        `${layoutFile} is not valid JSON: move ${paths.root} away or start with an empty --state-dir`,
      );
    }
    if (version !== STATE_LAYOUT_VERSION)
      throw new StateDirLayoutError(
        `${paths.root} has state layout ${JSON.stringify(version)}, this switchyard writes ${STATE_LAYOUT_VERSION}: move it away or start with an empty --state-dir`,
      );
  } else if (existsSync(join(paths.root, 'objects.json'))) {
    // Before issue 17 one API server served both regions, its objects.json at the top of the dir.
    throw new StateDirLayoutError(
      `${paths.root} holds the state of an older npm start (one Kubernetes API for both regions): move it away or start with an empty --state-dir`,
    );
  }
  for (const dir of [paths.root, paths.aws, paths.gitops, paths.logs, ...regions.map(paths.cluster)])
    mkdirSync(dir, { recursive: true });
  for (const region of [...regions, 'platform' as const])
    mkdirSync(join(paths.logs, region), { recursive: true });
  if (!existsSync(layoutFile))
    writeFileSync(layoutFile, `${JSON.stringify({ version: STATE_LAYOUT_VERSION })}\n`);
}
