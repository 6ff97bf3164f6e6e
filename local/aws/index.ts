export type { AlbMode } from './alb/listeners.js';
export type { JournalEntry } from './core/journal.js';
export { AWS_STATE_FILE, type Persistable } from './core/persistence.js';
export { iamAction, PolicyEnforcement } from './iam/enforcement.js';
export { type Policy, PolicyError, parsePolicy } from './iam/policy.js';
export { GLOBAL_FAILOVER_EVENTS } from './rds/events.js';
export { type AwsSimulator, type AwsSimulatorOptions, startAwsSimulator } from './simulator.js';
