/**
 * The platform `npm start` runs (src/cli/platform/launch.ts: two embedded Kubernetes APIs, local
 * Crossplane and provider into the AWS simulator, the GitOps syncers, the external probe agent),
 * its controllers as child processes (controllers.ts), and what the chaos suite does to it, each
 * over the wire as a person or a CI job would: the real kubectl against a region's context, faults
 * through the platform's control endpoint (what `switchyard chaos` posts) or the simulator's admin
 * API (`switchyard chaos --aws`), commits pushed to the environments repository. What the suite
 * reads to judge (the simulator's state and journal, the syncers' status files) it reads in place.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { adminRequest } from '../../local/aws/admin-client.js';
import type { AwsSimulator } from '../../local/aws/index.js';
import { readStatus, statusFile } from '../../local/gitops/index.js';
import type { ApplicationStatus } from '../../local/gitops/status-store.js';
import {
  type Failover,
  FailoverPlanResource,
  type FailoverPlanSpec,
  type FailoverSpec,
} from '../../src/apis/index.js';
import { PlatformObserver } from '../../src/cli/demo/observe.js';
import type { ControllerEntry } from '../../src/cli/platform/controller-process.js';
import { type LaunchedPlatform, launchPlatform } from '../../src/cli/platform/launch.js';
import { EXTERNAL_VANTAGE, type PlatformStatus } from '../../src/cli/platform/platform.js';
import type { PairRegion } from '../../src/estate/common/parameters.js';
import { EXAMPLE_PLATFORM_FILE } from '../../src/generate/derived-plan.js';
import { derivePlan } from '../../src/plan/derive.js';
import { readTradingPlatform } from '../../src/plan/platform.js';
import { clusterVantage } from '../../src/plan/region-health.js';
import type { CommandResult } from '../support/command.js';
import { Kubectl } from '../support/kubectl.js';
import { ChaosControllers } from './controllers.js';
import { EnvironmentsRepo } from './environments.js';

export const REGIONS: readonly PairRegion[] = ['us-east-1', 'us-east-2'];
export const otherRegion = (region: PairRegion): PairRegion =>
  region === 'us-east-1' ? 'us-east-2' : 'us-east-1';

/** The plan's home region (where the automatic trigger fails over from). */
export function homeRegion(estate: Estate): PairRegion {
  const home = REGIONS.find((region) => region === estate.plan.regions.primary);
  if (!home) throw new Error(`the plan's primary ${estate.plan.regions.primary} is not a region of the pair`);
  return home;
}

export interface ChaosPlatformOptions {
  root: string;
  /** Real ms per simulated AWS ms (npm start's --time-scale). */
  timeScale: number;
  controllerEntry: ControllerEntry;
  readyTimeoutMs: number;
}

/** What the XR the platform publishes names, derived as everything else on the platform is. */
export interface Estate {
  platformId: string;
  namespace: string;
  planName: string;
  plan: FailoverPlanSpec;
  domainName: string;
}

export class ChaosPlatform {
  readonly observer: PlatformObserver;
  readonly environments: EnvironmentsRepo;
  private readonly kubectls = new Map<PairRegion, Kubectl>();

  private constructor(
    readonly launched: LaunchedPlatform,
    readonly controllers: ChaosControllers,
    readonly estate: Estate,
    private readonly stateDir: string,
  ) {
    this.observer = new PlatformObserver(launched.endpoints, estate.namespace);
    this.environments = new EnvironmentsRepo(
      launched.platform.paths.repo,
      launched.endpoints.environmentsRepo.branch,
      launched.platform.published.commit,
    );
  }

  static async start(options: ChaosPlatformOptions): Promise<ChaosPlatform> {
    const stateDir = mkdtempSync(join(tmpdir(), 'switchyard-chaos-'));
    const controllers = new ChaosControllers(options.controllerEntry);
    const xr = parse(readFileSync(join(options.root, EXAMPLE_PLATFORM_FILE), 'utf8')) as unknown;
    const { spec } = readTradingPlatform(xr);
    // Parsed, so the plan's defaults are filled in as the API server fills them.
    const plan = FailoverPlanResource.parse(derivePlan(xr).plan);
    try {
      const launched = await launchPlatform(
        {
          root: options.root,
          stateDir,
          kubePort: 0,
          awsPort: 0,
          timeScale: options.timeScale,
          readyTimeoutMs: options.readyTimeoutMs,
          launchController: controllers.launch,
        },
        () => undefined,
      );
      return new ChaosPlatform(
        launched,
        controllers,
        {
          platformId: spec.platformId,
          namespace: plan.metadata.namespace ?? 'default',
          planName: plan.metadata.name ?? spec.platformId,
          plan: plan.spec,
          domainName: spec.domainName,
        },
        stateDir,
      );
    } catch (error) {
      await controllers.close();
      rmSync(stateDir, { recursive: true, force: true });
      throw error;
    }
  }

  get aws(): AwsSimulator {
    return this.launched.platform.aws;
  }

  get readySeconds(): number {
    return this.launched.readySeconds;
  }

  isUp(region: PairRegion): boolean {
    return this.launched.platform.clusters.get(region)?.isUp ?? false;
  }

  /** The real kubectl against one region's context of the kubeconfig npm start writes. */
  kubectl(context: PairRegion, args: string[], stdin?: string): Promise<CommandResult> {
    let kubectl = this.kubectls.get(context);
    if (!kubectl) {
      kubectl = new Kubectl(this.launched.platform.paths.kubeconfig);
      this.kubectls.set(context, kubectl);
    }
    return kubectl.run(['--context', context, ...args], stdin === undefined ? {} : { stdin });
  }

