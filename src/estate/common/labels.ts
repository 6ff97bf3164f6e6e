/** Labels the estate puts on composed resources so selectors (own XR or other XRs) can find them. */
import { ESTATE_GROUP } from './parameters.js';

export const REGION_LABEL = `${ESTATE_GROUP}/region`;
export const ACCESS_LABEL = `${ESTATE_GROUP}/access`;
export const ZONE_LABEL = `${ESTATE_GROUP}/zone`;
export const ROLE_LABEL = `${ESTATE_GROUP}/role`;
/** Composition variant labels, matched by compositionSelector. */
export const ZONES_LABEL = `${ESTATE_GROUP}/zones`;
export const NAT_LABEL = `${ESTATE_GROUP}/nat`;
export const INSTANCES_LABEL = `${ESTATE_GROUP}/instances`;
/** Zone count of one region of the pair (Peering routes through each zone's route table). */
export const regionZonesLabel = (region: string) => `${ZONES_LABEL}-${region}`;
/** ControllerAccess variant: how the controller's pods assume its role (pod-identity | irsa). */
export const TRUST_LABEL = `${ESTATE_GROUP}/trust`;
/** Alerting variant: with or without a topic subscription. */
export const NOTIFY_LABEL = `${ESTATE_GROUP}/notify`;
/** Compute variant: the metric its target-tracking scaling policy holds (request-count | cpu). */
export const SCALING_LABEL = `${ESTATE_GROUP}/scaling-metric`;

/** Zone letters in order; a composition for N zones uses the first N. */
export const ZONE_LETTERS = ['a', 'b', 'c'] as const;
