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

/** `arn:aws:rds:us-east-2:123456789012:cluster:trading-global-us-east-2` → `trading-global-us-east-2`. */
export function clusterIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** Which of a region's two traffic switches (ADR 0010). */
export type SwitchKind = 'gate' | 'fence';

export interface SwitchLocation {
  kind: SwitchKind;
  /** The region whose traffic the switch controls. */
  controls: string;
  alarmName: string;
  /** The gate lives in the region it controls; the fence in the other one, which survives it. */
  alarmRegion: string;
}

/**
 * How Route 53 reads a gate whose alarm has no data: open in the plan's primary region, closed in
 * its standby (the estate's InsufficientDataHealthStatus, src/estate/traffic/gate.ts).
 */
export function gateOpenWithoutData(plan: FailoverPlanSpec, region: string): boolean {
  return region === plan.regions.primary;
}

export function switchOf(plan: FailoverPlanSpec, kind: SwitchKind, region: string): SwitchLocation {
  const gate = plan.traffic.gates.find((g) => g.region === region);
  if (!gate) throw new Error(`plan lists no traffic gate for ${region}`);
  return kind === 'gate'
    ? { kind, controls: region, alarmName: gate.alarmName, alarmRegion: region }
    : { kind, controls: region, alarmName: gate.fenceAlarmName, alarmRegion: otherRegion(plan, region) };
}

export function groupsIn(plan: FailoverPlanSpec, region: string): string[] {
  return plan.compute.autoScalingGroups.filter((g) => g.region === region).map((g) => g.name);
}

export function formatLag(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
