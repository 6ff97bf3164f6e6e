/**
 * The automatic trigger (pitfalls 10 and 11): it creates a Failover (so every failover leaves the
 * same audit object) only when the plan's primary fails the plan's signals, combined by its
 * signalPolicy (signal-policy.ts), on at least `minimumVantagePoints` vantages in N of the last M
 * probe rounds each, the standby is healthy,
 * no execution of the plan is active or inside the cooldown, and the primary is still the plan's
 * home region: once failed over, going back is a planned Switchover, never automatic.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { durationMilliseconds } from '../../src/apis/common.js';
import {
  type Failover,
  type FailoverPlan,
  FailoverResource,
  type RegionHealth,
  RegionHealthResource,
} from '../../src/apis/index.js';
import { isTerminal } from '../failover/phase.js';
import { TRIGGER_LABEL } from '../failover/reconciler.js';
import { describeError, isConflict } from '../kube/api-errors.js';
import { type SwitchyardKube, serverMeta } from '../kube/resources.js';
import { judgeSignals, type Round, whyNoVote } from './signal-policy.js';

const MAX_ROUNDS = 100;
/**
 * A vantage counts only while its reports are fresh: the newest probe of each policy signal within
 * this many of the probe's intervals. A vantage that died (its cluster went down with the primary,
 * or a remote agent lost its way in) must not keep voting with its last rounds.
 */
export const STALE_AFTER_INTERVALS = 3;

/** Why the health's reports of `signals` are stale at `now`, or undefined when they are fresh. */
export function staleness(health: RegionHealth, signals: readonly string[], now: number): string | undefined {
  for (const name of signals) {
    const probe = health.spec.probes.find((p) => p.name === name);
    if (!probe) continue;
    const intervalMs = durationMilliseconds(probe.interval) ?? 10_000;
    const last = health.status?.signals?.find((s) => s.name === name)?.lastProbeTime;
    if (!last) return `${name} never probed`;
    if (now - Date.parse(last) > STALE_AFTER_INTERVALS * intervalMs)
      return `${name} last probed ${last}, more than ${STALE_AFTER_INTERVALS} × ${probe.interval} ago`;
  }
  return undefined;
}

/** `v1 (alb, aurora-writer), v2 (alb)`: each voting vantage once, with the signals it saw failing. */
function describeVoters(voters: readonly { vantage: string; judgement: { failingSignals: string[] } }[]) {
  const byVantage = new Map<string, Set<string>>();
  for (const { vantage, judgement } of voters) {
    const seen = byVantage.get(vantage) ?? new Set();
    for (const signal of judgement.failingSignals) seen.add(signal);
    byVantage.set(vantage, seen);
  }
  return [...byVantage].map(([vantage, failing]) => `${vantage} (${[...failing].join(', ')})`).join(', ');
}

export interface TriggerDeps {
  kube: SwitchyardKube;
  /** The controller's region: it triggers only failovers that activate it (it is the survivor). */
  region: string;
  plans(namespace: string): FailoverPlan[];
  failovers(namespace: string): Failover[];
  now(): Date;
  log(message: string): void;
}

export class AutomaticTrigger {
  private readonly rounds = new Map<string, Round[]>();
  private readonly healths = new Map<string, RegionHealth>();
  /** Per plan, the last reason to hold that was logged: each is logged once, when it changes. */
  private readonly loggedHolds = new Map<string, string>();
  /** Per plan, the primary this trigger last judged and since when it has seen it in that role. */
  private readonly roles = new Map<string, { primary: string; since: number }>();

  constructor(private readonly deps: TriggerDeps) {}

  /** Feeds one RegionHealth update (from any vantage's prober); evaluates the namespace's plans. */
  async observe(object: KubernetesObject): Promise<void> {
    const parsed = RegionHealthResource.safeParse(object);
    if (!parsed.success || !parsed.data.status?.signals?.length) return;
    const health = parsed.data;
    const { namespace, name } = serverMeta(health);
    const key = `${namespace}/${name}`;
    const signals = health.status?.signals ?? [];
    const at =
      signals
        .map((s) => s.lastProbeTime)
        .sort()
        .at(-1) ?? '';
    const history = this.rounds.get(key) ?? [];
    if (history.at(-1)?.at === at) return;
    // The raw result of this round, not `healthy`: that waits for failureThreshold failures, and
    // counting it in the window would pay the hysteresis twice (3 failures, then 3 failing rounds).
    const passed = (s: (typeof signals)[number]) =>
      s.consecutiveFailures === undefined ? s.healthy : s.consecutiveFailures === 0;
    history.push({ at, healthy: new Map(signals.map((s) => [s.name, passed(s)])) });
    if (history.length > MAX_ROUNDS) history.shift();
    this.rounds.set(key, history);
    this.healths.set(key, health);
    for (const plan of this.deps.plans(namespace)) {
      try {
        await this.evaluate(namespace, plan);
      } catch (error) {
        this.deps.log(
          `automatic trigger for plan ${namespace}/${serverMeta(plan).name}: ${describeError(error)}`,
        );
      }
    }
  }

  forget(object: KubernetesObject): void {
    const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
    this.rounds.delete(key);
    this.healths.delete(key);
  }

