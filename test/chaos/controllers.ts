/**
 * Each region's failover controller as a child process the chaos suite can SIGKILL, in front of
 * which two proxies stand for the network: one to AWS (test/controller/holding-proxy.ts: it holds a
 * call so a kill lands mid-call, and names the controller's vantage, so the simulator's partitions
 * cut it off) and one to its Kubernetes API (kube-holding-proxy.ts: it holds a status write so a
 * kill lands on a step boundary). A crash is SIGKILL, then what the caller does with the held
 * request, then a new process with the same settings, as a Deployment's restart would bring.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { VANTAGE_HEADER } from '../../local/aws/core/request.js';
import { writeKubeconfig } from '../../local/kube/index.js';
import type {
  ControllerLauncher,
  ControllerSettings,
  LaunchedController,
} from '../../src/cli/platform/controller-launcher.js';
import {
  type ControllerEntry,
  type ControllerProcess,
  forkController,
  type PreloadedController,
  preloadController,
} from '../../src/cli/platform/controller-process.js';
import type { PairRegion } from '../../src/estate/common/parameters.js';
import { HoldingProxy } from '../controller/holding-proxy.js';
import { KubeHoldingProxy } from '../controller/kube-holding-proxy.js';

interface RegionController {
  settings: ControllerSettings;
  aws: HoldingProxy;
  kube: KubeHoldingProxy;
  process: ControllerProcess | undefined;
}

export class ChaosControllers {
  private readonly regions = new Map<PairRegion, RegionController>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'switchyard-chaos-controllers-'));
  /** SIGKILLs sent, for the report. */
  kills = 0;
  /** The next controller process, its code already loaded: a restart costs only the start. */
  private spare: PreloadedController | undefined;

  constructor(private readonly entry: ControllerEntry) {}

  /** What the platform runs each region's controller with. */
  readonly launch: ControllerLauncher = async (settings) => {
    const region = await this.regionFor(settings);
    region.process = await this.fork(region);
    const handle: LaunchedController = {
      get httpUrl() {
        return region.process?.httpUrl;
      },
      stop: async () => {
        const running = region.process;
        region.process = undefined;
        await running?.stop();
      },
    };
    return handle;
  };

  /** The network between the region's controller and AWS. */
  aws(region: PairRegion): HoldingProxy {
    return this.get(region).aws;
  }

  /** The network between the region's controller and its Kubernetes API. */
  kube(region: PairRegion): KubeHoldingProxy {
    return this.get(region).kube;
  }

  /** Whatever a scenario left held or armed is let go: nothing may hold the next scenario's requests. */
  releaseHolds(): void {
    for (const region of this.regions.values()) {
      region.aws.cancelHold();
      region.aws.unblock();
      region.kube.cancelHold();
    }
  }

  isRunning(region: PairRegion): boolean {
    return this.regions.get(region)?.process !== undefined;
  }

  /**
   * SIGKILL, then `meanwhile` (release or drop what a proxy holds) while no controller runs, then
   * the same controller again. Resolves once the new process serves /readyz's URL.
   */
  async crash(region: PairRegion, meanwhile: () => Promise<void> | void = () => undefined): Promise<void> {
    const controller = this.get(region);
    const running = controller.process;
    if (!running) throw new Error(`no ${region} controller runs to crash`);
    controller.process = undefined;
    await running.kill();
    this.kills += 1;
    await meanwhile();
    controller.aws.unblock();
    controller.process = await this.fork(controller);
  }

  async close(): Promise<void> {
    this.spare?.child.kill('SIGKILL');
    this.spare = undefined;
    for (const region of this.regions.values()) {
      await region.process?.stop();
      await region.aws.close();
      await region.kube.close();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get(region: PairRegion): RegionController {
    const controller = this.regions.get(region);
    if (!controller) throw new Error(`the ${region} controller never started`);
    return controller;
  }

  /** Proxies are made on the first start and kept: the region's API server keeps its port across region-up. */
  private async regionFor(settings: ControllerSettings): Promise<RegionController> {
    const known = this.regions.get(settings.region);
    if (known) {
      known.settings = settings;
      return known;
    }
    const config = new KubeConfig();
    config.loadFromFile(settings.kubeconfig);
    const server = config.getCurrentCluster()?.server;
    if (!server) throw new Error(`${settings.kubeconfig} names no server`);
    const controller: RegionController = {
      settings,
      aws: await HoldingProxy.start(settings.awsEndpoint, {
        headers: { [VANTAGE_HEADER]: settings.vantage },
      }),
      kube: await KubeHoldingProxy.start(server),
      process: undefined,
    };
    this.regions.set(settings.region, controller);
    return controller;
  }

  private fork(controller: RegionController): Promise<ControllerProcess> {
    const kubeconfig = join(this.dir, `${controller.settings.region}.kubeconfig`);
    writeKubeconfig(kubeconfig, controller.kube.url);
    const preloaded = this.spare?.child.connected ? this.spare : undefined;
    this.spare = preloadController(this.entry);
    return forkController(
      this.entry,
      { ...controller.settings, kubeconfig, awsEndpoint: controller.aws.url },
      preloaded,
    );
  }
}
