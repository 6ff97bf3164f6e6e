/**
 * When `npm start` may say `ready`: in every region that is up, the syncer has applied the
 * published commit and Argo CD's health says Healthy (the estate's XRs Ready, so everything the
 * plan names exists in AWS), and every RegionHealth of a vantage that reports into that cluster
 * (its own controller's and the external agent's) has a status. The other cluster's vantage has
 * its objects in this cluster too (synced from Git) but reports into its own cluster only, so
 * nobody writes them here (ADR 0007). What is still missing is what `waitUntilReady` reports
 * when it gives up.
 */
import { readStatus, statusFile } from '../../../local/gitops/index.js';
import { GROUP, VERSION } from '../../apis/common.js';
import { RegionHealthResource } from '../../apis/index.js';
import { clusterVantage } from '../../plan/region-health.js';
import { type EmbeddedPlatform, EXTERNAL_VANTAGE } from './platform.js';

export interface Readiness {
  ready: boolean;
  /** What is not there yet, one line each. */
  waiting: string[];
}

export async function platformReadiness(platform: EmbeddedPlatform): Promise<Readiness> {
  const waiting: string[] = [];
  for (const cluster of platform.clusters.values()) {
    if (!cluster.isUp || !cluster.url) continue;
    const region = cluster.region;
    const status = readStatus(statusFile(platform.paths.root, { region }));
    const sync = status?.sync.status ?? 'Unknown';
    const health = status?.health.status ?? 'Unknown';
    if (status?.sync.revision !== platform.published.commit || sync !== 'Synced' || health !== 'Healthy')
      waiting.push(
        `${region}: application ${sync}/${health} at ${status?.sync.revision?.slice(0, 12) ?? 'no revision'} (want Synced/Healthy at ${platform.published.commit.slice(0, 12)})`,
      );
    const reporting = new Set([clusterVantage(region), EXTERNAL_VANTAGE]);
    const healths = (await listRegionHealths(cluster.url)).filter((h) => reporting.has(h.vantage));
    if (healths.length === 0) waiting.push(`${region}: no RegionHealth objects yet`);
    for (const name of healths.filter((h) => !h.probed).map((h) => h.name))
      waiting.push(`${region}: RegionHealth ${name} not probed yet`);
  }
  return { ready: waiting.length === 0, waiting };
}

async function listRegionHealths(
  server: string,
): Promise<{ name: string; vantage: string; probed: boolean }[]> {
  const url = `${server}/apis/${GROUP}/${VERSION}/${RegionHealthResource.plural}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) return [];
    const list = (await response.json()) as {
      items: {
        metadata: { namespace: string; name: string };
        spec: { vantage: string };
        status?: { signals?: unknown[] };
      }[];
    };
    return list.items.map((item) => ({
      name: `${item.metadata.namespace}/${item.metadata.name}`,
      vantage: item.spec.vantage,
      probed: (item.status?.signals?.length ?? 0) > 0,
    }));
  } catch {
    return [];
  }
}

export async function waitUntilReady(
  platform: EmbeddedPlatform,
  timeoutMs: number,
  onWaiting?: (readiness: Readiness) => void,
): Promise<Readiness> {
  const deadline = Date.now() + timeoutMs;
  let readiness = await platformReadiness(platform);
  while (!readiness.ready && Date.now() < deadline) {
    onWaiting?.(readiness);
    await new Promise((resolve) => setTimeout(resolve, 250));
    readiness = await platformReadiness(platform);
  }
  return readiness;
}
