/**
 * Deterministic AWS names (external names) shared by the Composition that creates a resource, the
 * ones that refer to it from another XR and the FailoverPlan derivation (src/plan). Alarms need the
 * ASG name and the Aurora cluster identifier as dimensions; fixing them at synth time means the
 * alarms can be composed before the targets exist, instead of waiting for their status to travel
 * up and down the XR tree, and the plan can name them before anything is provisioned.
 *
 * Each name is written once as a P&T format string (`%s` per input); the `…Name` functions fill
 * the same string, so a composition and the derivation cannot disagree.
 */
import type { PairRegion } from './parameters.js';

export const EXTERNAL_NAME = 'metadata.annotations[crossplane.io/external-name]';

/** Fills a P&T format string's `%s` placeholders in order, as a Format or Combine transform would. */
export function fillFormat(format: string, ...values: string[]): string {
  let next = 0;
  return format.replace(/%s/g, () => values[next++] ?? '%s');
}

/** Aurora cluster of a region: `<globalClusterIdentifier>-<region>` (a Format over the global id). */
export const clusterIdentifierFormat = (region: PairRegion) => `%s-${region}`;
export const clusterIdentifier = (globalClusterIdentifier: string, region: PairRegion) =>
  fillFormat(clusterIdentifierFormat(region), globalClusterIdentifier);

/**
 * App-tier names: `<platformId>-app-<region>`, a Combine over platformId, region. The ASG, the
 * target group and the app servers' IAM role, policy and instance profile (IAM is global, so the
 * region is part of the name) all carry it.
 */
export const APP_NAME_COMBINE = '%s-app-%s';
/** The same name for a known region (a Format over platformId). */
export const appNameFormat = (region: PairRegion) => `%s-app-${region}`;
export const appName = (platformId: string, region: PairRegion) =>
  fillFormat(APP_NAME_COMBINE, platformId, region);

/**
 * The session table, `<platformId>-sessions`: one name in both regions (a global table), so the
 * app finds it by name in whichever region serves it.
 */
export const SESSIONS_TABLE_FORMAT = '%s-sessions';
export const sessionsTableName = (platformId: string) => fillFormat(SESSIONS_TABLE_FORMAT, platformId);

/**
 * A region's data bucket, `<platformId>-switchyard-data-<region>` (bucket names are global, so the
 * platform id leads); Combine over platformId, region.
 */
export const DATA_BUCKET_COMBINE = '%s-switchyard-data-%s';
/** The same name for a known region (a Format over platformId). */
export const dataBucketFormat = (region: PairRegion) => fillFormat(DATA_BUCKET_COMBINE, '%s', region);
export const dataBucketName = (platformId: string, region: string) =>
  fillFormat(DATA_BUCKET_COMBINE, platformId, region);

/** The app's CloudWatch log groups: `/<platformId>/app/` and anything below it. */
export const APP_LOG_GROUP_PREFIX_FORMAT = '/%s/app/';
export const appLogGroupPrefix = (platformId: string) => fillFormat(APP_LOG_GROUP_PREFIX_FORMAT, platformId);

/** Alerting alarms: `<platformId>-<region>-<alarm>`; Combine over platformId, region. */
export const alarmNameCombine = (alarm: string) => `%s-%s-${alarm}`;
export const alarmName = (platformId: string, region: PairRegion, alarm: string) =>
  fillFormat(alarmNameCombine(alarm), platformId, region);

/**
 * A region's own DNS name, `<region>.<domainName>`: an alias to that region's ALB whatever the
 * gates say, so a probe reaches one region by a name known before the ALB exists (a Format over
 * the domain name).
 */
export const regionalHostFormat = (region: PairRegion) => `${region}.%s`;
export const regionalHostName = (domainName: string, region: PairRegion) =>
  fillFormat(regionalHostFormat(region), domainName);
