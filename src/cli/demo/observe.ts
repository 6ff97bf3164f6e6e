/**
 * What the demo reads from a running platform, each over the wire as a user's tools would: the
 * clusters with client-node (a context per region), Aurora's writer with the RDS client against the
 * surviving region's endpoint, and DNS with Route 53's TestDNSAnswer (the data plane, which keeps
 * answering with us-east-1 down).
 */
import { readFileSync } from 'node:fs';
import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { ListHostedZonesCommand, Route53Client, TestDNSAnswerCommand } from '@aws-sdk/client-route-53';
import { CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
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
  private zoneId: string | undefined;

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
   * The region whose ALB a resolver gets for `name`. The hosted zone's id is looked up once, while
   * Route 53's control plane (us-east-1) answers; later questions use the data plane only.
   */
  async dnsRegion(name: string, zoneName: string): Promise<string | undefined> {
    const route53 = new Route53Client({
      endpoint: this.endpoints.aws.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });
    if (!this.zoneId) {
      const zones = await route53.send(new ListHostedZonesCommand({}));
      this.zoneId = zones.HostedZones?.find((zone) => zone.Name === `${zoneName}.`)?.Id?.replace(
        '/hostedzone/',
        '',
      );
      if (!this.zoneId) throw new Error(`no hosted zone ${zoneName} in the AWS simulator`);
    }
    const answer = await route53.send(
      new TestDNSAnswerCommand({ HostedZoneId: this.zoneId, RecordName: name, RecordType: 'A' }),
    );
    const address = answer.RecordData?.[0];
    return this.endpoints.aws.albs.find((alb) => new URL(alb.url).hostname === address)?.region;
  }
}
