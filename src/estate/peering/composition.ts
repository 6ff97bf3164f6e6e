/**
 * Peering Compositions, one per (us-east-1 zones × us-east-2 zones), because each private route
 * table (one per zone, composed by the Network XR) gets its own Route and P&T cannot loop.
 * The requester lives in us-east-1 and the accepter in us-east-2: a cross-region request cannot
 * auto-accept, so us-east-2 accepts it with its own MR. Both regions' routes name the same
 * connection id (the requester's external name).
 */
import { ACCESS_LABEL, REGION_LABEL, regionZonesLabel, ZONE_LABEL, ZONE_LETTERS } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { type PairRegion, peerOf, REGION_PAIR } from '../common/parameters.js';
import { platformSelector } from '../common/selectors.js';
import { DEFAULT_ZONES } from '../network/composition.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { convertTo, mapValues } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate, DirectPatch } from '../patch-and-transform/types.js';
import { peeringIdentity } from './identity.js';

const REQUESTER: PairRegion = 'us-east-1';
const ACCEPTER = peerOf(REQUESTER);

export type ZoneCounts = Record<PairRegion, number>;

/** The Network XR's VPC in one region, found by platform and region labels. */
function vpcSelector(path: string, region: PairRegion): { selector: object; patches: DirectPatch[] } {
  return { selector: { matchLabels: { [REGION_LABEL]: region } }, patches: platformSelector(path) };
}

/** Variant guard: an XR whose zone count for `region` differs from this Composition fails to render. */
const zoneGuard = (region: PairRegion, zones: number) =>
  fromComposite(`spec.regions.${region}.zoneCount`, `metadata.labels[${regionZonesLabel(region)}]`, {
    transforms: [convertTo('string'), mapValues({ [String(zones)]: String(zones) })],
  });

function routes(region: PairRegion, zones: number): ComposedTemplate[] {
  return ZONE_LETTERS.slice(0, zones).map((zone) =>
    managed({
      name: `route-peer-${region}-${zone}`,
      service: 'ec2',
      kind: 'Route',
      region,
      forProvider: {
        routeTableIdSelector: {
          matchLabels: { [REGION_LABEL]: region, [ACCESS_LABEL]: 'private', [ZONE_LABEL]: zone },
        },
        vpcPeeringConnectionIdSelector: selectOwn(),
      },
      patches: [
        fromComposite(`spec.regions.${peerOf(region)}.cidrBlock`, 'spec.forProvider.destinationCidrBlock'),
        ...platformSelector('spec.forProvider.routeTableIdSelector'),
      ],
    }),
  );
}

export function peeringResources(zones: ZoneCounts): ComposedTemplate[] {
  const own = vpcSelector('spec.forProvider.vpcIdSelector', REQUESTER);
  const peer = vpcSelector('spec.forProvider.peerVpcIdSelector', ACCEPTER);
  return [
    managed({
      name: 'peering-connection',
      service: 'ec2',
      kind: 'VPCPeeringConnection',
      region: REQUESTER,
      forProvider: {
        vpcIdSelector: own.selector,
        peerVpcIdSelector: peer.selector,
        peerRegion: ACCEPTER,
        // Only same-region requests may auto-accept; the accepter MR below does it in us-east-2.
        autoAccept: false,
      },
      patches: [
        ...own.patches,
        ...peer.patches,
        ...REGION_PAIR.map((region) => zoneGuard(region, zones[region])),
        toComposite('status.atProvider.id', 'status.peeringConnectionId'),
      ],
    }),
    managed({
      name: 'peering-accepter',
      service: 'ec2',
      kind: 'VPCPeeringConnectionAccepter',
      region: ACCEPTER,
      forProvider: { vpcPeeringConnectionIdSelector: selectOwn(), autoAccept: true },
      patches: [toComposite('status.atProvider.acceptStatus', 'status.acceptStatus')],
    }),
    ...REGION_PAIR.flatMap((region) => routes(region, zones[region])),
  ];
}

export function peeringCompositions(): PipelineCompositionProps[] {
  const variants: PipelineCompositionProps[] = [];
  for (const first of [3, 2]) {
    for (const second of [3, 2]) {
      const zones: ZoneCounts = { 'us-east-1': first, 'us-east-2': second };
      const isDefault = first === DEFAULT_ZONES && second === DEFAULT_ZONES;
      variants.push({
        name: peeringIdentity.compositionName(isDefault ? undefined : `${first}z-${second}z`),
        compositeTypeRef: peeringIdentity.compositeTypeRef,
        labels: Object.fromEntries(
          REGION_PAIR.map((region) => [regionZonesLabel(region), String(zones[region])]),
        ),
        patchSets: commonPatchSets,
        resources: peeringResources(zones),
      });
    }
  }
  return variants;
}
