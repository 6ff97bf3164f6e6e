/**
 * How a plan's automatic signals combine on one vantage (FailoverPlan spec.automatic.signalPolicy):
 * under All the primary counts as failing there only when every listed signal failed in N of the
 * last M rounds, under Any when one did. A promotion is one-way and may lose writes, so All is the
 * default: the ALB failing alone is usually the app tier, which promoting the database cannot fix.
 */
import type { FailoverPlanSpec } from '../../src/apis/index.js';

export type SignalPolicy = FailoverPlanSpec['automatic']['signalPolicy'];

/** One probe round of one RegionHealth: each reported signal's verdict. */
export interface Round {
  at: string;
  healthy: ReadonlyMap<string, boolean>;
}

export interface SignalsOnVantage {
  policy: SignalPolicy;
  /** The plan's automatic signals. */
  signals: readonly string[];
  /** The signals this vantage's RegionHealth probes (its spec.probes). */
  probed: readonly string[];
  /** Its rounds, oldest first. */
  rounds: readonly Round[];
  window: { failing: number; outOf: number };
}

export interface SignalJudgement {
  /** Whether the primary counts as failing on this vantage under the policy. */
  failing: boolean;
  /** The listed signals that failed in at least N of the last M rounds. */
  failingSignals: string[];
  /** Listed signals the vantage does not probe: under All it cannot vote, under Any they are ignored. */
  unprobed: string[];
}

export function judgeSignals({ policy, signals, probed, rounds, window }: SignalsOnVantage): SignalJudgement {
  // Every signal is judged over the same window: the vantage's last M rounds.
  const recent = rounds.slice(-window.outOf);
  const unprobed = signals.filter((signal) => !probed.includes(signal));
  const failingSignals = signals.filter(
    (signal) =>
      probed.includes(signal) &&
      recent.filter((round) => round.healthy.get(signal) === false).length >= window.failing,
  );
  const failing =
    policy === 'All'
      ? signals.length > 0 && unprobed.length === 0 && failingSignals.length === signals.length
      : failingSignals.length > 0;
  return { failing, failingSignals, unprobed };
}

/**
 * Why a vantage that sees some failure does not vote under the policy, or undefined when it votes
 * or sees nothing worth saying.
 */
export function whyNoVote(policy: SignalPolicy, judgement: SignalJudgement): string | undefined {
  if (judgement.failing || policy !== 'All') return undefined;
  if (judgement.unprobed.length > 0) return `cannot vote: does not probe ${judgement.unprobed.join(', ')}`;
  if (judgement.failingSignals.length > 0) return `only ${judgement.failingSignals.join(', ')} failing`;
  return undefined;
}
