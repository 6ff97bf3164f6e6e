import { z } from 'zod';
import type { Persistable } from './persistence.js';
import { isRegionName } from './regions.js';

/**
 * Injected faults. One object owns them so the HTTP front door, the ALB listeners, S3 replication,
 * the Route 53 checkers and Aurora replication all see the same outage at the same moment.
 *
 * - `region-down <region> [reset|blackhole]`: every endpoint of the region stops answering. `reset`
 *   (default) destroys the connection at once, which the SDK reports as a networking error
 *   (ECONNRESET / "socket hang up"); `blackhole` holds the connection unanswered until the region
 *   comes back or the simulator closes, which is what a client with a request timeout sees.
 * - `control-plane-down <service>`: the service's API answers 503 ServiceUnavailable; its data plane
 *   (Route 53 health checks and DNS answers, S3 object reads and writes) keeps working.
 * - `latency <service> <ms>`: simulated milliseconds added before every answer of the service.
 * - `throttle <service> <rate>`: at most `rate` requests per simulated second; the rest get the
 *   service's throttling error. `throttle <service> off` lifts it.
 * - `partition <vantage> <region>` / `heal <vantage> <region>`: traffic from the vantage (a region, or
 *   `route53` for the health checkers, or any name a caller sends in x-switchyard-vantage) to the
 *   region is dropped like a region-down seen only from there.
 * - `lag <ms>`: the Aurora replication lag the secondaries report (and switchovers wait for).
 */
export type RegionDownMode = 'reset' | 'blackhole';

export const SERVICE_ALIASES: Record<string, string> = {
  rds: 'rds',
  s3: 's3',
  route53: 'route53',
  cloudwatch: 'monitoring',
  monitoring: 'monitoring',
  autoscaling: 'autoscaling',
  'auto-scaling': 'autoscaling',
};

export class FaultUsageError extends Error {}

interface Throttle {
  ratePerSecond: number;
  tokens: number;
  refilledAt: number;
}

/**
 * A bucket holds `rate` requests, but at least one: a rate below one per simulated second (how a
 * suite at time-scale 0.01 throttles to a few real requests a second) still admits one now and then.
 */
const capacityOf = (ratePerSecond: number) => (ratePerSecond > 0 ? Math.max(1, ratePerSecond) : 0);
/** A full bucket. */
const bucketOf = (ratePerSecond: number, now: number): Throttle => ({
  ratePerSecond,
  tokens: capacityOf(ratePerSecond),
  refilledAt: now,
});

export interface FaultState {
  regionsDown: Record<string, RegionDownMode>;
  controlPlanesDown: string[];
  latencyMs: Record<string, number>;
  throttles: Record<string, number>;
  partitions: Array<{ vantage: string; region: string }>;
  lagMs: number;
}

export const FAULT_NAMES = [
  'region-down',
  'region-up',
  'control-plane-down',
  'control-plane-up',
  'latency',
  'throttle',
  'partition',
  'heal',
  'lag',
  'clear',
] as const;

const faultStateSchema = z.object({
  regionsDown: z.record(z.string(), z.enum(['reset', 'blackhole'])),
  controlPlanesDown: z.array(z.string()),
  latencyMs: z.record(z.string(), z.number().nonnegative()),
  throttles: z.record(z.string(), z.number().nonnegative()),
  partitions: z.array(z.object({ vantage: z.string(), region: z.string() })),
  lagMs: z.number().nonnegative(),
});

export class Faults implements Persistable<typeof faultStateSchema> {
  readonly stateKey = 'faults';
  readonly stateSchema = faultStateSchema;

