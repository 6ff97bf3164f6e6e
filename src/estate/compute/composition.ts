/**
 * Compute Compositions, one per scaling metric (scaling.ts). The ASG's desired capacity is
 * runtime-owned (ARCHITECTURE §4): it is set in initProvider (from spec.initialCapacity) and the
 * ASG uses the runtime-owned management policies (no LateInitialize), so the controller's and the
 * scaling policy's changes survive every reconcile. The app servers run with the instance profile
 * of instance-role.ts and the XR's user data.
 * Clients (and the Route 53 HTTPS health check) reach the ALB on HTTPS:443 with a certificate issued
 * outside the estate; HTTP:80 only redirects there.
 */
import { ACCESS_LABEL, ROLE_LABEL, SCALING_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { APP_NAME_COMBINE, EXTERNAL_NAME } from '../common/names.js';
import { regionLabelPatch } from '../common/region.js';
import { initProviderPath } from '../common/runtime-owned.js';
import { platformSelector } from '../common/selectors.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { combineFromComposite, fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { toBase64 } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate } from '../patch-and-transform/types.js';
import { securityGroupLabels } from '../security/groups.js';
import { SCALING_DEFAULTS, SCALING_METRICS } from './definition.js';
import { computeIdentity } from './identity.js';
import { instanceRoleResources } from './instance-role.js';
import { INSTANCE_WARMUP_SECONDS, SCALING_VARIANT, scalingPolicy } from './scaling.js';

const role = (value: string) => ({ [ROLE_LABEL]: value });

/** TLS 1.3 and 1.2 only, forward-secret ciphers (the ELB policy AWS recommends for new listeners). */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

export function computeResources(): ComposedTemplate[] {
  return [
    managed({
      name: 'launch-template',
      service: 'ec2',
      kind: 'LaunchTemplate',
      region: 'fromXr',
      forProvider: {
        updateDefaultVersion: true,
        vpcSecurityGroupIdSelector: { matchLabels: securityGroupLabels('app') },
        metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled' },
        iamInstanceProfile: { arnSelector: selectOwn() },
      },
      patches: [
        fromComposite('spec.imageId', 'spec.forProvider.imageId'),
        fromComposite('spec.instanceType', 'spec.forProvider.instanceType'),
        // EC2 takes user data base64-encoded; the XR carries it readable.
        fromComposite('spec.userData', 'spec.forProvider.userData', { transforms: [toBase64()] }),
        ...platformSelector('spec.forProvider.vpcSecurityGroupIdSelector', { regionFromXr: true }),
      ],
    }),
    managed({
      name: 'auto-scaling-group',
      service: 'autoscaling',
      kind: 'AutoscalingGroup',
      region: 'fromXr',
      runtimeOwned: true,
      forProvider: {
        launchTemplate: { idSelector: selectOwn(), version: '$Latest' },
        vpcZoneIdentifierSelector: { matchLabels: { [ACCESS_LABEL]: 'private' } },
        healthCheckType: 'ELB',
        healthCheckGracePeriod: INSTANCE_WARMUP_SECONDS,
        // Group metrics feed the Alerting XR's in-service capacity alarm.
        metricsGranularity: '1Minute',
        enabledMetrics: ['GroupInServiceInstances', 'GroupDesiredCapacity'],
      },
      initProvider: {},
      patches: [
        // A fixed name, so the Alerting XR can use it as an alarm dimension before the ASG exists.
        combineFromComposite(['spec.platformId', 'spec.region'], APP_NAME_COMBINE, EXTERNAL_NAME),
        fromComposite('spec.minSize', 'spec.forProvider.minSize'),
        fromComposite('spec.maxSize', 'spec.forProvider.maxSize'),
        fromComposite(
          'spec.initialCapacity',
          initProviderPath('autoscaling', 'AutoscalingGroup', 'desiredCapacity'),
        ),
        ...platformSelector('spec.forProvider.vpcZoneIdentifierSelector', { regionFromXr: true }),
        toComposite('status.atProvider.id', 'status.autoScalingGroupName'),
      ],
    }),
    managed({
      name: 'load-balancer',
      service: 'elbv2',
      kind: 'LB',
      region: 'fromXr',
      labels: role('alb'),
      forProvider: {
        loadBalancerType: 'application',
        internal: false,
        subnetSelector: { matchLabels: { [ACCESS_LABEL]: 'public' } },
        securityGroupSelector: { matchLabels: securityGroupLabels('alb') },
      },
      patches: [
        regionLabelPatch,
        ...platformSelector('spec.forProvider.subnetSelector', { regionFromXr: true }),
        ...platformSelector('spec.forProvider.securityGroupSelector', { regionFromXr: true }),
        toComposite('status.atProvider.arn', 'status.albArn'),
        toComposite('status.atProvider.dnsName', 'status.albDnsName'),
        toComposite('status.atProvider.zoneId', 'status.albZoneId'),
        toComposite('status.atProvider.arnSuffix', 'status.albArnSuffix'),
      ],
    }),
    managed({
      name: 'target-group',
      service: 'elbv2',
      kind: 'LBTargetGroup',
      region: 'fromXr',
      forProvider: {
        protocol: 'HTTP',
        targetType: 'instance',
        vpcIdSelector: { matchLabels: {} },
        healthCheck: {
          enabled: true,
          protocol: 'HTTP',
          healthyThreshold: 2,
          unhealthyThreshold: 2,
          interval: 10,
        },
      },
      patches: [
        combineFromComposite(['spec.platformId', 'spec.region'], APP_NAME_COMBINE, 'spec.forProvider.name'),
        fromComposite('spec.appPort', 'spec.forProvider.port'),
        fromComposite('spec.healthPath', 'spec.forProvider.healthCheck.path'),
        ...platformSelector('spec.forProvider.vpcIdSelector', { regionFromXr: true }),
        toComposite('status.atProvider.arn', 'status.targetGroupArn'),
        toComposite('status.atProvider.arnSuffix', 'status.targetGroupArnSuffix'),
      ],
    }),
    managed({
      name: 'listener-https',
      service: 'elbv2',
      kind: 'LBListener',
      region: 'fromXr',
      forProvider: {
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: TLS_POLICY,
        loadBalancerArnSelector: selectOwn(role('alb')),
        defaultAction: [{ type: 'forward', targetGroupArnSelector: selectOwn() }],
      },
      // Issued outside the estate (no ACM kind among the provider CRDs we compose), in the XR's region.
      patches: [fromComposite('spec.certificateArn', 'spec.forProvider.certificateArn')],
    }),
    managed({
      // Plain HTTP only sends clients to HTTPS; nothing is served over it.
      name: 'listener-http',
      service: 'elbv2',
      kind: 'LBListener',
      region: 'fromXr',
      forProvider: {
        port: 80,
        protocol: 'HTTP',
        loadBalancerArnSelector: selectOwn(role('alb')),
        defaultAction: [
          { type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } },
        ],
      },
    }),
    managed({
      name: 'auto-scaling-attachment',
      service: 'autoscaling',
      kind: 'Attachment',
      region: 'fromXr',
      forProvider: { autoscalingGroupNameSelector: selectOwn(), lbTargetGroupArnSelector: selectOwn() },
    }),
  ];
}

export function computeCompositions(): PipelineCompositionProps[] {
  return SCALING_METRICS.map((metric) => ({
    name: computeIdentity.compositionName(
      metric === SCALING_DEFAULTS.metric ? undefined : SCALING_VARIANT[metric],
    ),
    compositeTypeRef: computeIdentity.compositeTypeRef,
    labels: { [SCALING_LABEL]: SCALING_VARIANT[metric] },
    patchSets: commonPatchSets,
    resources: [...computeResources(), ...instanceRoleResources(), scalingPolicy(metric)],
  }));
}
