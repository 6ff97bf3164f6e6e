export { STAND_IN } from './argocd-names.js';
export { builtInOnly, type HealthChecks, type HealthChecksFactory, type HealthStatus } from './health.js';
export type { ApplicationSelector, Problem } from './manifests.js';
export {
  type ApplicationStatus,
  readAllStatuses,
  readStatus,
  statusDir,
  statusFile,
} from './status-store.js';
export { type ReconcileMode, Syncer, type SyncerOptions } from './syncer.js';