  private readonly regionsDown = new Map<string, RegionDownMode>();
  private readonly controlPlanesDown = new Set<string>();
  private readonly latency = new Map<string, number>();
  private readonly throttles = new Map<string, Throttle>();
  private readonly partitions = new Set<string>();
  private lag: number;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly now: () => number,
    initialLagMs = 20,
  ) {
    this.lag = initialLagMs;
  }

  isRegionDown(region: string): boolean {
    return this.regionsDown.has(region);
  }

  regionDownMode(region: string): RegionDownMode | undefined {
    return this.regionsDown.get(region);
  }

  isPartitioned(vantage: string | undefined, region: string): boolean {
    return vantage !== undefined && this.partitions.has(`${vantage}|${region}`);
  }

  /** True when `from` cannot reach `to`: either is down or a partition separates them. */
  cannotReach(from: string, to: string): boolean {
    return this.isRegionDown(from) || this.isRegionDown(to) || this.isPartitioned(from, to);
  }

  isControlPlaneDown(service: string): boolean {
    return this.controlPlanesDown.has(service);
  }

  latencyOf(service: string): number {
    return this.latency.get(service) ?? 0;
  }

  get lagMs(): number {
    return this.lag;
  }

  /** Takes a token from the service's bucket; false means "throttle this request". */
  admit(service: string): boolean {
    const throttle = this.throttles.get(service);
    if (!throttle) return true;
    const now = this.now();
    const refill = ((now - throttle.refilledAt) / 1000) * throttle.ratePerSecond;
    throttle.tokens = Math.min(capacityOf(throttle.ratePerSecond), throttle.tokens + refill);
    throttle.refilledAt = now;
    if (throttle.tokens < 1) return false;
    throttle.tokens -= 1;
    return true;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  state(): FaultState {
    return {
      regionsDown: Object.fromEntries(this.regionsDown),
      controlPlanesDown: [...this.controlPlanesDown],
      latencyMs: Object.fromEntries(this.latency),
      throttles: Object.fromEntries([...this.throttles].map(([s, t]) => [s, t.ratePerSecond])),
      partitions: [...this.partitions].map((key) => {
        const [vantage = '', region = ''] = key.split('|');
        return { vantage, region };
      }),
      lagMs: this.lag,
    };
  }

  snapshot(): FaultState {
    return this.state();
  }

  /**
   * Faults survive a restart: a region that was down stays down (and a blackholed region keeps
   * holding connections) until someone runs `region-up` or `clear`, as the outage is part of the
   * scenario being played, not of the simulator process. Throttle buckets restart full.
   */
  restore(state: FaultState): void {
    this.regionsDown.clear();
    for (const [region, mode] of Object.entries(state.regionsDown)) this.regionsDown.set(region, mode);
    this.controlPlanesDown.clear();
    for (const service of state.controlPlanesDown) this.controlPlanesDown.add(service);
    this.latency.clear();
    for (const [service, ms] of Object.entries(state.latencyMs)) this.latency.set(service, ms);
    this.throttles.clear();
    for (const [service, rate] of Object.entries(state.throttles)) {
      this.throttles.set(service, bucketOf(rate, this.now()));
    }
    this.partitions.clear();
    for (const { vantage, region } of state.partitions) this.partitions.add(`${vantage}|${region}`);
    this.lag = state.lagMs;
  }

  /** Applies one fault as the CLI and the admin API name it; throws FaultUsageError on bad args. */
  apply(name: string, args: readonly string[]): void {
    switch (name) {
      case 'region-down': {
        const region = regionArg(args[0]);
        const mode = args[1] ?? 'reset';
        if (mode !== 'reset' && mode !== 'blackhole') {
          throw new FaultUsageError(`region-down mode must be reset or blackhole, got "${mode}"`);
        }
        this.regionsDown.set(region, mode);
        break;
      }
      case 'region-up':
        this.regionsDown.delete(regionArg(args[0]));
        break;
      case 'control-plane-down':
        this.controlPlanesDown.add(serviceArg(args[0]));
        break;
      case 'control-plane-up':
        this.controlPlanesDown.delete(serviceArg(args[0]));
        break;
      case 'latency': {
        const service = serviceArg(args[0]);
        const ms = numberArg(args[1], 'latency <service> <ms>');
        if (ms === 0) this.latency.delete(service);
        else this.latency.set(service, ms);
        break;
      }
      case 'throttle': {
        const service = serviceArg(args[0]);
        if (args[1] === 'off') {
          this.throttles.delete(service);
          break;
        }
        const rate = numberArg(args[1], 'throttle <service> <requests-per-second|off>');
        this.throttles.set(service, bucketOf(rate, this.now()));
        break;
      }
      case 'partition':
        this.partitions.add(`${vantageArg(args[0])}|${regionArg(args[1])}`);
        break;
      case 'heal':
        this.partitions.delete(`${vantageArg(args[0])}|${regionArg(args[1])}`);
        break;
      case 'lag':
        this.lag = numberArg(args[0], 'lag <ms>');
        break;
      case 'clear':
        this.regionsDown.clear();
        this.controlPlanesDown.clear();
        this.latency.clear();
        this.throttles.clear();
        this.partitions.clear();
        break;
      default:
        throw new FaultUsageError(`unknown fault "${name}" (known: ${FAULT_NAMES.join(', ')})`);
    }
    for (const listener of this.listeners) listener();
  }
}

function regionArg(value: string | undefined): string {
  if (!value || !isRegionName(value))
    throw new FaultUsageError(`expected a region name, got "${value ?? ''}"`);
  return value;
}

function serviceArg(value: string | undefined): string {
  const service = value ? SERVICE_ALIASES[value] : undefined;
  if (!service) {
    throw new FaultUsageError(
      `expected a service (${Object.keys(SERVICE_ALIASES).join(', ')}), got "${value ?? ''}"`,
    );
  }
  return service;
}

function vantageArg(value: string | undefined): string {
  if (!value || !/^[a-z0-9-]+$/.test(value)) {
    throw new FaultUsageError(`expected a vantage (a region or route53), got "${value ?? ''}"`);
  }
  return value;
}

function numberArg(value: string | undefined, usage: string): number {
  const parsed = value === undefined ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new FaultUsageError(`usage: ${usage}`);
  return parsed;
}
