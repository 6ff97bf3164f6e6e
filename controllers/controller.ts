/**
 * Wires the controller together: informers on the three kinds feed one work queue; the Failover
 * reconciler drives the engine; metrics and probes are served over HTTP. `startController` is what
 * `controllers/main.ts`, the Helm chart's container and in-process tests all run.
 */
import { hostname } from 'node:os';
import { KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import pino, { type Logger } from 'pino';
import {
  FailoverPlanResource,
  FailoverResource,
  type RegionHealth,
  RegionHealthResource,
} from '../src/apis/index.js';
import type { AwsPorts } from './aws/ports.js';
import { type SdkPortsOptions, sdkAwsPorts } from './aws/sdk-ports.js';
import type { EngineOptions } from './failover/engine.js';
import { StepRetryError } from './failover/engine.js';
import { ForeignFenceSightings, keepGates } from './failover/gate-keeper.js';
import { LockContendedError } from './failover/plan-lock.js';
import { PLAN_KEY_PREFIX, reconcilePlanReadiness } from './failover/readiness-reconciler.js';
import { reconcileFailover } from './failover/reconciler.js';
import { RegionHealthProber } from './health/prober.js';
import type { ProbeNetwork } from './health/probes.js';
import { AutomaticTrigger } from './health/trigger.js';
import { describeError } from './kube/api-errors.js';
import { KubeEventRecorder } from './kube/events.js';
import { type HttpEndpoints, startHttpEndpoints } from './kube/http-endpoints.js';
import { type RunningInformer, startInformer } from './kube/informers.js';
import { LeaderElector } from './kube/leader-election.js';
import { ControllerMetrics } from './kube/metrics.js';
import { FAILOVER_PLANS, FAILOVERS, REGION_HEALTHS, SwitchyardKube } from './kube/resources.js';
import { WorkQueue } from './kube/work-queue.js';

export interface ControllerOptions {
  /** A loaded KubeConfig, or a kubeconfig file (with an optional context). */
  kubeConfig?: KubeConfig;
  kubeconfigPath?: string;
  context?: string;
  /** The region this controller runs in; it executes the Failovers that activate this region. */
  region: string;
  /** AWS ports to use (tests); otherwise SDK clients built from `awsSdk`. */
  aws?: AwsPorts;
  awsSdk?: SdkPortsOptions;
  engine?: Partial<EngineOptions>;
  workers?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Port for /metrics, /healthz, /readyz; none when undefined (0 picks a free port). */
  httpPort?: number;
  logger?: Logger;
  /** Identity in Events, logs and the Lease; defaults to host name and pid. */
  identity?: string;
  /** Vantage name of this controller (e.g. cluster-use2): it probes the RegionHealth objects of this vantage. */
  vantage?: string;
  /** Where HTTP probes connect (the embedded platform's DNS stand-in); default the URL itself. */
  probeNetwork?: ProbeNetwork;
  /**
   * Period of the FailoverPlan readiness reconcile (read-only AWS calls from the standby region's
   * controller); 0 turns it off. Default 30 s.
   */
  readinessIntervalMs?: number;
  /**
   * Period of the gate keeper (ADR 0010: closes the non-writer's gate and lifts fences once both
   * regions agree on the writer; reads both regions); 0 turns it off. Default 10 s.
   */
  gateKeeperIntervalMs?: number;
  /**
   * How long the gate keeper sees a fence on the writer held in the other region before clearing
   * it as stale (that region's own keeper clears it at once). Default FOREIGN_FENCE_GRACE_MS.
   */
  foreignFenceGraceMs?: number;
  /**
   * How long a Failover for another region may wait unclaimed in this cluster before this
   * controller marks it Accepted=False WrongCluster. Default UNCLAIMED_AFTER_MS (30 s).
   */
  unclaimedAfterMs?: number;
  /** Lease-based leader election: only the Lease holder runs reconciles. Off when undefined. */
  leaderElection?: {
    namespace: string;
    name?: string;
    leaseDurationSeconds?: number;
    retryPeriodMs?: number;
    /** Called when leadership is lost; the process should exit and be restarted (client-go does the same). */
    onLost?: () => void;
  };
}

export interface RunningController {
  /** Base URL of /metrics, /healthz, /readyz when an httpPort was given. */
  httpUrl?: string;
  metrics: ControllerMetrics;
  /** True when this instance runs reconciles (always, without leader election). */
  isLeader(): boolean;
  stop(): Promise<void>;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  maxStepAttempts: 6,
  pollIntervalMs: 2_000,
  waitTimeoutMs: 15 * 60_000,
  recheckIntervalMs: 10_000,
};

export const DEFAULT_READINESS_INTERVAL_MS = 30_000;
export const DEFAULT_GATE_KEEPER_INTERVAL_MS = 10_000;

export function loadKubeConfig(options: ControllerOptions): KubeConfig {
  if (options.kubeConfig) return options.kubeConfig;
  const config = new KubeConfig();
  if (options.kubeconfigPath) config.loadFromFile(options.kubeconfigPath);
  else config.loadFromDefault();
  if (options.context) config.setCurrentContext(options.context);
  return config;
}

const keyOf = (object: KubernetesObject) =>
  `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

export async function startController(options: ControllerOptions): Promise<RunningController> {
  const config = loadKubeConfig(options);
  const identity = options.identity ?? `${hostname()}-${process.pid}`;
  const log = options.logger ?? pino({ name: 'switchyard-controller' });
  const kube = new SwitchyardKube(config);
  const aws = options.aws ?? sdkAwsPorts(options.awsSdk);
  const metrics = new ControllerMetrics(options.httpPort !== undefined);
  const events = new KubeEventRecorder(config, identity, (message) => log.warn(message));
  const engineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...options.engine };
  const readinessIntervalMs = options.readinessIntervalMs ?? DEFAULT_READINESS_INTERVAL_MS;

  const queue = new WorkQueue({
    workers: options.workers ?? 4,
    baseRetryDelayMs: options.retryBaseDelayMs ?? 500,
    maxRetryDelayMs: options.retryMaxDelayMs ?? 30_000,
    onError: (key, error, failures) => {
      const expected = error instanceof StepRetryError || error instanceof LockContendedError;
      if (!expected)
        metrics.reconcileErrors.inc({ kind: key.startsWith(PLAN_KEY_PREFIX) ? 'FailoverPlan' : 'Failover' });
      log[expected ? 'info' : 'error'](
        { key, failures, err: describeError(error) },
        'reconcile will be retried',
      );
    },
  });

  const informers: RunningInformer[] = [];
  const failoverInformer = await startInformer(
    config,
    FAILOVERS,
    { onChange: (o) => queue.add(keyOf(o)), onDelete: () => undefined },
    (message) => log.warn(message),
  );
  informers.push(failoverInformer);
  // A plan change can unblock its Failovers (created after them, or its lock released).
  const enqueueFailoversOf = (plan: KubernetesObject) => {
    for (const object of failoverInformer.list()) {
      const parsed = FailoverResource.safeParse(object);
      if (
        parsed.success &&
        object.metadata?.namespace === plan.metadata?.namespace &&
        parsed.data.spec.planRef.name === plan.metadata?.name
      ) {
        queue.add(keyOf(object));
      }
    }
  };
  const onPlanChange = (plan: KubernetesObject) => {
    enqueueFailoversOf(plan);
    if (readinessIntervalMs > 0) queue.add(`${PLAN_KEY_PREFIX}${keyOf(plan)}`);
  };
  const planInformer = await startInformer(
    config,
    FAILOVER_PLANS,
    { onChange: onPlanChange, onDelete: enqueueFailoversOf },
    (message) => log.warn(message),
  );
  informers.push(planInformer);
  let prober: RegionHealthProber | undefined;
  let trigger: AutomaticTrigger | undefined;
  const healthInformer = await startInformer(
    config,
    REGION_HEALTHS,
    {
      onChange: (o) => {
        prober?.onChange(o);
        void trigger?.observe(o);
      },
      onDelete: (o) => {
        prober?.onDelete(o);
        trigger?.forget(o);
      },
    },
    (message) => log.warn(message),
  );
  informers.push(healthInformer);
  const regionHealth = (namespace: string): RegionHealth[] =>
    healthInformer
      .list()
      .filter((o) => o.metadata?.namespace === namespace)
      .flatMap((o) => {
        const parsed = RegionHealthResource.safeParse(o);
        return parsed.success ? [parsed.data] : [];
      });

  const parsedIn = <T>(
    objects: readonly KubernetesObject[],
    namespace: string,
    parse: (o: unknown) => { success: true; data: T } | { success: false },
  ): T[] =>
    objects
      .filter((o) => o.metadata?.namespace === namespace)
      .flatMap((o) => {
        const parsed = parse(o);
        return parsed.success ? [parsed.data] : [];
      });
  const startProbing = () => {
    trigger = new AutomaticTrigger({
      kube,
      region: options.region,
      plans: (namespace) =>
        parsedIn(planInformer.list(), namespace, (o) => FailoverPlanResource.safeParse(o)),
      failovers: (namespace) =>
        parsedIn(failoverInformer.list(), namespace, (o) => FailoverResource.safeParse(o)),
      now: () => new Date(),
      log: (message) => log.info(message),
    });
    if (!options.vantage) return;
    prober = new RegionHealthProber({
      vantage: options.vantage,
      aws,
      kube,
      metrics,
      log: (message) => log.warn(message),
      ...(options.probeNetwork ? { network: options.probeNetwork } : {}),
    });
    for (const object of healthInformer.list()) prober.onChange(object);
  };
  const gateKeeperIntervalMs = options.gateKeeperIntervalMs ?? DEFAULT_GATE_KEEPER_INTERVAL_MS;
  let gateKeeper: NodeJS.Timeout | undefined;
  let keeping: Promise<void> = Promise.resolve();
  const foreignFences = new ForeignFenceSightings();
  const startGateKeeper = () => {
    if (gateKeeperIntervalMs <= 0) return;
    const pass = () =>
      keepGates({
        aws,
        region: options.region,
        foreignFences,
        ...(options.foreignFenceGraceMs !== undefined
          ? { foreignFenceGraceMs: options.foreignFenceGraceMs }
          : {}),
        plans: () =>
          planInformer.list().flatMap((o) => {
            const parsed = FailoverPlanResource.safeParse(o);
            return parsed.success ? [parsed.data] : [];
          }),
        failovers: (namespace) =>
          parsedIn(failoverInformer.list(), namespace, (o) => FailoverResource.safeParse(o)),
        changed: (plan, action, message) => {
          metrics.gateKeeperActions.inc({ action });
          return events.record(plan, 'Normal', 'GateKept', message);
        },
        log: (level, message, fields) => log[level]({ ...fields }, message),
      }).catch((error: unknown) => log.warn({ err: describeError(error) }, 'gate keeper pass failed'));
    gateKeeper = setInterval(() => {
      // One pass at a time: a slow region must not pile passes up.
      keeping = keeping.then(pass);
    }, gateKeeperIntervalMs);
  };
  const runReconciles = () => {
    startProbing();
    startGateKeeper();
    queue.start(async (key) => {
      if (key.startsWith(PLAN_KEY_PREFIX)) {
        const [namespace = '', name = ''] = key.slice(PLAN_KEY_PREFIX.length).split('/');
        return reconcilePlanReadiness(
          {
            kube,
            aws,
            region: options.region,
            regionHealth,
            requeueAfterMs: readinessIntervalMs,
            log: (level, message, fields) => log[level]({ ...fields }, message),
          },
          namespace,
          name,
        );
      }
      const [namespace = '', name = ''] = key.split('/');
      return reconcileFailover(
        {
          kube,
          aws,
          events,
          region: options.region,
          regionHealth,
          observer: metrics,
          options: engineOptions,
          unclaimedAfterMs: options.unclaimedAfterMs,
          log: (level, message, fields) => log[level]({ ...fields }, message),
        },
        namespace,
        name,
      );
    });
  };

  let elector: LeaderElector | undefined;
  let leadershipLost = false;
  if (options.leaderElection) {
    const election = options.leaderElection;
    elector = new LeaderElector(config, {
      namespace: election.namespace,
      name: election.name ?? 'switchyard-controller',
      identity,
      leaseDurationSeconds: election.leaseDurationSeconds ?? 15,
      retryPeriodMs: election.retryPeriodMs ?? 5_000,
      onStartedLeading: runReconciles,
      onStoppedLeading: () => {
        // A queue does not restart: a deposed leader stops acting for good and should be restarted.
        leadershipLost = true;
        prober?.stop();
        clearInterval(gateKeeper);
        void queue.stop();
        election.onLost?.();
      },
      log: (message) => log.info({ lease: election.name ?? 'switchyard-controller' }, message),
    });
    elector.start();
  } else {
    runReconciles();
  }

  let http: HttpEndpoints | undefined;
  if (options.httpPort !== undefined) {
    http = await startHttpEndpoints(
      options.httpPort,
      metrics.registry,
      () => !leadershipLost && informers.every((i) => i.synced),
    );
  }
  log.info({ region: options.region, identity, http: http?.url }, 'controller started');

  return {
    ...(http ? { httpUrl: http.url } : {}),
    metrics,
    isLeader: () => (elector ? elector.isLeader : true),
    async stop() {
      prober?.stop();
      clearInterval(gateKeeper);
      await keeping;
      await elector?.stop();
      await Promise.all(informers.map((i) => i.stop()));
      await queue.stop();
      await http?.close();
      log.info('controller stopped');
    },
  };
}
