/**
 * The whole embedded platform `npm start` runs (issue 17, ARCHITECTURE §1 and §5): one AWS
 * simulator standing for AWS (empty until the estate provisions it), a bare environments
 * repository the publisher pushes this checkout's platform to, and per region a management
 * cluster (RegionCluster: API server, local Crossplane, syncer, controller). A probe agent in a
 * third place (ADR 0007 "Vantages") writes the `external` vantage into both clusters, so the
 * standby's trigger has two vantages once the primary's cluster is gone with its region.
 *
 * A region's loss is the loss of its AWS, its API server and its controller together
 * (`regionDown`); `regionUp` brings them back, the old primary rejoining as a secondary.
 */
import { existsSync } from 'node:fs';
import type { Logger } from 'pino';
import pino from 'pino';
import type { RunningController } from '../../../controllers/controller.js';
import { startProbeAgent } from '../../../controllers/probe-agent.js';
import { type AwsSimulator, startAwsSimulator } from '../../../local/aws/index.js';
import { checkSavedObjects, kubeconfigYamlFor, writeKubeconfigText } from '../../../local/kube/index.js';
import { checkPortFree } from '../../../local/listen-error.js';
import { acquireStateLock, type StateLock } from '../../../local/state-lock.js';
import { type PairRegion, REGION_PAIR } from '../../estate/common/parameters.js';
import { gitIn } from '../../gitops/git.js';
import { publish } from '../../gitops/publish.js';
import { DEFAULT_VANTAGES } from '../../plan/region-health.js';
import { type ControllerLauncher, inProcessControllers } from './controller-launcher.js';
import { simulatedDnsNetwork } from './probe-network.js';
import { RegionCluster, type RegionClusterOptions, type Stoppable } from './region-cluster.js';
import { openPlatformStateDir, type PlatformPaths, platformPaths } from './state-dir.js';

/** The third vantage: a probe agent outside both regions (ADR 0007). */
export const EXTERNAL_VANTAGE = 'external';
export const PLATFORM_VANTAGES = [...DEFAULT_VANTAGES, EXTERNAL_VANTAGE];
/** Where the external agent resolves names from (latency records answer by resolver region). */
const EXTERNAL_RESOLVER_REGION = 'us-west-2';
export const ENVIRONMENTS_BRANCH = 'main';
/** Where the stand-ins listen (their default host). */
const LOOPBACK = '127.0.0.1';

export interface PlatformOptions {
  /** The checkout: what is published and where compositions and the chart come from. */
  root: string;
  stateDir: string;
  /** TradingPlatform XR files or folders to publish. */
  inputs: string[];
  /** First API server port (us-east-2 takes the next); 0 picks free ports. */
  kubePort: number;
  awsPort: number;
  timeScale: number;
  waveDelayMs?: number;
  syncIntervalMs?: number;
  /** Installs what a management cluster has before the first sync; the add-ons then run beside it. */
  clusterSetup: ClusterSetup;
  /** How each region's controller runs; in this process unless given (the chaos suite's are children). */
  launchController?: ControllerLauncher;
}

export interface ClusterSetup {
  prepare: RegionClusterOptions['prepare'];
  startAddons(
    context: { region: PairRegion; kubeconfig: string; aws: AwsSimulator; log: Logger },
    controllerReady: () => Promise<boolean>,
  ): Promise<Stoppable>;
}

export interface PublishedRevision {
  commit: string;
  changed: boolean;
}

export interface PlatformStatus {
  pid: number;
  stateDir: string;
  kubeconfig: string;
  environmentsRepo: { path: string; branch: string; published: string };
  aws: { url: string; albs: { region: string; dnsName: string; url: string }[] };
  regions: {
    region: PairRegion;
    context: string;
    up: boolean;
    kubeApi: string | null;
    /** /healthz, /readyz, /metrics of the region's controller. */
    controller: string | null;
  }[];
  /** The platform's control endpoint (`switchyard chaos` without --aws). */
  control?: string;
}

