/**
 * The RegionHealth objects of a platform: one per (region × vantage), each probing only what the
 * estate creates in that region: its ALB through the region's own DNS name (never an AWS-generated
 * host), the Aurora member cluster, and the alarm the Alerting composition raises on 5xx the ALB
 * answers itself.
 */
import { GROUP, VERSION } from '../apis/common.js';
import type { RegionHealthInput } from '../apis/region-health.js';
import { ALB_5XX_ALARM } from '../estate/alerting/composition.js';
import { alarmName, regionalHostName } from '../estate/common/names.js';
import {
  DEFAULT_HEALTH_PATH,
  type PairRegion,
  PLATFORM_LABEL,
  REGION_PAIR,
} from '../estate/common/parameters.js';
import type { TradingPlatformSpec } from './platform.js';

/** Signal names; the automatic policy counts the first two. */
export const SIGNALS = { alb: 'alb', auroraWriter: 'aurora-writer', alb5xx: 'alb-5xx' } as const;

/** `us-east-1` → `use1`: short enough for object names. */
export const regionShortName = (region: string) =>
  region
    .split('-')
    .map((part, index) => (index === 0 || /^[0-9]+$/.test(part) ? part : part.charAt(0)))
    .join('');

/** The default vantages: each region's own cluster (`cluster-use1`, `cluster-use2`). */
export const clusterVantage = (region: string) => `cluster-${regionShortName(region)}`;
export const DEFAULT_VANTAGES = REGION_PAIR.map(clusterVantage);

/** `https://<region>.<domainName>/healthz`: what the `alb` probe of a region requests. */
export const regionalHealthUrl = (domainName: string, region: PairRegion) =>
  `https://${regionalHostName(domainName, region)}${DEFAULT_HEALTH_PATH}`;

export function regionHealthObjects(
  spec: TradingPlatformSpec,
  namespace: string,
  vantages: readonly string[],
  clusterArn: (region: PairRegion) => string,
): RegionHealthInput[] {
  return REGION_PAIR.flatMap((region) =>
    vantages.map(
      (vantage): RegionHealthInput => ({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'RegionHealth',
        metadata: {
          name: `${spec.platformId}-${regionShortName(region)}-from-${vantage}`,
          namespace,
          labels: { [PLATFORM_LABEL]: spec.platformId },
        },
        spec: {
          region,
          vantage,
          probes: [
            {
              name: SIGNALS.alb,
              type: 'HTTP',
              http: { url: regionalHealthUrl(spec.domainName, region) },
              interval: '10s',
              timeout: '3s',
              failureThreshold: 3,
            },
            {
              name: SIGNALS.auroraWriter,
              type: 'AuroraWriter',
              auroraWriter: { clusterArn: clusterArn(region) },
            },
            {
              name: SIGNALS.alb5xx,
              type: 'CloudWatchAlarm',
              cloudWatchAlarm: { alarmName: alarmName(spec.platformId, region, ALB_5XX_ALARM) },
              // CloudWatch evaluates it once a minute; probing faster reads the same state.
              interval: '1m',
              timeout: '10s',
            },
          ],
        },
      }),
    ),
  );
}
