/**
 * What the demo reads from a running platform, each over the wire as a user's tools would: the
 * clusters with client-node (a context per region), Aurora's writer with the RDS client against the
 * surviving region's endpoint, and DNS as Route 53's name servers answer it (the data plane, which
 * keeps answering with us-east-1 down).
 */
import { readFileSync } from 'node:fs';
import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { adminRequest } from '../../../local/aws/admin-client.js';
import { durationMilliseconds, GROUP, VERSION } from '../../apis/common.js';
import {
  type Failover,
  type FailoverPlan,
  FailoverPlanResource,
  FailoverResource,
  type RegionHealth,
  RegionHealthResource,
} from '../../apis/index.js';
import type { PairRegion } from '../../estate/common/parameters.js';
import type { PlatformStatus } from '../platform/platform.js';

const CREDENTIALS = { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' };

export function readEndpoints(file: string): PlatformStatus {
  return JSON.parse(readFileSync(file, 'utf8')) as PlatformStatus;
}

export class PlatformObserver {
  constructor(
    readonly endpoints: PlatformStatus,
    readonly namespace: string,
  ) {}

  private api(context: PairRegion): CustomObjectsApi {
    const config = new KubeConfig();
    config.loadFromFile(this.endpoints.kubeconfig);
    config.setCurrentContext(context);
    return config.makeApiClient(CustomObjectsApi);
  }

  async failovers(context: PairRegion): Promise<Failover[]> {
    const list = (await this.api(context).listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: FailoverResource.plural,
    })) as { items: Failover[] };
    return list.items;
  }

  async createFailover(context: PairRegion, failover: Failover): Promise<void> {
    await this.api(context).createNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: FailoverResource.plural,
      body: failover,
    });
  }

  async patchFailover(context: PairRegion, name: string, patch: Record<string, unknown>): Promise<void> {
    await this.api(context).patchNamespacedCustomObject(
      {
        group: GROUP,
        version: VERSION,
        namespace: this.namespace,
        plural: FailoverResource.plural,
        name,
        body: patch,
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async failoverPlan(context: PairRegion, planName: string): Promise<FailoverPlan> {
    return (await this.api(context).getNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: FailoverPlanResource.plural,
      name: planName,
    })) as FailoverPlan;
  }

  /** The plan's automatic cooldown, as the trigger in `context`'s cluster reads it. */
  async automaticCooldownMs(context: PairRegion, planName: string): Promise<number> {
    const plan = await this.failoverPlan(context, planName);
    return durationMilliseconds(plan.spec.automatic.cooldown) ?? 30 * 60_000;
  }

  async regionHealths(context: PairRegion): Promise<RegionHealth[]> {
    const list = (await this.api(context).listNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace: this.namespace,
      plural: RegionHealthResource.plural,
    })) as { items: RegionHealth[] };
    return list.items;
  }

  /** The region of Aurora's writer, asked of `from`'s regional endpoint. */
  async writerRegion(globalClusterIdentifier: string, from: PairRegion): Promise<string | undefined> {
    const rds = new RDSClient({ endpoint: this.endpoints.aws.url, region: from, credentials: CREDENTIALS });
    const out = await rds.send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterIdentifier }),
    );
    const writer = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((member) => member.IsWriter);
    return writer?.DBClusterArn?.split(':')[3];
  }

  /**
   * The region whose ALB a resolver gets for `name`: a DNS query to Route 53's name servers (the
   * data plane, which answers with us-east-1 and Route 53's API down), through the simulator's
   * admin API, which stands in for DNS here.
   */
  async dnsRegion(name: string): Promise<string | undefined> {
    const answer = (await adminRequest(
      this.endpoints.aws.url,
      `route53/dns-answer?${new URLSearchParams({ name, type: 'A' })}`,
    )) as { values?: string[] };
    const address = answer.values?.[0];
    return this.endpoints.aws.albs.find((alb) => new URL(alb.url).hostname === address)?.region;
  }
}