export class EmbeddedPlatform {
  private agents = new Map<PairRegion, RunningController>();
  private readonly log: Logger;

  private constructor(
    readonly paths: PlatformPaths,
    readonly aws: AwsSimulator,
    readonly clusters: Map<PairRegion, RegionCluster>,
    readonly published: PublishedRevision,
    private readonly lock: StateLock,
  ) {
    this.log = pino(
      { name: 'switchyard-platform' },
      pino.destination({ dest: paths.log('platform', 'platform'), sync: false }),
    );
  }

  static async start(options: PlatformOptions): Promise<EmbeddedPlatform> {
    const paths = platformPaths(options.stateDir);
    // One platform per state dir: a second start refuses, naming the first's pid.
    const lock = acquireStateLock(paths.root);
    let aws: AwsSimulator | undefined;
    let platform: EmbeddedPlatform | undefined;
    try {
      openPlatformStateDir(paths, REGION_PAIR);
      // A cluster whose saved objects are unusable is refused before anything starts: otherwise the
      // other region's cluster would already be syncing and provisioning into AWS, which persists.
      for (const region of REGION_PAIR) checkSavedObjects(paths.cluster(region));
      // Likewise a port given and taken: us-east-2's API server would otherwise find out only after
      // us-east-1's cluster was up and syncing.
      await checkFixedPortsFree(options);
      aws = await startAwsSimulator({
        // AWS keeps what the estate provisioned and what failovers changed, as the clusters keep theirs.
        stateDir: paths.aws,
        logger: pino(
          { name: 'aws-simulator' },
          pino.destination({ dest: paths.log('platform', 'aws'), sync: false }),
        ),
        port: options.awsPort,
        timeScale: options.timeScale,
        // Empty at start: a region's ALB answers once the estate has provisioned one there.
        albs: 'provisioned',
      });
      const published = await publishEnvironments(options, paths);
      platform = new EmbeddedPlatform(paths, aws, regionClusters(options, paths, aws), published, lock);
      for (const region of REGION_PAIR) {
        // A region that was down when the platform stopped stays down (its AWS fault persists).
        if (!aws.faults.isRegionDown(region)) await platform.startRegion(region);
      }
      platform.writeKubeconfig();
      return platform;
    } catch (error) {
      if (platform) await platform.close();
      else {
        await aws?.close();
        lock.release();
      }
      throw error;
    }
  }

  /** Takes the region's AWS, API server, controller and syncer down together. */
  async regionDown(region: PairRegion): Promise<void> {
    this.aws.faults.apply('region-down', [region]);
    await this.stopRegion(region);
    this.log.info({ region }, 'region down: AWS, Kubernetes API, controller and syncer stopped');
  }

  /** Brings the region back; the old primary rejoins as a secondary (no automatic failback). */
  async regionUp(region: PairRegion): Promise<void> {
    this.aws.faults.apply('region-up', [region]);
    await this.startRegion(region);
    this.writeKubeconfig();
    this.log.info({ region }, 'region up');
  }

  /** What endpoints.json and `GET /status` report: where everything listens and which regions are up. */
  status(): PlatformStatus {
    return {
      pid: process.pid,
      stateDir: this.paths.root,
      kubeconfig: this.paths.kubeconfig,
      environmentsRepo: {
        path: this.paths.repo,
        branch: ENVIRONMENTS_BRANCH,
        published: this.published.commit,
      },
      aws: {
        url: this.aws.url,
        albs: this.aws.albs.map((alb) => ({ region: alb.region, dnsName: alb.dnsName, url: alb.url })),
      },
      regions: [...this.clusters.values()].map((cluster) => ({
        region: cluster.region,
        context: cluster.region,
        up: cluster.isUp,
        kubeApi: cluster.url ?? null,
        controller: cluster.controllerUrl ?? null,
      })),
    };
  }

