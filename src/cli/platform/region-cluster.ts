/**
 * One region's management cluster on the embedded platform: its Kubernetes API (own state dir,
 * same port across a region-down/up), the cluster add-ons a management cluster has installed
 * before Argo CD's first sync (Crossplane core and its local provider, the status stand-ins), the
 * GitOps syncer following the region's folder of the environments repository, and the failover
 * controller of the region. `down()` stops all of them together, as losing the region would;
 * `up()` brings them back with the objects the API server kept.
 */
import type { Logger } from 'pino';
import pino from 'pino';
import { Syncer } from '../../../local/gitops/index.js';
import { type KubeEmulator, startKubeEmulator, writeKubeconfig } from '../../../local/kube/index.js';
import { VERSION } from '../../apis/common.js';
import { customResources } from '../../apis/index.js';
import type { PairRegion } from '../../estate/common/parameters.js';
import { clusterVantage } from '../../plan/region-health.js';
import { luaHealthChecks } from '../gitops-health.js';
import type { ControllerLauncher, LaunchedController } from './controller-launcher.js';
import type { PlatformPaths } from './state-dir.js';

/** Something a cluster runs beside its API server, stopped with it. */
export interface Stoppable {
  stop(): Promise<void>;
}

export interface RegionClusterOptions {
  region: PairRegion;
  paths: PlatformPaths;
  /** Port of the API server on first start; 0 picks a free one (then kept for region-up). */
  port: number;
  /** The AWS simulator's endpoint. */
  awsUrl: string;
  repo: string;
  branch: string;
  /** Runs the region's controller (in this process for `npm start`). */
  launchController: ControllerLauncher;
  /** What a management cluster has before the first sync (CRDs of Crossplane core and Argo CD, namespaces). */
  prepare(kubeconfig: string, log: Logger): Promise<void>;
  /** Crossplane and the other controllers that act on what the syncer applies. */
  startAddons(kubeconfig: string, log: Logger, controllerReady: () => Promise<boolean>): Promise<Stoppable>;
  /** Seconds between sync waves (Argo CD waits 2 s; the embedded platform less). */
  waveDelayMs: number;
  syncIntervalMs: number;
}

/** Where the controller keeps its leader-election Lease (the chart's release namespace). */
export const CONTROLLER_NAMESPACE = 'switchyard-system';

const fileLogger = (path: string, name: string) =>
  pino({ name }, pino.destination({ dest: path, sync: false, mkdir: true }));

export class RegionCluster {
  readonly region: PairRegion;
  private port: number;
  private kube: KubeEmulator | undefined;
  private addons: Stoppable | undefined;
  private syncing: { abort: AbortController; done: Promise<void> } | undefined;
  private controller: LaunchedController | undefined;
  private controllerStarting: Promise<void> | undefined;
  private stopping = false;

  constructor(private readonly options: RegionClusterOptions) {
    this.region = options.region;
    this.port = options.port;
  }

  get url(): string | undefined {
    return this.kube?.url;
  }

  get isUp(): boolean {
    return this.kube !== undefined;
  }

  /** /healthz, /readyz and /metrics of the region's controller, once it runs. */
  get controllerUrl(): string | undefined {
    return this.controller?.httpUrl;
  }

  get kubeconfig(): string {
    return this.options.paths.clusterKubeconfig(this.region);
  }

  async up(): Promise<void> {
    if (this.kube) return;
    const { paths, region } = this.options;
    this.stopping = false;
    this.kube = await startKubeEmulator({ port: this.port, stateDir: paths.cluster(region) });
    this.port = this.kube.port;
    try {
      writeKubeconfig(this.kubeconfig, this.kube.url);
      const log = fileLogger(paths.log(region, 'cluster'), `switchyard-${region}`);
      await this.options.prepare(this.kubeconfig, log);
      this.addons = await this.options.startAddons(
        this.kubeconfig,
        fileLogger(paths.log(region, 'crossplane'), 'local-crossplane'),
        () => this.controllerReady(),
      );
      this.startSyncer();
      this.controllerStarting = this.startControllerOnceServed();
    } catch (error) {
      await this.down();
      throw error;
    }
  }

  /** Stops the controller, the syncer, the add-ons and the API server, in that order. */
  async down(): Promise<void> {
    this.stopping = true;
    await this.controllerStarting?.catch(() => undefined);
    this.controllerStarting = undefined;
    await this.controller?.stop();
    this.controller = undefined;
    if (this.syncing) {
      this.syncing.abort.abort();
      await this.syncing.done;
      this.syncing = undefined;
    }
    await this.addons?.stop();
    this.addons = undefined;
    await this.kube?.close();
    this.kube = undefined;
  }

  private startSyncer(): void {
    const { paths, region } = this.options;
    const syncer = new Syncer({
      repo: this.options.repo,
      branch: this.options.branch,
      selector: { region },
      kubeconfig: this.kubeconfig,
      stateDir: paths.root,
      log: fileLogger(paths.log(region, 'syncer'), 'switchyard-gitops'),
      health: luaHealthChecks,
      waveDelayMs: this.options.waveDelayMs,
      pollMs: 100,
    });
    const abort = new AbortController();
    this.syncing = { abort, done: syncer.serve(this.options.syncIntervalMs, abort.signal) };
  }

  /**
   * The controller needs its CRDs served; they arrive with the first sync's foundations wave. It
   * starts as soon as they are, as its Deployment would once Argo CD applied it.
   */
  private async startControllerOnceServed(): Promise<void> {
    const { paths, region, awsUrl } = this.options;
    const kube = this.kube;
    if (!kube) return;
    const served = () =>
      customResources.every((resource) => kube.registry.find(resource.group, VERSION, resource.plural));
    while (!this.stopping && !served()) await new Promise((resolve) => setTimeout(resolve, 100));
    if (this.stopping) return;
    this.controller = await this.options.launchController({
      region,
      kubeconfig: this.kubeconfig,
      vantage: clusterVantage(region),
      identity: `npm-start-${region}`,
      leaderElectionNamespace: CONTROLLER_NAMESPACE,
      // The estate is provisioned while the controller starts: re-read the plan's readiness
      // often enough that it turns Ready seconds after AWS does (the chart's default is 30 s).
      readinessIntervalMs: 5_000,
      awsEndpoint: awsUrl,
      simulatorUrl: awsUrl,
      logFile: paths.log(region, 'controller'),
    });
  }

  private async controllerReady(): Promise<boolean> {
    const url = this.controller?.httpUrl;
    if (!url) return false;
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }
}
