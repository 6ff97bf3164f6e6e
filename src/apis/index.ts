/** Switchyard's own custom resources, in the order their CRDs are emitted. */
import { FailoverResource } from './failover.js';
import { FailoverPlanResource } from './failover-plan.js';
import { RegionHealthResource } from './region-health.js';

export const customResources = [FailoverPlanResource, FailoverResource, RegionHealthResource] as const;

export * from './failover.js';
export * from './failover-plan.js';
export * from './region-health.js';
