import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { SimClock } from '../core/clock.js';
import { VANTAGE_HEADER } from '../core/request.js';
import type { HealthCheck, HealthCheckConfig } from './model.js';

/** Where a simulated AWS name (S3 virtual host, ALB DNS name) really listens on this machine. */
export type TargetResolver = (hostname: string) => { host: string; port: number } | undefined;

/** The vantage Route 53's checkers carry in x-switchyard-vantage (`partition route53 <region>`). */
export const ROUTE53_VANTAGE = 'route53';

/** State of a CloudWatch alarm, for CLOUDWATCH_METRIC checks. */
export type AlarmLookup = (region: string, name: string) => string | undefined;

interface ProbeResult {
  ok: boolean;
  status: string;
}

interface ProbeState {
  /** Health before inversion, after FailureThreshold consecutive results. */
  healthy: boolean;
  consecutiveOk: number;
  consecutiveFail: number;
  last?: ProbeResult & { checkedAt: Date };
  inFlight: boolean;
  stop: () => void;
}

/** Route 53 checkers report from several regions; the simulator probes once and reports it from each. */
const CHECKER_REGIONS = [
  { region: 'us-east-1', ip: '15.177.2.10' },
  { region: 'us-west-1', ip: '15.177.10.10' },
  { region: 'eu-west-1', ip: '15.177.62.10' },
];

/** Body bytes Route 53 searches for SearchString. */
const SEARCH_WINDOW = 5120;
/** Probes do real network I/O, which does not shrink with the time scale. */
const MIN_PROBE_TIMEOUT_MS = 250;

/**
 * Route 53's checkers: every endpoint check probes its target at RequestInterval (simulated time)
 * and changes state after FailureThreshold consecutive results the other way. Probes are real
 * HTTP/TCP connections, and they carry `x-switchyard-vantage: route53`, so a region-down or a
 * `partition route53 <region>` reaches them exactly as it reaches any other client.
 */
export class HealthMonitor {
  private readonly states = new Map<string, ProbeState>();
  /** Per CLOUDWATCH_METRIC check: healthy when its alarm last had data (for LastKnownStatus). */
  private readonly lastKnownAlarmHealth = new Map<string, boolean>();

  constructor(
    private readonly clock: SimClock,
    private readonly resolveTarget: TargetResolver,
    private readonly lookup: (id: string) => HealthCheck | undefined,
    private readonly alarmState: AlarmLookup,
    private readonly onStatus: (check: HealthCheck, healthy: boolean) => void = () => {},
  ) {}

  /** Health before a restart, used as the starting health when a restored check is watched again. */
  private readonly restoredHealth = new Map<string, boolean>();

  /** What a restart keeps: each endpoint check's health and each alarm check's last known status. */
  healthState(): { endpoints: Record<string, boolean>; lastKnownAlarm: Record<string, boolean> } {
    return {
      endpoints: Object.fromEntries([...this.states].map(([id, state]) => [id, state.healthy])),
      lastKnownAlarm: Object.fromEntries(this.lastKnownAlarmHealth),
    };
  }

  /**
   * Before the restored checks are watched: they start from the health they had, so a check that
   * was unhealthy does not read healthy until FailureThreshold new probes say so (DNS answers
   * would flip at every restart otherwise).
   */
  restoreHealth(state: {
    endpoints: Record<string, boolean>;
    lastKnownAlarm: Record<string, boolean>;
  }): void {
    for (const [id, healthy] of Object.entries(state.endpoints)) this.restoredHealth.set(id, healthy);
    for (const [id, healthy] of Object.entries(state.lastKnownAlarm))
      this.lastKnownAlarmHealth.set(id, healthy);
  }

