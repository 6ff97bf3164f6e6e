/**
 * Network Compositions, one per (zone count, NAT mode). Subnet CIDRs are carved from the VPC /16:
 * public zone i → x.y.i.0/24, private zone i → x.y.(10+i).0/24.
 */
import { ACCESS_LABEL, NAT_LABEL, ZONE_LABEL, ZONE_LETTERS, ZONES_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import type { REGION_PAIR } from '../common/parameters.js';
import { regionLabelPatch } from '../common/region.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { convertTo, format, mapValues, regexp } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate } from '../patch-and-transform/types.js';
import { networkIdentity } from './identity.js';

export type NatMode = 'PerZone' | 'Single';
const natLabelValue: Record<NatMode, string> = { PerZone: 'per-zone', Single: 'single' };

/** `10.0.0.0/16` → `10.0`, then formatted into a /24. */
const firstTwoOctets = regexp('^([0-9]+\\.[0-9]+)\\.', 1);
const subnetCidr = (thirdOctet: number) =>
  fromComposite('spec.cidrBlock', 'spec.forProvider.cidrBlock', {
    transforms: [firstTwoOctets, format(`%s.${thirdOctet}.0/24`)],
  });
const zonePatch = (zone: string) =>
  fromComposite('spec.region', 'spec.forProvider.availabilityZone', { transforms: [format(`%s${zone}`)] });

function zoneResources(zone: string, index: number, nat: NatMode): ComposedTemplate[] {
  const labels = (access: 'public' | 'private') => ({ [ACCESS_LABEL]: access, [ZONE_LABEL]: zone });
  const natZone = nat === 'PerZone' ? zone : ZONE_LETTERS[0];
  const resources: ComposedTemplate[] = [];
  for (const access of ['public', 'private'] as const) {
    resources.push(
      managed({
        name: `subnet-${access}-${zone}`,
        service: 'ec2',
        kind: 'Subnet',
        region: 'fromXr',
        labels: labels(access),
        forProvider: {
          vpcIdSelector: selectOwn(),
          ...(access === 'public' ? { mapPublicIpOnLaunch: true } : {}),
        },
        patches: [
          regionLabelPatch,
          subnetCidr(access === 'public' ? index : 10 + index),
          zonePatch(zone),
          toComposite('status.atProvider.id', `status.${access}SubnetIds[${index}]`),
        ],
      }),
    );
  }
  resources.push(
    managed({
      name: `route-table-private-${zone}`,
      service: 'ec2',
      kind: 'RouteTable',
      region: 'fromXr',
      labels: labels('private'),
      forProvider: { vpcIdSelector: selectOwn() },
      patches: [
        regionLabelPatch,
        toComposite('status.atProvider.id', `status.privateRouteTableIds[${index}]`),
      ],
    }),
    managed({
      name: `route-private-${zone}-nat`,
      service: 'ec2',
      kind: 'Route',
      region: 'fromXr',
      forProvider: {
        destinationCidrBlock: '0.0.0.0/0',
        routeTableIdSelector: selectOwn(labels('private')),
        natGatewayIdSelector: selectOwn({ [ZONE_LABEL]: natZone }),
      },
    }),
  );
  for (const access of ['public', 'private'] as const) {
    resources.push(
      managed({
        name: `route-table-association-${access}-${zone}`,
        service: 'ec2',
        kind: 'RouteTableAssociation',
        region: 'fromXr',
        forProvider: {
          subnetIdSelector: selectOwn(labels(access)),
          routeTableIdSelector: selectOwn(
            access === 'public' ? { [ACCESS_LABEL]: 'public' } : labels('private'),
          ),
        },
      }),
    );
  }
  if (nat === 'PerZone' || zone === ZONE_LETTERS[0]) {
    resources.push(
      managed({
        name: `eip-nat-${zone}`,
        service: 'ec2',
        kind: 'EIP',
        region: 'fromXr',
        labels: { [ZONE_LABEL]: zone },
        forProvider: { domain: 'vpc' },
      }),
      managed({
        name: `nat-gateway-${zone}`,
        service: 'ec2',
        kind: 'NATGateway',
        region: 'fromXr',
        labels: { [ZONE_LABEL]: zone },
        forProvider: {
          connectivityType: 'public',
          allocationIdSelector: selectOwn({ [ZONE_LABEL]: zone }),
          subnetIdSelector: selectOwn(labels('public')),
        },
      }),
    );
  }
  return resources;
}

export function networkResources(zoneCount: number, nat: NatMode): ComposedTemplate[] {
  const zones = ZONE_LETTERS.slice(0, zoneCount);
  return [
    managed({
      name: 'vpc',
      service: 'ec2',
      kind: 'VPC',
      region: 'fromXr',
      forProvider: { enableDnsHostnames: true, enableDnsSupport: true },
      patches: [
        regionLabelPatch,
        fromComposite('spec.cidrBlock', 'spec.forProvider.cidrBlock'),
        // Variant guards: an XR whose zoneCount/natGateways do not match this Composition fails
        // to render ("key not found in map") instead of silently getting the wrong shape.
        fromComposite('spec.zoneCount', `metadata.labels[${ZONES_LABEL}]`, {
          transforms: [convertTo('string'), mapValues({ [String(zoneCount)]: String(zoneCount) })],
        }),
        fromComposite('spec.natGateways', `metadata.labels[${NAT_LABEL}]`, {
          transforms: [mapValues({ [nat]: natLabelValue[nat] })],
        }),
        toComposite('status.atProvider.id', 'status.vpcId'),
        toComposite('status.atProvider.cidrBlock', 'status.cidrBlock'),
      ],
    }),
    managed({
      name: 'internet-gateway',
      service: 'ec2',
      kind: 'InternetGateway',
      region: 'fromXr',
      forProvider: { vpcIdSelector: selectOwn() },
    }),
    managed({
      name: 'route-table-public',
      service: 'ec2',
      kind: 'RouteTable',
      region: 'fromXr',
      labels: { [ACCESS_LABEL]: 'public' },
      forProvider: { vpcIdSelector: selectOwn() },
    }),
    managed({
      name: 'route-public-internet',
      service: 'ec2',
      kind: 'Route',
      region: 'fromXr',
      forProvider: {
        destinationCidrBlock: '0.0.0.0/0',
        routeTableIdSelector: selectOwn({ [ACCESS_LABEL]: 'public' }),
        gatewayIdSelector: selectOwn(),
      },
    }),
    ...zones.flatMap((zone, index) => zoneResources(zone, index, nat)),
  ];
}

export const DEFAULT_ZONES = 3;
export const DEFAULT_NAT: NatMode = 'PerZone';

export function networkCompositions(): PipelineCompositionProps[] {
  const variants: PipelineCompositionProps[] = [];
  for (const zoneCount of [3, 2]) {
    for (const nat of ['PerZone', 'Single'] as const) {
      const isDefault = zoneCount === DEFAULT_ZONES && nat === DEFAULT_NAT;
      variants.push({
        name: networkIdentity.compositionName(isDefault ? undefined : `${zoneCount}z-${natLabelValue[nat]}`),
        compositeTypeRef: networkIdentity.compositeTypeRef,
        labels: { [ZONES_LABEL]: String(zoneCount), [NAT_LABEL]: natLabelValue[nat] },
        patchSets: commonPatchSets,
        resources: networkResources(zoneCount, nat),
      });
    }
  }
  return variants;
}

/** The VPC CIDR each region gets in the examples and the TradingPlatform defaults. */
export const DEFAULT_CIDRS: Record<(typeof REGION_PAIR)[number], string> = {
  'us-east-1': '10.0.0.0/16',
  'us-east-2': '10.1.0.0/16',
};