  /** kubectl that must succeed. */
  async kubectlOk(context: PairRegion, args: string[], stdin?: string): Promise<string> {
    const result = await this.kubectl(context, args, stdin);
    if (result.code !== 0)
      throw new Error(
        `kubectl --context ${context} ${args.join(' ')}: ${result.stderr.trim() || result.stdout}`,
      );
    return result.stdout;
  }

  /** `switchyard chaos <fault> <args>`: the platform's control endpoint (region-down/up take the whole region). */
  async fault(fault: string, ...args: string[]): Promise<void> {
    const response = await fetch(`${this.launched.endpoints.control}/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault, args }),
    });
    if (!response.ok)
      throw new Error(`chaos ${fault} ${args.join(' ')}: ${response.status} ${await response.text()}`);
  }

  /** `switchyard chaos --aws <url> <fault> <args>`: AWS alone, the clusters and controllers untouched. */
  async awsFault(fault: string, ...args: string[]): Promise<void> {
    await adminRequest(this.aws.url, 'faults', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fault, args }),
    });
  }

  /** The control endpoint's live status. */
  async status(): Promise<PlatformStatus> {
    const response = await fetch(`${this.launched.endpoints.control}/status`, {
      signal: AbortSignal.timeout(5_000),
    });
    return (await response.json()) as PlatformStatus;
  }

  /**
   * What the suite waits for between scenarios: npm start's readiness at the branch's tip. In every
   * region that is up, the syncer applied the tip and its resources are healthy, and the
   * RegionHealths this cluster's vantages report into are probed. A FailoverPlan's health is left
   * out: in the new primary's cluster its readiness conditions stay as they were when it failed over
   * (only the standby region's controller writes them, into its own cluster), so after a failover
   * it reads Degraded there.
   */
  async readiness(): Promise<string[]> {
    const waiting: string[] = [];
    for (const region of REGIONS) {
      if (!this.isUp(region)) continue;
      const status = this.syncStatus(region);
      if (status?.sync.revision !== this.environments.head || status.sync.status !== 'Synced')
        waiting.push(
          `${region}: ${status?.sync.status ?? 'no sync'} at ${status?.sync.revision?.slice(0, 12)}`,
        );
      for (const resource of status?.resources ?? [])
        if (resource.health && resource.health.status !== 'Healthy' && resource.kind !== 'FailoverPlan')
          waiting.push(`${region}: ${resource.kind} ${resource.name} ${resource.health.status}`);
      const reporting = new Set([clusterVantage(region), EXTERNAL_VANTAGE]);
      for (const health of await this.observer.regionHealths(region))
        if (reporting.has(health.spec.vantage) && !health.status?.signals?.length)
          waiting.push(`${region}: RegionHealth ${health.metadata.name} not probed yet`);
    }
    return waiting;
  }

  /** The region's syncer as `switchyard gitops status` reads it. */
  syncStatus(region: PairRegion): ApplicationStatus | undefined {
    return readStatus(statusFile(this.launched.platform.paths.root, { region }));
  }

  /** Failovers of the plan's namespace in the region's cluster (none when it is down). */
  async failovers(region: PairRegion): Promise<Failover[]> {
    return this.isUp(region) ? this.observer.failovers(region) : [];
  }

  /** Applies a Failover with kubectl in the cluster of `context`. */
  async applyFailover(context: PairRegion, failover: Record<string, unknown>): Promise<void> {
    await this.kubectlOk(context, ['apply', '-f', '-'], JSON.stringify(failover));
  }

  /** The controller's log file of a region (its trigger's reasons to hold are there). */
  controllerLog(region: PairRegion): string {
    try {
      return readFileSync(this.launched.platform.paths.log(region, 'controller'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops everything; the state dir (logs of every component) is kept when `keep` says so. */
  async stop(keep = false): Promise<void> {
    await this.launched.stop();
    await this.controllers.close();
    for (const kubectl of this.kubectls.values()) kubectl.dispose();
    this.environments.dispose();
    if (!keep) rmSync(this.stateDir, { recursive: true, force: true });
  }

  get logs(): string {
    return this.launched.platform.paths.logs;
  }
}

/** A Failover manifest of the estate's plan. */
export function failoverManifest(
  estate: Estate,
  name: string,
  type: 'Switchover' | 'Failover',
  targetRegion: PairRegion,
  reason: string,
  extra: Partial<FailoverSpec> = {},
): { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: FailoverSpec } {
  return {
    apiVersion: 'failover.switchyard.dev/v1alpha1',
    kind: 'Failover',
    metadata: { name, namespace: estate.namespace },
    spec: {
      planRef: { name: estate.planName },
      type,
      targetRegion,
      allowDataLoss: type === 'Failover',
      cancel: false,
      dryRun: false,
      paused: false,
      reason,
      ...extra,
    },
  };
}

/**
 * A person's consent given with the Failover: any data loss (about three simulated years; at
 * time-scale 0.01 a cut-off secondary's lag passes the plan's budget within a second).
 */
export const approvedNow = (): Pick<FailoverSpec, 'approval'> => ({
  approval: {
    approvedBy: 'chaos-suite',
    approvedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    maxDataLossSeconds: 100_000_000,
  },
});
