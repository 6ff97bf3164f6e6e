/** Lookups into a FailoverPlan spec that every step needs, with the errors people will read. */
import type { FailoverPlanSpec } from '../../src/apis/index.js';

export function otherRegion(plan: FailoverPlanSpec, region: string): string {
  return region === plan.regions.primary ? plan.regions.standby : plan.regions.primary;
}

export function memberArn(plan: FailoverPlanSpec, region: string): string {
  const member = plan.database.members.find((m) => m.region === region);
  // CEL on the plan requires both regions to be listed, so this only fires for a hand-made spec.
  if (!member) throw new Error(`plan lists no database member in ${region}`);
  return member.clusterArn;
}

/** `arn:aws:rds:us-east-2:123456789012:cluster:trading-use2` → `trading-use2`. */
export function clusterIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

export interface GateLocation {
  /** The region whose traffic the gate controls. */
  controls: string;
  alarmName: string;
  /** The gate alarm lives in the *other* region, the one that survives when `controls` fails. */
  alarmRegion: string;
}

export function gateOf(plan: FailoverPlanSpec, region: string): GateLocation {
  const gate = plan.traffic.gates.find((g) => g.region === region);
  if (!gate) throw new Error(`plan lists no traffic gate for ${region}`);
  return { controls: region, alarmName: gate.alarmName, alarmRegion: otherRegion(plan, region) };
}

export function groupsIn(plan: FailoverPlanSpec, region: string): string[] {
  return plan.compute.autoScalingGroups.filter((g) => g.region === region).map((g) => g.name);
}

export function formatLag(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
