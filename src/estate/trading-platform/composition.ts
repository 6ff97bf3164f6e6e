/**
 * TradingPlatform Composition: composes the estate's own XRs (not MRs) for the pair, baking both
 * regions in at synth time. Values flow down by FromCompositeFieldPath and back up by
 * ToCompositeFieldPath over successive reconciles: the Compute XRs' ALB names reach the
 * TrafficRouting XR, and their ALB and target group ARNs the Alerting XRs, through this XR's
 * status. Names fixed at synth time (ASG, Aurora clusters) are passed down directly.
 */

import { NOTIFY_VARIANT } from '../alerting/composition.js';
import { alertingIdentity } from '../alerting/identity.js';
import {
  NAT_LABEL,
  NOTIFY_LABEL,
  regionZonesLabel,
  SCALING_LABEL,
  TRUST_LABEL,
  ZONES_LABEL,
} from '../common/labels.js';
import { appNameFormat, clusterIdentifierFormat } from '../common/names.js';
import { PLATFORM_LABEL, REGION_PAIR } from '../common/parameters.js';
import { ACM_ARN_PREFIX, scalingFields } from '../compute/definition.js';
import { computeIdentity } from '../compute/identity.js';
import { SCALING_VARIANT } from '../compute/scaling.js';
import { TRUST_VARIANT } from '../controller-access/composition.js';
import { controllerAccessIdentity } from '../controller-access/identity.js';
import { databaseIdentity } from '../database/identity.js';
import type { EstateIdentity } from '../identity.js';
import { networkIdentity } from '../network/identity.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { fromComposite, patchSet, toComposite } from '../patch-and-transform/patches.js';
import { convertTo, format, mapValues, regexp } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate, DirectPatch, PatchSet } from '../patch-and-transform/types.js';
import { peeringIdentity } from '../peering/identity.js';
import { securityIdentity } from '../security/identity.js';
import { sessionsIdentity } from '../sessions/identity.js';
import { storageIdentity } from '../storage/identity.js';
import { trafficIdentity } from '../traffic/identity.js';
import { tradingPlatformIdentity } from './identity.js';

const XR_COMMON = 'composed-xr-common';

/** The account of an ACM certificate ARN: the platform's account is the one its certificates are in. */
const accountOfCertificate = regexp(`^${ACM_ARN_PREFIX}[^:]+:([0-9]{12}):`, 1);

/** The platform's account (as the derived plan reads it, src/plan). */
const platformAccount = fromComposite('spec.certificateArns.us-east-1', 'spec.accountId', {
  transforms: [accountOfCertificate],
});

/** The common parameters, passed through unchanged to every composed XR. */
const xrPatchSets: PatchSet[] = [
  {
    name: XR_COMMON,
    patches: [
      fromComposite('spec.platformId'),
      fromComposite('spec.providerConfigRef'),
      fromComposite('spec.managementPolicies'),
      fromComposite('spec.runtimeOwnedManagementPolicies'),
      fromComposite('spec.tags'),
      fromComposite('spec.platformId', `metadata.labels[${PLATFORM_LABEL}]`),
    ],
  },
];

function composedXr(
  name: string,
  api: EstateIdentity,
  spec: Record<string, unknown>,
  patches: DirectPatch[],
): ComposedTemplate {
  return {
    name,
    base: { apiVersion: api.apiVersion, kind: api.kind, spec },
    patches: [patchSet(XR_COMMON), ...patches],
  };
}

function regional(): ComposedTemplate[] {
  return REGION_PAIR.flatMap((region) => {
    const settings = `spec.regions.${region}`;
    return [
      composedXr(`network-${region}`, networkIdentity, { region }, [
        fromComposite(`${settings}.cidrBlock`, 'spec.cidrBlock'),
        fromComposite(`${settings}.zoneCount`, 'spec.zoneCount'),
        fromComposite(`${settings}.natGateways`, 'spec.natGateways'),
        // Pick the Network Composition variant that matches the zone count and NAT mode.
        fromComposite(
          `${settings}.zoneCount`,
          `spec.crossplane.compositionSelector.matchLabels[${ZONES_LABEL}]`,
          {
            transforms: [convertTo('string')],
          },
        ),
        fromComposite(
          `${settings}.natGateways`,
          `spec.crossplane.compositionSelector.matchLabels[${NAT_LABEL}]`,
          {
            transforms: [mapValues({ PerZone: 'per-zone', Single: 'single' })],
          },
        ),
        toComposite('status.vpcId', `status.networks.${region}.vpcId`),
        toComposite('status.privateSubnetIds', `status.networks.${region}.privateSubnetIds`),
      ]),
      composedXr(`security-${region}`, securityIdentity, { region }, []),
      composedXr(`alerting-${region}`, alertingIdentity, { region }, [
        platformAccount,
        fromComposite('spec.alerting.notify', 'spec.notify'),
        fromComposite('spec.alerting.endpoint', 'spec.endpoint'),
        fromComposite(
          'spec.alerting.notify',
          `spec.crossplane.compositionSelector.matchLabels[${NOTIFY_LABEL}]`,
          {
            transforms: [mapValues(NOTIFY_VARIANT)],
          },
        ),
        // Deterministic names: known now. The ALB's ids arrive once Compute reports them.
        fromComposite('spec.platformId', 'spec.targets.autoScalingGroupName', {
          transforms: [format(appNameFormat(region))],
        }),
        fromComposite('spec.globalClusterIdentifier', 'spec.targets.dbClusterIdentifier', {
          transforms: [format(clusterIdentifierFormat(region))],
        }),
        fromComposite(`status.compute.${region}.albArn`, 'spec.targets.loadBalancerArn'),
        fromComposite(`status.compute.${region}.targetGroupArn`, 'spec.targets.targetGroupArn'),
        toComposite('status.topicArn', `status.alerting.${region}.topicArn`),
      ]),
      composedXr(`compute-${region}`, computeIdentity, { region }, [
        fromComposite('spec.imageId'),
        fromComposite('spec.instanceType'),
        fromComposite('spec.userData'),
        fromComposite(`spec.certificateArns.${region}`, 'spec.certificateArn'),
        fromComposite(`spec.certificateArns.${region}`, 'spec.accountId', {
          transforms: [accountOfCertificate],
        }),
        ...Object.keys(scalingFields).map((field) => fromComposite(`spec.scaling.${field}`)),
        // Either region may be the standby, so both keep the warm minimum, and start with it.
        fromComposite('spec.scaling.warmMinimum', 'spec.minSize'),
        fromComposite('spec.scaling.warmMinimum', 'spec.initialCapacity'),
        // Pick the Compute variant of the scaling metric.
        fromComposite(
          'spec.scaling.metric',
          `spec.crossplane.compositionSelector.matchLabels[${SCALING_LABEL}]`,
          {
            transforms: [mapValues(SCALING_VARIANT)],
          },
        ),
        ...(['albArn', 'albDnsName', 'albZoneId', 'targetGroupArn', 'autoScalingGroupName'] as const).map(
          (field) => toComposite(`status.${field}`, `status.compute.${region}.${field}`),
        ),
      ]),
    ];
  });
}