  /** (Re)starts probing a check after create or update. */
  watch(check: HealthCheck): void {
    const previous = this.states.get(check.id);
    previous?.stop();
    if (!isEndpointCheck(check.config)) {
      this.states.delete(check.id);
      return;
    }
    const state: ProbeState = {
      healthy: previous?.healthy ?? this.restoredHealth.get(check.id) ?? true,
      consecutiveOk: 0,
      consecutiveFail: 0,
      ...(previous?.last ? { last: previous.last } : {}),
      inFlight: false,
      stop: () => {},
    };
    this.restoredHealth.delete(check.id);
    this.states.set(check.id, state);
    const tick = () => void this.probeOnce(check.id, state);
    state.stop = this.clock.every(check.config.requestInterval * 1000, tick);
    tick();
  }

  unwatch(id: string): void {
    this.states.get(id)?.stop();
    this.states.delete(id);
  }

  stopAll(): void {
    for (const state of this.states.values()) state.stop();
    this.states.clear();
  }

  /** The status DNS answers use: Disabled counts as healthy, Inverted flips, CALCULATED counts children. */
  isHealthy(id: string, depth = 0): boolean {
    const check = this.lookup(id);
    if (!check) return true;
    const { config } = check;
    if (config.disabled) return true;
    let healthy: boolean;
    switch (config.type) {
      case 'CALCULATED': {
        const healthyChildren =
          depth > 1 ? 0 : config.childHealthChecks.filter((c) => this.isHealthy(c, depth + 1)).length;
        healthy = healthyChildren >= (config.healthThreshold ?? config.childHealthChecks.length);
        break;
      }
      case 'CLOUDWATCH_METRIC':
        healthy = this.alarmHealth(id, config);
        break;
      case 'RECOVERY_CONTROL':
        healthy = true;
        break;
      default:
        healthy = this.states.get(id)?.healthy ?? true;
    }
    return config.inverted ? !healthy : healthy;
  }

  /**
   * ALARM is unhealthy, OK healthy; without data, InsufficientDataHealthStatus decides, and
   * LastKnownStatus keeps the status last seen with data (healthy for a check that never had any).
   */
  private alarmHealth(id: string, config: HealthCheckConfig): boolean {
    const state = this.alarmState(config.alarmRegion ?? 'us-east-1', config.alarmName ?? '');
    if (state === 'ALARM' || state === 'OK') {
      this.lastKnownAlarmHealth.set(id, state === 'OK');
      return state === 'OK';
    }
    switch (config.insufficientDataHealthStatus) {
      case 'Unhealthy':
        return false;
      case 'LastKnownStatus':
        return this.lastKnownAlarmHealth.get(id) ?? true;
      default:
        return true;
    }
  }

  /** GetHealthCheckStatus observations: the raw probe result (before inversion), per checker region. */
  observations(id: string): Array<{ region: string; ip: string; status: string; checkedAt: Date }> {
    const check = this.lookup(id);
    const last = this.states.get(id)?.last;
    let report: { status: string; checkedAt: Date };
    if (!check || check.config.disabled) return [];
    if (isEndpointCheck(check.config)) {
      if (!last) return [];
      report = last;
    } else {
      const healthy = this.isHealthy(id);
      report = {
        status: healthy ? 'Success: Health check is healthy' : 'Failure: Health check is unhealthy',
        checkedAt: this.clock.date(),
      };
    }
    const regions =
      check.config.regions.length > 0 ? check.config.regions : CHECKER_REGIONS.map((c) => c.region);
    return regions.map((region, index) => ({
      region,
      ip: CHECKER_REGIONS.find((c) => c.region === region)?.ip ?? `15.177.${100 + index}.10`,
      ...report,
    }));
  }