  async close(): Promise<void> {
    for (const region of REGION_PAIR) await this.stopRegion(region);
    await this.aws.close();
    this.lock.release();
  }

  private async startRegion(region: PairRegion): Promise<void> {
    const cluster = this.clusters.get(region);
    if (!cluster) throw new Error(`no cluster for ${region}`);
    await cluster.up();
    this.agents.set(
      region,
      await startProbeAgent({
        kubeconfigPath: cluster.kubeconfig,
        region,
        vantage: EXTERNAL_VANTAGE,
        probeNetwork: simulatedDnsNetwork(this.aws, EXTERNAL_RESOLVER_REGION, EXTERNAL_VANTAGE),
        identity: `external-probe-agent-${region}`,
        logger: pino(
          { name: 'switchyard-probe-agent' },
          pino.destination({ dest: this.paths.log('platform', `probe-agent-${region}`), sync: false }),
        ),
        awsSdk: {
          endpoint: this.aws.url,
          credentials: { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' },
        },
      }),
    );
  }

  private async stopRegion(region: PairRegion): Promise<void> {
    await this.agents.get(region)?.stop();
    this.agents.delete(region);
    await this.clusters.get(region)?.down();
  }

  /** `<state-dir>/kubeconfig`: a context per region, named after it; us-east-1 current. */
  private writeKubeconfig(): void {
    const clusters = [...this.clusters.values()]
      .filter((cluster) => cluster.url)
      .map((cluster) => ({ name: cluster.region, server: cluster.url ?? '' }));
    if (clusters.length === 0) return;
    const current = clusters.find((c) => c.name === REGION_PAIR[0])?.name ?? clusters[0]?.name ?? '';
    writeKubeconfigText(this.paths.kubeconfig, kubeconfigYamlFor(clusters, current));
  }
}

function regionClusters(
  options: PlatformOptions,
  paths: PlatformPaths,
  aws: AwsSimulator,
): Map<PairRegion, RegionCluster> {
  const clusters = new Map<PairRegion, RegionCluster>();
  for (const [index, region] of REGION_PAIR.entries()) {
    clusters.set(
      region,
      new RegionCluster({
        region,
        paths,
        port: options.kubePort === 0 ? 0 : options.kubePort + index,
        awsUrl: aws.url,
        repo: paths.repo,
        branch: ENVIRONMENTS_BRANCH,
        launchController: options.launchController ?? inProcessControllers(aws),
        prepare: options.clusterSetup.prepare,
        startAddons: (kubeconfig, log, controllerReady) =>
          options.clusterSetup.startAddons({ region, kubeconfig, aws, log }, controllerReady),
        waveDelayMs: options.waveDelayMs ?? 200,
        syncIntervalMs: options.syncIntervalMs ?? 1_000,
      }),
    );
  }
  return clusters;
}

async function checkFixedPortsFree(options: PlatformOptions): Promise<void> {
  if (options.awsPort !== 0) await checkPortFree(LOOPBACK, options.awsPort, 'AWS simulator');
  if (options.kubePort === 0) return;
  for (const index of REGION_PAIR.keys())
    await checkPortFree(LOOPBACK, options.kubePort + index, 'Kubernetes API');
}

/** Creates the bare repository on first start, then publishes the checkout (no commit when unchanged). */
async function publishEnvironments(
  options: PlatformOptions,
  paths: PlatformPaths,
): Promise<PublishedRevision> {
  if (!existsSync(paths.repo)) await gitIn(paths.root)(['init', '--quiet', '--bare', paths.repo]);
  const outcome = await publish({
    root: options.root,
    inputs: options.inputs,
    remote: paths.repo,
    branch: ENVIRONMENTS_BRANCH,
    vantages: PLATFORM_VANTAGES,
  });
  return { commit: outcome.commit, changed: outcome.changed };
}
