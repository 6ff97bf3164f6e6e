export type { JournalEntry } from './core/journal.js';
export { GLOBAL_FAILOVER_EVENTS } from './rds/events.js';
export { type AwsSimulator, type AwsSimulatorOptions, startAwsSimulator } from './simulator.js';