  private async probeOnce(id: string, state: ProbeState): Promise<void> {
    const check = this.lookup(id);
    if (!check || state.inFlight || check.config.disabled) return;
    state.inFlight = true;
    const result = await this.probe(check.config).catch(
      (error: unknown): ProbeResult => ({ ok: false, status: `Failure: ${String(error)}` }),
    );
    state.inFlight = false;
    if (this.states.get(id) !== state) return; // updated or deleted meanwhile
    state.last = { ...result, checkedAt: this.clock.date() };
    if (result.ok) {
      state.consecutiveOk += 1;
      state.consecutiveFail = 0;
    } else {
      state.consecutiveFail += 1;
      state.consecutiveOk = 0;
    }
    const threshold = check.config.failureThreshold;
    const before = state.healthy;
    if (!state.healthy && state.consecutiveOk >= threshold) state.healthy = true;
    if (state.healthy && state.consecutiveFail >= threshold) state.healthy = false;
    if (before !== state.healthy || state.consecutiveOk + state.consecutiveFail === 1) {
      this.onStatus(check, this.isHealthy(id));
    }
  }

  private probe(config: HealthCheckConfig): Promise<ProbeResult> {
    const name = config.fqdn ?? config.ipAddress ?? '';
    const simulated =
      this.resolveTarget(name) ?? (config.ipAddress ? this.resolveTarget(config.ipAddress) : undefined);
    const secure = config.type === 'HTTPS' || config.type === 'HTTPS_STR_MATCH';
    const host = simulated?.host ?? config.ipAddress ?? name;
    const port = simulated?.port ?? config.port ?? (secure ? 443 : 80);
    const timeout = Math.max(
      MIN_PROBE_TIMEOUT_MS,
      this.clock.toRealMs(config.type === 'TCP' ? 10_000 : 6_000),
    );
    if (config.type === 'TCP') return tcpProbe(host, port, timeout);
    // TLS is not simulated: simulator endpoints are probed over plain HTTP; Route 53 does not
    // validate certificates, so a real HTTPS target is probed without verification.
    const useTls = secure && !simulated;
    return httpProbe({
      host,
      port,
      path: config.resourcePath ?? '/',
      hostHeader: config.fqdn ?? config.ipAddress ?? host,
      useTls,
      timeout,
      searchString: config.type.endsWith('_STR_MATCH') ? config.searchString : undefined,
    });
  }
}

function isEndpointCheck(config: HealthCheckConfig): boolean {
  return ['HTTP', 'HTTPS', 'HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'TCP'].includes(config.type);
}

function httpProbe(options: {
  host: string;
  port: number;
  path: string;
  hostHeader: string;
  useTls: boolean;
  timeout: number;
  searchString: string | undefined;
}): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const request = options.useTls ? httpsRequest : httpRequest;
    const req = request(
      {
        host: options.host,
        port: options.port,
        path: options.path.startsWith('/') ? options.path : `/${options.path}`,
        method: 'GET',
        headers: {
          host: options.hostHeader,
          [VANTAGE_HEADER]: ROUTE53_VANTAGE,
          'user-agent': 'Amazon-Route53-Health-Check-Service',
        },
        timeout: options.timeout,
        ...(options.useTls ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < SEARCH_WINDOW) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const reason = res.statusMessage ?? '';
          const statusOk = status >= 200 && status < 400;
          if (!statusOk)
            return resolve({ ok: false, status: `Failure: HTTP Status Code ${status}, ${reason}` });
          if (options.searchString !== undefined) {
            const window = Buffer.concat(chunks).subarray(0, SEARCH_WINDOW).toString('utf8');
            if (!window.includes(options.searchString)) {
              return resolve({ ok: false, status: 'Failure: Search string not found in response body' });
            }
          }
          resolve({ ok: true, status: `Success: HTTP Status Code ${status}, ${reason}` });
        });
        res.on('error', () => resolve({ ok: false, status: 'Failure: Connection reset' }));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, status: 'Failure: Connection timed out.' });
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({
        ok: false,
        status: `Failure: ${error.code === 'ECONNREFUSED' ? 'Connection refused' : 'Connection reset'}`,
      }),
    );
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeout: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true, status: 'Success: TCP connection established' });
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve({ ok: false, status: 'Failure: Connection timed out.' });
    });
    socket.once('error', () => resolve({ ok: false, status: 'Failure: Connection refused' }));
  });
}
