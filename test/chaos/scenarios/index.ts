/**
 * The chaos scenarios in the order they run, each from a reset platform (steps.ts). Those that
 * need the automatic trigger run while the plan's home region writes; the others move the writer
 * to whichever region does not, so the order saves switching back.
 */
import type { Scenario } from '../scenario.js';
import { concurrentFailovers } from './concurrent-failovers.js';
import { controllerSigkill } from './controller-sigkill.js';
import { drillOldPrimaryAlive } from './drill-old-primary-alive.js';
import { flappingPrimary } from './flapping-primary.js';
import { gitopsResync } from './gitops-resync.js';
import { invalidManifests } from './invalid-manifests.js';
import { type RandomScheduleOptions, randomSchedule } from './random-schedule.js';
import { regionLoss } from './region-loss.js';
import { route53ControlPlaneDown } from './route53-control-plane.js';
import { throttlingAndLatency } from './throttling.js';
import { vantagePartition } from './vantage-partition.js';

export function chaosScenarios(random: RandomScheduleOptions): Scenario[] {
  return [
    invalidManifests,
    vantagePartition,
    regionLoss,
    route53ControlPlaneDown,
    flappingPrimary,
    throttlingAndLatency,
    concurrentFailovers,
    gitopsResync,
    controllerSigkill,
    randomSchedule(random),
    drillOldPrimaryAlive,
  ];
}
