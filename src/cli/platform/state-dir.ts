/**
 * Where `switchyard start` keeps the platform between runs: one folder per region's cluster (its
 * objects and kubeconfig), the AWS simulator's state, the environments repository, the syncers'
 * status files, the logs, and the two files users read (kubeconfig with a context per region,
 * endpoints.json). `layout.json` names the layout version, so a state dir written by an older
 * `npm start` (one API server for both regions) is recognised and refused with a clear message.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  prepareStateDir,
  readStateFile,
  StateDirError,
  writeStateFileAtomically,
} from '../../../local/state-dir.js';
import type { PairRegion } from '../../estate/common/parameters.js';

export const STATE_LAYOUT_VERSION = 2;

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
 * StateDirError naming the path and what to do; never changes a state dir of another layout.
 */
export function openPlatformStateDir(paths: PlatformPaths, regions: readonly PairRegion[]): void {
  prepareStateDir(paths.root);
  const layoutFile = join(paths.root, LAYOUT_FILE);
  if (existsSync(layoutFile)) {
    const version = (readStateFile(layoutFile) as { version?: unknown } | undefined)?.version;
    if (version !== STATE_LAYOUT_VERSION)
      throw new StateDirError(
        paths.root,
        `has state layout ${JSON.stringify(version)}, this switchyard writes ${STATE_LAYOUT_VERSION}`,
      );
  } else if (existsSync(join(paths.root, 'objects.json'))) {
    // Before issue 17 one API server served both regions, its objects.json at the top of the dir.
    throw new StateDirError(
      paths.root,
      'holds the state of an older npm start (one Kubernetes API for both regions)',
    );
  }
  const dirs = [paths.aws, paths.gitops, paths.logs, ...regions.map(paths.cluster)];
  for (const dir of [...dirs, ...[...regions, 'platform'].map((name) => join(paths.logs, name))])
    prepareStateDir(dir);
  if (!existsSync(layoutFile))
    writeStateFileAtomically(layoutFile, `${JSON.stringify({ version: STATE_LAYOUT_VERSION })}\n`);
}
