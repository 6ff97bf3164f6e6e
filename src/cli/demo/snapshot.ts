/**
 * A SystemSnapshot of the running platform, for the system picture (src/cli/pictures/system-svg.ts),
 * read as an operator's tools would: each cluster over its API (managed resources and their Ready
 * condition), its syncer's status file, its controller's /readyz, and each region's AWS endpoints
 * (Aurora roles, the ALB, the app's Auto Scaling group). A region whose endpoints do not answer is
 * drawn down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { type PairRegion, REGION_PAIR } from '../../estate/common/parameters.js';
import type { RegionSnapshot, SystemSnapshot } from '../pictures/system-svg.js';
import type { PlatformStatus } from '../platform/platform.js';
import type { PlatformObserver } from './observe.js';

const CREDENTIALS = { accessKeyId: 'AKIDSWITCHYARD', secretAccessKey: 'local' };
/** Managed resources of the AWS provider family (Crossplane v2 namespaced kinds). */
const MANAGED_GROUP_SUFFIX = '.aws.m.upbound.io';

export interface SnapshotInput {
  observer: PlatformObserver;
  /** Live status from the platform's control endpoint. */
  status: PlatformStatus;
  globalClusterIdentifier: string;
  /** The app's Auto Scaling group per region (derived from the estate's names). */
  appGroup(region: PairRegion): string;
  domainName: string;
  title: string;
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

interface Item {
  status?: { conditions?: { type: string; status: string }[] };
}

export async function managedCounts(
  apiUrl: string,
): Promise<{ managedResources: number; readyResources: number }> {
  const crds = (await getJson(`${apiUrl}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`)) as {
    items: {
      spec: { group: string; names: { plural: string }; versions: { name: string; storage: boolean }[] };
    }[];
  };
  let managedResources = 0;
  let readyResources = 0;
  for (const crd of crds.items.filter((c) => c.spec.group.endsWith(MANAGED_GROUP_SUFFIX))) {
    const version = crd.spec.versions.find((v) => v.storage)?.name ?? crd.spec.versions[0]?.name;
    const list = (await getJson(`${apiUrl}/apis/${crd.spec.group}/${version}/${crd.spec.names.plural}`)) as {
      items: Item[];
    };
    // ProviderConfigs live in the same groups but are not managed resources.
    if (crd.spec.names.plural.endsWith('providerconfigs')) continue;
    managedResources += list.items.length;
    readyResources += list.items.filter((item) =>
      item.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ).length;
  }
  return { managedResources, readyResources };
}

async function clusterOf(
  status: PlatformStatus,
  region: PlatformStatus['regions'][number],
): Promise<RegionSnapshot['cluster']> {
  if (!region.up || !region.kubeApi) return undefined;
  try {
    const counts = await managedCounts(region.kubeApi);
    let syncedRevision: string | undefined;
    try {
      const file = join(status.stateDir, 'gitops', `region-${region.region}.json`);
      syncedRevision = (JSON.parse(readFileSync(file, 'utf8')) as { sync?: { revision?: string } }).sync
        ?.revision;
    } catch {
      syncedRevision = undefined;
    }
    let controller: 'running' | 'down' = 'down';
    if (region.controller) {
      const readyz = await fetch(`${region.controller}/readyz`, { signal: AbortSignal.timeout(2_000) }).catch(
        () => undefined,
      );
      controller = readyz?.ok ? 'running' : 'down';
    }
    return { apiUrl: region.kubeApi, ...(syncedRevision ? { syncedRevision } : {}), ...counts, controller };
  } catch {
    return undefined;
  }
}

async function awsOf(input: SnapshotInput, region: PairRegion): Promise<RegionSnapshot['aws']> {
  const endpoint = input.status.aws.url;
  try {
    const global = await new RDSClient({ endpoint, region, credentials: CREDENTIALS }).send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: input.globalClusterIdentifier }),
    );
    const member = global.GlobalClusters?.[0]?.GlobalClusterMembers?.find(
      (m) => m.DBClusterArn?.split(':')[3] === region,
    );
    const groups = await new AutoScalingClient({ endpoint, region, credentials: CREDENTIALS }).send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [input.appGroup(region)] }),
    );
    const group = groups.AutoScalingGroups?.[0];
    const alb = input.status.aws.albs.find((a) => a.region === region);
    const albHealthy = alb
      ? await fetch(`${alb.url}/healthz`, { signal: AbortSignal.timeout(2_000) })
          .then((response) => response.ok)
          .catch(() => false)
      : false;
    return {
      aurora: member?.IsWriter ? 'writer' : 'reader',
      albHealthy,
      asg: {
        inService: group?.Instances?.filter((i) => i.LifecycleState === 'InService').length ?? 0,
        desired: group?.DesiredCapacity ?? 0,
      },
    };
  } catch {
    // The region's endpoints do not answer: it is down.
    return undefined;
  }
}

export async function systemSnapshot(input: SnapshotInput): Promise<SystemSnapshot> {
  const regions: RegionSnapshot[] = [];
  for (const name of REGION_PAIR) {
    const region = input.status.regions.find((r) => r.region === name);
    const cluster = region ? await clusterOf(input.status, region) : undefined;
    const aws = await awsOf(input, name);
    regions.push({ name, ...(cluster ? { cluster } : {}), ...(aws ? { aws } : {}) });
  }
  const answer = await input.observer.dnsRegion(input.domainName).catch(() => undefined);
  return {
    title: input.title,
    regions,
    repo: { path: input.status.environmentsRepo.path, head: input.status.environmentsRepo.published },
    dns: { name: input.domainName, ...(answer ? { answer } : {}) },
    aws: { url: input.status.aws.url },
  };
}
