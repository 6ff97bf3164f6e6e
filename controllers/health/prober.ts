/**
 * Runs the probes of every RegionHealth whose vantage is this controller's, each at its interval,
 * and writes the results to status: one signal per probe with lastTransitionTime (moves only when
 * `healthy` flips) and lastProbeTime, `healthy` = all signals healthy. A signal turns unhealthy
 * after `failureThreshold` consecutive failures and healthy again on the first success.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { durationMilliseconds } from '../../src/apis/common.js';
import { RegionHealthResource, type RegionHealthStatus } from '../../src/apis/index.js';
import type { AwsPorts } from '../aws/ports.js';
import { describeError } from '../kube/api-errors.js';
import { kubeTime, setCondition } from '../kube/conditions.js';
import type { ControllerMetrics } from '../kube/metrics.js';
import { type SwitchyardKube, serverMeta } from '../kube/resources.js';
import { type ProbeNetwork, runProbe } from './probes.js';

export interface ProberDeps {
  vantage: string;
  aws: AwsPorts;
  kube: SwitchyardKube;
  metrics: ControllerMetrics;
  log(message: string): void;
  /** Where HTTP probes connect (default: the URL itself). */
  network?: ProbeNetwork;
}

type Signal = NonNullable<RegionHealthStatus['signals']>[number];

interface Schedule {
  timer: NodeJS.Timeout | undefined;
  generation: number;
  lastRun: Map<string, number>;
  failures: Map<string, number>;
}

export class RegionHealthProber {
  private readonly schedules = new Map<string, Schedule>();
  /** Round interval per schedule: the shortest probe interval of the object. */
  private readonly intervals = new Map<Schedule, number>();
  private stopped = false;

  constructor(private readonly deps: ProberDeps) {}

  onChange(object: KubernetesObject): void {
    const parsed = RegionHealthResource.safeParse(object);
    const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
    if (!parsed.success || parsed.data.spec.vantage !== this.deps.vantage) {
      this.onDelete(object);
      return;
    }
    const generation = serverMeta(parsed.data).generation;
    const existing = this.schedules.get(key);
    if (existing && existing.generation === generation) return;
    if (existing?.timer) clearTimeout(existing.timer);
    const schedule: Schedule = { timer: undefined, generation, lastRun: new Map(), failures: new Map() };
    this.schedules.set(key, schedule);
    this.arm(key, schedule, 0);
  }

  onDelete(object: KubernetesObject): void {
    const key = `${object.metadata?.namespace}/${object.metadata?.name}`;
    const schedule = this.schedules.get(key);
    if (schedule?.timer) clearTimeout(schedule.timer);
    this.schedules.delete(key);
  }

  stop(): void {
    this.stopped = true;
    for (const schedule of this.schedules.values()) if (schedule.timer) clearTimeout(schedule.timer);
    this.schedules.clear();
  }

  private arm(key: string, schedule: Schedule, delayMs: number): void {
    if (this.stopped) return;
    schedule.timer = setTimeout(() => {
      this.round(key, schedule)
        .catch((error: unknown) => this.deps.log(`probe round ${key}: ${describeError(error)}`))
        .finally(() => {
          if (this.schedules.get(key) === schedule) this.arm(key, schedule, this.nextDelay(schedule));
        });
    }, delayMs);
  }

  private nextDelay(schedule: Schedule): number {
    return this.intervals.get(schedule) ?? 1_000;
  }

  private async round(key: string, schedule: Schedule): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const health = await this.deps.kube.getRegionHealth(namespace, name);
    if (!health || this.stopped) return;
    const now = Date.now();
    const intervals = health.spec.probes.map((p) => durationMilliseconds(p.interval) ?? 10_000);
    this.intervals.set(schedule, Math.max(10, Math.min(...intervals)));
    const previous = new Map((health.status?.signals ?? []).map((s) => [s.name, s]));
    const signals: Signal[] = [];
    for (const probe of health.spec.probes) {
      const interval = durationMilliseconds(probe.interval) ?? 10_000;
      const last = previous.get(probe.name);
      const due = now - (schedule.lastRun.get(probe.name) ?? 0) >= interval;
      if (!due && last) {
        signals.push(last);
        continue;
      }
      schedule.lastRun.set(probe.name, now);
      const result = await runProbe(
        probe,
        health.spec.region,
        this.deps.aws,
        durationMilliseconds(probe.timeout) ?? 5_000,
        this.deps.network,
      );
      const failures = result.healthy ? 0 : (schedule.failures.get(probe.name) ?? 0) + 1;
      schedule.failures.set(probe.name, failures);
      // Below the threshold a failing probe keeps its last state (healthy when it has none yet).
      const healthy = result.healthy || (failures < probe.failureThreshold && (last?.healthy ?? true));
      const at = kubeTime();
      signals.push({
        name: probe.name,
        healthy,
        message:
          result.healthy || healthy === result.healthy
            ? result.message
            : `${result.message} (${failures}/${probe.failureThreshold} failures)`,
        lastTransitionTime: last && last.healthy === healthy ? last.lastTransitionTime : at,
        // Millisecond precision: the trigger tells probe rounds apart by this time, and rounds can be
        // shorter than a second (a second-precision stamp would merge them into one round).
        lastProbeTime: new Date().toISOString(),
        consecutiveFailures: failures,
      });
    }
    const healthy = signals.every((s) => s.healthy);
    const unhealthy = signals.filter((s) => !s.healthy).map((s) => s.name);
    const status: RegionHealthStatus = {
      observedGeneration: serverMeta(health).generation,
      healthy,
      signals,
      conditions: setCondition(
        health.status?.conditions,
        {
          type: 'Healthy',
          status: healthy ? 'True' : 'False',
          reason: healthy ? 'AllSignalsHealthy' : 'SignalsUnhealthy',
          message: healthy
            ? `${health.spec.region} healthy from ${health.spec.vantage}`
            : `unhealthy: ${unhealthy.join(', ')}`,
        },
        serverMeta(health).generation,
      ),
    };
    await this.deps.kube.patchRegionHealthStatus(health, status);
    this.deps.metrics.regionHealthy.set(
      { region: health.spec.region, vantage: health.spec.vantage },
      healthy ? 1 : 0,
    );
  }
}
