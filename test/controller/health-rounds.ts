/**
 * Probe rounds over the wire, for the automatic-failover tests: RegionHealth manifests that probe
 * the simulator's ALBs (HTTP) and Aurora clusters (AuroraWriter) every INTERVAL_MS with
 * failureThreshold 1, so every probe round reaches the trigger as it is, and bounded waits counted
 * in observed rounds (never wall-clock sleeps), so a slow machine only makes a wait longer.
 */
import { memberArn } from '../../controllers/failover/plan-view.js';
import type { Failover, RegionHealth } from '../../src/apis/index.js';
import { waitFor } from '../support/wait.js';
import { examplePlan } from './estate.js';
import { GROUP, getPlanStatus, type KubeSide, VERSION } from './platform.js';

export const INTERVAL_MS = 250;
/** The example plan's window: 3 failing of the last 5 rounds. */
export const WINDOW = { failing: 3, outOf: 5 };
/** Rounds every RegionHealth must go through before "no Failover" is believed: three windows. */
export const QUIET_ROUNDS = 3 * WINDOW.outOf;
/** Bound on waiting for n rounds: generous for 2 busy cores, still derived from the interval. */
export const roundsTimeout = (n: number) => n * INTERVAL_MS * 8 + 5_000;

const shortRegion = (region: string) => `use${region.slice(-1)}`;

/** `use1-from-use2` for us-east-1 seen from cluster-use2; other vantages keep their name. */
export const healthName = (region: string, vantage: string) =>
  `${shortRegion(region)}-from-${vantage.replace(/^cluster-/, '')}`;

export function regionHealthManifest(namespace: string, region: string, vantage: string, albUrl: string) {
  const probe = { interval: `${INTERVAL_MS}ms`, timeout: `${INTERVAL_MS * 0.8}ms`, failureThreshold: 1 };
  return {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'RegionHealth',
    metadata: { name: healthName(region, vantage), namespace },
    spec: {
      region,
      vantage,
      probes: [
        { name: 'alb', type: 'HTTP', http: { url: `${albUrl}/healthz` }, ...probe },
        {
          name: 'aurora-writer',
          type: 'AuroraWriter',
          auroraWriter: { clusterArn: memberArn(examplePlan.spec, region) },
          ...probe,
        },
      ],
    },
  };
}

/** Reads and waits on the RegionHealth objects and Failovers of one namespace. */
export function healthRounds(side: KubeSide, namespace: string) {
  const readHealth = async (name: string) =>
    (await side.api.getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: 'regionhealths',
      name,
    })) as RegionHealth;

  const failovers = async () =>
    (
      (await side.api.listNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace,
        plural: 'failovers',
      })) as { items: Failover[] }
    ).items;

  const signal = (health: RegionHealth, name: string) => health.status?.signals?.find((s) => s.name === name);
  /** The latest round's time: the newest lastProbeTime of its signals. */
  const roundOf = (health: RegionHealth) =>
    (health.status?.signals ?? [])
      .map((s) => s.lastProbeTime)
      .sort()
      .at(-1);

  /** Waits until every named RegionHealth reports `healthy` (both plan signals agreeing). */
  const waitForHealth = (names: string[], healthy: (name: string) => boolean, what: string) =>
    waitFor(
      async () => {
        for (const name of names) {
          const health = await readHealth(name);
          const want = healthy(name);
          if (health.status?.healthy !== want) return false;
          if (!want && signal(health, 'alb')?.healthy !== false) return false;
          if (!want && signal(health, 'aurora-writer')?.healthy !== false) return false;
        }
        return true;
      },
      what,
      roundsTimeout(4),
    );

  /** Waits until every named RegionHealth reports each signal as `signals` says (name → healthy). */
  const waitForSignals = (names: string[], signals: Record<string, boolean>, what: string) =>
    waitFor(
      async () => {
        for (const name of names) {
          const health = await readHealth(name);
          for (const [signalName, healthy] of Object.entries(signals))
            if (signal(health, signalName)?.healthy !== healthy) return false;
        }
        return true;
      },
      what,
      roundsTimeout(4),
    );

  /**
   * Waits until each named RegionHealth has gone through `n` more probe rounds (new lastProbeTime
   * values, as the trigger counts them) and returns what each round said.
   */
  const watchRounds = async (names: string[], n: number): Promise<Map<string, boolean[]>> => {
    const seen = new Map(
      names.map((name) => [name, { last: undefined as string | undefined, rounds: [] as boolean[] }]),
    );
    for (const name of names) {
      const entry = seen.get(name);
      if (entry) entry.last = roundOf(await readHealth(name));
    }
    await waitFor(
      async () => {
        for (const [name, entry] of seen) {
          if (entry.rounds.length >= n) continue;
          const health = await readHealth(name);
          const at = roundOf(health);
          if (at !== undefined && at !== entry.last) {
            entry.last = at;
            entry.rounds.push(health.status?.healthy === true);
          }
        }
        return [...seen.values()].every((e) => e.rounds.length >= n);
      },
      `${n} probe rounds on ${names.join(', ')}`,
      roundsTimeout(n),
    );
    return new Map([...seen].map(([name, e]) => [name, e.rounds]));
  };

  /**
   * The plan's status once it records `execution` as finished: the controller writes the plan's
   * roles and last execution after the Failover's own status, so reading it at once would race.
   */
  const planStatusAfter = (execution: string): Promise<Record<string, unknown>> =>
    waitFor(
      async () => {
        const status = (await getPlanStatus(side, namespace)) as
          | { lastExecution?: { name?: string; phase?: string } }
          | undefined;
        const last = status?.lastExecution;
        return last?.name === execution && last.phase === 'Succeeded'
          ? (status as Record<string, unknown>)
          : undefined;
      },
      `the plan to record ${execution} as finished`,
      10_000,
    );

  return { readHealth, failovers, waitForHealth, waitForSignals, watchRounds, planStatusAfter };
}
