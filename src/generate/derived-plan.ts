/**
 * The example FailoverPlan and RegionHealth objects, generated from the example TradingPlatform by
 * the same derivation as `switchyard plan` (src/plan), so they can never drift from the estate.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiObject, type App, Chart } from 'cdk8s';
import { parse } from 'yaml';
import { derivePlan } from '../plan/derive.js';
import { projectRoot } from '../schema/paths.js';
import type { GeneratedSource } from './generated-files.js';

export const EXAMPLE_PLATFORM_FILE = 'examples/estate/trading-platform.yaml';
export const EXAMPLE_PLAN_FILE = 'examples/failover/failover-plan.yaml';
export const EXAMPLE_REGION_HEALTH_FILE = 'examples/failover/region-health.yaml';

const HEADER = `# Generated from ${EXAMPLE_PLATFORM_FILE} by \`npm run synth\` (src/plan, \`switchyard plan\`); do not edit.\n`;

export function addDerivedPlanCharts(app: App): GeneratedSource[] {
  const xr: unknown = parse(readFileSync(join(projectRoot(), EXAMPLE_PLATFORM_FILE), 'utf8'));
  const { plan, regionHealths } = derivePlan(xr);
  const planChart = new Chart(app, 'example-failover-plan');
  new ApiObject(planChart, 'plan', plan);
  const healthChart = new Chart(app, 'example-region-health');
  for (const [index, health] of regionHealths.entries())
    new ApiObject(healthChart, `health-${index}`, health);
  return [
    { path: EXAMPLE_PLAN_FILE, chart: planChart, header: HEADER },
    { path: EXAMPLE_REGION_HEALTH_FILE, chart: healthChart, header: HEADER },
  ];
}