function pairLevel(): ComposedTemplate[] {
  return [
    composedXr('database', databaseIdentity, {}, [
      fromComposite('spec.region'),
      fromComposite('spec.globalClusterIdentifier'),
      fromComposite('spec.instanceClass'),
      toComposite('status.globalClusterId', 'status.database.globalClusterId'),
      toComposite('status.globalClusterArn', 'status.database.globalClusterArn'),
      toComposite('status.members', 'status.database.members'),
    ]),
    composedXr('peering', peeringIdentity, {}, [
      fromComposite('spec.region'),
      ...REGION_PAIR.flatMap((region) => [
        fromComposite(`spec.regions.${region}.cidrBlock`),
        fromComposite(`spec.regions.${region}.zoneCount`),
        // Pick the Peering variant with one route per private route table of each region.
        fromComposite(
          `spec.regions.${region}.zoneCount`,
          `spec.crossplane.compositionSelector.matchLabels[${regionZonesLabel(region)}]`,
          { transforms: [convertTo('string')] },
        ),
      ]),
      toComposite('status.peeringConnectionId', 'status.peering.peeringConnectionId'),
      toComposite('status.acceptStatus', 'status.peering.acceptStatus'),
    ]),
    composedXr('sessions', sessionsIdentity, {}, [
      fromComposite('spec.region'),
      ...(['tableName', 'tableArn', 'replicaRegion', 'replicaArn'] as const).map((field) =>
        toComposite(`status.${field}`, `status.sessions.${field}`),
      ),
    ]),
    composedXr('storage', storageIdentity, {}, [
      fromComposite('spec.region'),
      toComposite('status.buckets', 'status.storage.buckets'),
      toComposite('status.replicationRoleArn', 'status.storage.replicationRoleArn'),
    ]),
    composedXr('controller-access', controllerAccessIdentity, {}, [
      fromComposite('spec.region'),
      fromComposite('spec.globalClusterIdentifier'),
      platformAccount,
      fromComposite('spec.controller.trust', 'spec.trust'),
      fromComposite('spec.controller.oidcProviders', 'spec.oidcProviders'),
      fromComposite('spec.controller.serviceAccount', 'spec.serviceAccount'),
      // Pick the ControllerAccess variant of the trust.
      fromComposite(
        'spec.controller.trust',
        `spec.crossplane.compositionSelector.matchLabels[${TRUST_LABEL}]`,
        {
          transforms: [mapValues(TRUST_VARIANT)],
        },
      ),
      toComposite('status.roleArns', 'status.controllerAccess.roleArns'),
      toComposite('status.policyArn', 'status.controllerAccess.policyArn'),
    ]),
    composedXr('traffic', trafficIdentity, {}, [
      fromComposite('spec.region'),
      fromComposite('spec.zoneName'),
      fromComposite('spec.domainName'),
      ...REGION_PAIR.flatMap((region) => [
        fromComposite(`status.compute.${region}.albDnsName`, `spec.endpoints.${region}.albDnsName`),
        fromComposite(`status.compute.${region}.albZoneId`, `spec.endpoints.${region}.albZoneId`),
      ]),
      toComposite('status.zoneId', 'status.traffic.zoneId'),
      toComposite('status.gateAlarms', 'status.traffic.gateAlarms'),
      toComposite('status.fenceAlarms', 'status.traffic.fenceAlarms'),
      toComposite('status.healthChecks', 'status.traffic.healthChecks'),
    ]),
  ];
}

export function tradingPlatformCompositions(): PipelineCompositionProps[] {
  return [
    {
      name: tradingPlatformIdentity.compositionName(),
      compositeTypeRef: tradingPlatformIdentity.compositeTypeRef,
      patchSets: xrPatchSets,
      resources: [...regional(), ...pairLevel()],
    },
  ];
}
