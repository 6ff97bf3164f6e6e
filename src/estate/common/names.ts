/**
 * Deterministic AWS names (external names) shared by the Composition that creates a resource and
 * the ones that refer to it from another XR. Alarms need the ASG name and the Aurora cluster
 * identifier as dimensions; fixing them at synth time means the alarms can be composed before the
 * targets exist, instead of waiting for their status to travel up and down the XR tree.
 */
import type { PairRegion } from './parameters.js';

export const EXTERNAL_NAME = 'metadata.annotations[crossplane.io/external-name]';

/** Aurora cluster of a region: `<globalClusterIdentifier>-<region>` (a Format over the global id). */
export const clusterIdentifierFormat = (region: PairRegion) => `%s-${region}`;

/** App-tier names (ASG, target group): `<platformId>-app-<region>`; Combine over platformId, region. */
export const APP_NAME_COMBINE = '%s-app-%s';
/** The same name for a known region (a Format over platformId). */
export const appNameFormat = (region: PairRegion) => `%s-app-${region}`;
