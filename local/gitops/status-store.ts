/**
 * What the stand-in reports per application, shaped like Argo CD's `Application.status` (sync,
 * health, resources, operationState, conditions) plus what only the stand-in has: the commit it
 * refused and why, by file and field. Kept as one JSON file per application in the state
 * directory the other commands use (`.state/gitops/<application>.json`, or `region-<region>.json` for a syncer told the region), written atomically, so
 * `switchyard gitops status` can read it while a `gitops serve` runs.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncStatusCode } from './compare.js';
import type { HealthStatus, HealthStatusCode } from './health.js';
import type { ApplicationSelector, Problem } from './manifests.js';
import type { OperationState } from './operation.js';

export interface ResourceStatus {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
  status: SyncStatusCode;
  health?: HealthStatus;
  requiresPruning?: boolean;
  syncWave?: number;
  message?: string;
}

export interface Condition {
  type: 'SyncError' | 'ComparisonError' | 'InvalidSpecError';
  message: string;
}

export interface ApplicationStatus {
  standIn: string;
  selector: ApplicationSelector;
  application?: { name: string; namespace: string; project: string; path: string };
  source: { repo: string; branch: string };
  observedAt: string;
  /** The branch's commit when last read. */
  headRevision?: string;
  /** `revision` is the commit being served: the branch's head, or the last good one when the head was refused. */
  sync: { status: SyncStatusCode; revision?: string };
  health: { status: HealthStatusCode };
  resources: ResourceStatus[];
  operationState?: OperationState;
  /** The newest commit refused, with every problem; cleared when a later commit is accepted. */
  rejected?: { revision: string; problems: Problem[] };
  conditions: Condition[];
}

export const statusDir = (stateDir: string) => join(stateDir, 'gitops');

/** The file of a syncer, named after what it follows: the Application's name, or `region-<region>`. */
export function statusFile(stateDir: string, selector: ApplicationSelector): string {
  const name = 'name' in selector ? selector.name : `region-${selector.region}`;
  return join(statusDir(stateDir), `${name}.json`);
}

export function writeStatus(file: string, status: ApplicationStatus): void {
  mkdirSync(join(file, '..'), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(status, null, 2)}\n`);
  renameSync(temporary, file);
}

export function readStatus(file: string): ApplicationStatus | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ApplicationStatus;
  } catch {
    return undefined;
  }
}

/** Every status in the state directory, by file name. */
export function readAllStatuses(stateDir: string): ApplicationStatus[] {
  let names: string[];
  try {
    names = readdirSync(statusDir(stateDir)).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => readStatus(join(statusDir(stateDir), name)) ?? []);
}
