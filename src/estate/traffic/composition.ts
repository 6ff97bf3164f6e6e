/**
 * TrafficRouting Compositions: a managed hosted zone (default) or an existing zone id.
 * Failover types are static (us-east-1 PRIMARY): which region serves is decided at run time by the
 * gate objects the controller writes, never by a Git change (ARCHITECTURE §1, §2).
 */
import { compositionName } from '../api.js';
import { REGION_LABEL, ROLE_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import {
  ESTATE_API_VERSION,
  ESTATE_GROUP,
  type PairRegion,
  peerOf,
  REGION_PAIR,
} from '../common/parameters.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { format } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate, DirectPatch } from '../patch-and-transform/types.js';

export type ZoneSource = 'managed' | 'existing';
const ZONE_SOURCE_LABEL = `${ESTATE_GROUP}/zone-source`;
const CHECK_LABEL = `${ESTATE_GROUP}/check`;
/** Route 53 checkers probe every 30 s (the standard interval; 10 s costs more and flaps more). */
const REQUEST_INTERVAL = 30;

/** `<platform>-switchyard-gate-<region>`: deterministic, so checks can name it before it exists. */
export const gateBucketFormat = (region: PairRegion) => `%s-switchyard-gate-${region}`;
/** The gate object of region R, in the other region's gate bucket. */
export const gateObjectKey = (region: PairRegion) => `gates/${region}`;

function zonePatch(source: ZoneSource): DirectPatch[] {
  return source === 'existing'
    ? [fromComposite('spec.existingZoneId', 'spec.forProvider.zoneId', { policy: 'Required' })]
    : [];
}

function regionResources(region: PairRegion, source: ZoneSource): ComposedTemplate[] {
  const peer = peerOf(region);
  const labels = (extra: Record<string, string>) => ({ [REGION_LABEL]: region, ...extra });
  const zoneSelector = source === 'managed' ? { zoneIdSelector: selectOwn() } : {};
  const alias = (patches: DirectPatch[]) => [
    fromComposite(`spec.endpoints.${region}.albDnsName`, 'spec.forProvider.alias.name'),
    fromComposite(`spec.endpoints.${region}.albZoneId`, 'spec.forProvider.alias.zoneId'),
    ...patches,
  ];
  return [
    managed({
      name: `gate-bucket-${region}`,
      service: 's3',
      kind: 'Bucket',
      region,
      labels: labels({ [ROLE_LABEL]: 'gate' }),
      // Holds nothing but gate objects, so deleting the XR may empty it.
      forProvider: { forceDestroy: true },
      patches: [
        fromComposite('spec.platformId', 'metadata.annotations[crossplane.io/external-name]', {
          transforms: [format(gateBucketFormat(region))],
        }),
        toComposite('status.atProvider.id', `status.gateBuckets.${region}`),
      ],
    }),
    managed({
      name: `gate-bucket-public-access-${region}`,
      service: 's3',
      kind: 'BucketPublicAccessBlock',
      region,
      // Route 53 checkers read gate objects anonymously, so a bucket policy granting GetObject on
      // gates/* must be allowed; ACLs stay blocked. (The policy MR is not in the stored schema set.)
      forProvider: {
        bucketSelector: selectOwn(labels({ [ROLE_LABEL]: 'gate' })),
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: false,
        restrictPublicBuckets: false,
      },
    }),
    managed({
      name: `health-check-alb-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'member' }),
      forProvider: {
        type: 'HTTPS',
        port: 443,
        requestInterval: REQUEST_INTERVAL,
        failureThreshold: 3,
        enableSni: true,
        measureLatency: true,
        referenceName: `alb-${region}`,
      },
      patches: [
        fromComposite(`spec.endpoints.${region}.albDnsName`, 'spec.forProvider.fqdn'),
        fromComposite('spec.healthPath', 'spec.forProvider.resourcePath'),
        toComposite('status.atProvider.id', `status.healthChecks.${region}.alb`),
      ],
    }),
    managed({
      name: `health-check-gate-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'member' }),
      // Inverted: healthy while the gate object is absent (S3 answers 403/404), unhealthy once the
      // controller writes it into the other region's bucket.
      forProvider: {
        type: 'HTTPS',
        port: 443,
        resourcePath: `/${gateObjectKey(region)}`,
        invertHealthcheck: true,
        requestInterval: REQUEST_INTERVAL,
        failureThreshold: 1,
        enableSni: true,
        referenceName: `gate-${region}`,
      },
      patches: [
        fromComposite('spec.platformId', 'spec.forProvider.fqdn', {
          transforms: [format(`${gateBucketFormat(peer)}.s3.${peer}.amazonaws.com`)],
        }),
        toComposite('status.atProvider.id', `status.healthChecks.${region}.gate`),
      ],
    }),
    managed({
      name: `health-check-${region}`,
      service: 'route53',
      kind: 'HealthCheck',
      labels: labels({ [CHECK_LABEL]: 'calculated' }),
      forProvider: {
        type: 'CALCULATED',
        childHealthThreshold: 2,
        childHealthchecksSelector: selectOwn(labels({ [CHECK_LABEL]: 'member' })),
        referenceName: `region-${region}`,
      },
      patches: [toComposite('status.atProvider.id', `status.healthChecks.${region}.calculated`)],
    }),
    managed({
      name: `record-failover-${region}`,
      service: 'route53',
      kind: 'Record',
      forProvider: {
        type: 'A',
        setIdentifier: `${region}-failover`,
        failoverRoutingPolicy: { type: region === REGION_PAIR[0] ? 'PRIMARY' : 'SECONDARY' },
        alias: { evaluateTargetHealth: true },
        healthCheckIdSelector: selectOwn(labels({ [CHECK_LABEL]: 'calculated' })),
        ...zoneSelector,
      },
      patches: alias([fromComposite('spec.domainName', 'spec.forProvider.name'), ...zonePatch(source)]),
    }),
    managed({
      name: `record-latency-${region}`,
      service: 'route53',
      kind: 'Record',
      forProvider: {
        type: 'A',
        setIdentifier: `${region}-latency`,
        latencyRoutingPolicy: { region },
        alias: { evaluateTargetHealth: true },
        healthCheckIdSelector: selectOwn(labels({ [CHECK_LABEL]: 'calculated' })),
        ...zoneSelector,
      },
      patches: alias([
        fromComposite('spec.domainName', 'spec.forProvider.name', { transforms: [format('latency.%s')] }),
        ...zonePatch(source),
      ]),
    }),
  ];
}

export function trafficResources(source: ZoneSource): ComposedTemplate[] {
  const zone: ComposedTemplate[] =
    source === 'managed'
      ? [
          managed({
            name: 'hosted-zone',
            service: 'route53',
            kind: 'Zone',
            forProvider: { comment: 'Switchyard trading platform', forceDestroy: false },
            patches: [
              fromComposite('spec.zoneName', 'spec.forProvider.name'),
              toComposite('status.atProvider.zoneId', 'status.zoneId'),
            ],
          }),
        ]
      : [];
  return [...zone, ...REGION_PAIR.flatMap((region) => regionResources(region, source))];
}

export function trafficCompositions(): PipelineCompositionProps[] {
  return (['managed', 'existing'] as const).map((source) => ({
    name: compositionName(
      'trafficroutings',
      ESTATE_GROUP,
      source === 'managed' ? undefined : 'existing-zone',
    ),
    compositeTypeRef: { apiVersion: ESTATE_API_VERSION, kind: 'TrafficRouting' },
    labels: { [ZONE_SOURCE_LABEL]: source },
    patchSets: commonPatchSets,
    resources: trafficResources(source),
  }));
}