  /** Why the plan does not fail over now, or undefined when it should (exported for tests/logs). */
  decide(
    namespace: string,
    plan: FailoverPlan,
  ): { fire: false; why: string } | { fire: true; reason: string } {
    const { automatic, regions } = plan.spec;
    if (!automatic.enabled) return { fire: false, why: 'automatic failover disabled' };
    const primary = plan.status?.currentRoles?.primary ?? regions.primary;
    // Before any hold: the role's start must be seen even while the trigger holds for other reasons.
    const since = this.primarySince(
      `${namespace}/${serverMeta(plan).name}`,
      primary,
      this.deps.now().getTime(),
    );
    if (primary !== regions.primary)
      return { fire: false, why: 'already failed over; failback is never automatic' };
    if (regions.standby !== this.deps.region)
      return { fire: false, why: `left to the controller in ${regions.standby}` };
    const signals = automatic.signals ?? [];
    const policy = automatic.signalPolicy;
    const { failing: windowFailing, outOf } = automatic.window;
    const now = this.deps.now().getTime();
    const inNamespace = [...this.healths.entries()].filter(([key]) => key.startsWith(`${namespace}/`));
    const judged = inNamespace
      .filter(([, h]) => h.spec.region === primary)
      .map(([key, h]) => {
        const judgement = judgeSignals({
          policy,
          signals,
          probed: h.spec.probes.map((p) => p.name),
          rounds: (this.rounds.get(key) ?? []).filter((round) => Date.parse(round.at) >= since),
          window: automatic.window,
        });
        const stale = judgement.failing ? staleness(h, signals, now) : undefined;
        return { vantage: h.spec.vantage, judgement, stale };
      });
    const voters = judged.filter((j) => j.judgement.failing && !j.stale);
    const vantages = [...new Set(voters.map((j) => j.vantage))];
    if (vantages.length < automatic.minimumVantagePoints) {
      const stale = judged.flatMap((j) => (j.stale ? [`${j.vantage} (${j.stale})`] : []));
      const noVote = judged.flatMap((j) => {
        const why = whyNoVote(policy, j.judgement);
        return why ? [`${j.vantage} (${why})`] : [];
      });
      return {
        fire: false,
        why: [
          `primary failing on ${vantages.length} fresh vantage(s) under signalPolicy ${policy}, ${automatic.minimumVantagePoints} needed`,
          ...(stale.length > 0 ? [`stale: ${stale.join(', ')}`] : []),
          ...(noVote.length > 0 ? [`not voting: ${noVote.join(', ')}`] : []),
        ].join('; '),
      };
    }
    // The standby must be healthy on every listed signal, whatever the policy: failing over into a
    // region with a failing signal is no cure.
    const anySignalFailed = (round: Round) => signals.some((s) => round.healthy.get(s) === false);
    const standby = inNamespace.filter(([, h]) => h.spec.region === regions.standby);
    const standbyHealthy =
      standby.length > 0 &&
      standby.every(([key, h]) => {
        const last = (this.rounds.get(key) ?? []).at(-1);
        return last !== undefined && !anySignalFailed(last) && !staleness(h, signals, now);
      });
    if (!standbyHealthy) return { fire: false, why: `standby ${regions.standby} not reported healthy` };
    const planName = serverMeta(plan).name;
    const ofPlan = this.deps
      .failovers(namespace)
      .filter((f) => f.spec.planRef.name === planName && !f.spec.dryRun);
    if (ofPlan.some((f) => !isTerminal(f.status?.phase))) {
      return { fire: false, why: 'an execution of the plan is active' };
    }
    const cooldownMs = durationMilliseconds(automatic.cooldown) ?? 30 * 60_000;
    const latest = Math.max(0, ...ofPlan.map((f) => Date.parse(serverMeta(f).creationTimestamp) || 0));
    if (latest + cooldownMs > this.deps.now().getTime())
      return { fire: false, why: `within the cooldown of ${automatic.cooldown}` };
    return {
      fire: true,
      reason: `automatic, signalPolicy ${policy}: ${primary} failed in at least ${windowFailing} of the last ${outOf} rounds on ${describeVoters(voters)}; ${regions.standby} healthy`,
    };
  }

  /**
   * Rounds from before the primary took its role are no evidence against it: as the standby it
   * failed aurora-writer in every round, and a failback (a Switchover made in its own cluster,
   * which this one only learns from the roles) would otherwise fail straight back over on them.
   * `npm run chaos` found it. The first primary a trigger sees counts from its first round.
   */
  private primarySince(planKey: string, primary: string, now: number): number {
    const known = this.roles.get(planKey);
    if (known?.primary === primary) return known.since;
    const since = known ? now : 0;
    this.roles.set(planKey, { primary, since });
    return since;
  }

  private async evaluate(namespace: string, plan: FailoverPlan): Promise<void> {
    const decision = this.decide(namespace, plan);
    const planName = serverMeta(plan).name;
    const planKey = `${namespace}/${planName}`;
    if (!decision.fire) {
      if (this.loggedHolds.get(planKey) !== decision.why)
        this.deps.log(`automatic trigger holds plan ${planKey}: ${decision.why}`);
      this.loggedHolds.set(planKey, decision.why);
      return;
    }
    this.loggedHolds.delete(planKey);
    // One name per minute: two evaluations racing create one object (the other gets 409).
    const minute = this.deps.now().toISOString().slice(0, 16).replace(/[-:T]/g, '');
    const body = {
      apiVersion: FailoverResource.apiVersion,
      kind: FailoverResource.kind,
      metadata: { name: `${planName}-auto-${minute}`, namespace, labels: { [TRIGGER_LABEL]: 'automatic' } },
      spec: {
        planRef: { name: planName },
        type: 'Failover',
        targetRegion: plan.spec.regions.standby,
        // The consent to lose unreplicated writes is the plan's: whoever enabled its automatic
        // policy accepted it (the approval gate and rpoBudgetSeconds still bound how much).
        allowDataLoss: true,
        reason: decision.reason.slice(0, 1024),
      },
    };
    try {
      await this.deps.kube.createFailover(namespace, body);
      this.deps.log(`created Failover ${namespace}/${body.metadata.name}: ${decision.reason}`);
    } catch (error) {
      if (!isConflict(error)) throw error;
    }
  }
}
