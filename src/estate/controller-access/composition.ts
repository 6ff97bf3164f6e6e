/**
 * ControllerAccess Compositions, one per trust (P&T cannot branch): a Role per region for that
 * region's controller, one Policy built from controllers/aws/permissions.ts by the same function
 * the tests enforce in the simulator (controllers/aws/policy.ts), and its attachment to each Role.
 * Every ARN in the policy is a deterministic name (names.ts, gate.ts) in the XR's account, so the
 * policy is complete before anything it names exists; Route 53 zone and check ids are not, and the
 * controller only reads them, so those statements name every zone or check of the account.
 */
import {
  arns,
  type ControllerResources,
  controllerPolicy,
  ROUTE53_READ_RESOURCES,
} from '../../../controllers/aws/policy.js';
import { ALB_5XX_ALARM } from '../alerting/composition.js';
import { REGION_LABEL, TRUST_LABEL } from '../common/labels.js';
import { commonPatchSets, managed, selectOwn } from '../common/managed.js';
import { alarmName, appName, clusterIdentifier, EXTERNAL_NAME } from '../common/names.js';
import { type PairRegion, peerOf, REGION_PAIR } from '../common/parameters.js';
import type { PipelineCompositionProps } from '../patch-and-transform/composition.js';
import { combineTemplate, fromComposite, toComposite } from '../patch-and-transform/patches.js';
import { format, mapValues } from '../patch-and-transform/transforms.js';
import type { ComposedTemplate } from '../patch-and-transform/types.js';
import {
  FENCE_ALARM,
  GATE_ALARM,
  SWITCH_ALARMS,
  switchAlarmName,
  switchAlarmRegion,
} from '../traffic/gate.js';
import type { TRUSTS } from './definition.js';
import { controllerAccessIdentity } from './identity.js';

export type Trust = 'pod-identity' | 'irsa';
/** spec.trust → the Composition variant label that serves it. */
export const TRUST_VARIANT: Record<(typeof TRUSTS)[number], Trust> = {
  PodIdentity: 'pod-identity',
  IRSA: 'irsa',
};

/** The XR fields behind the `{{…}}` markers of the documents below. */
const FIELDS = {
  account: 'spec.accountId',
  platform: 'spec.platformId',
  global: 'spec.globalClusterIdentifier',
  namespace: 'spec.serviceAccount.namespace',
  serviceAccount: 'spec.serviceAccount.name',
  'oidc_us-east-1': 'spec.oidcProviders.us-east-1',
  'oidc_us-east-2': 'spec.oidcProviders.us-east-2',
};
const m = (name: keyof typeof FIELDS) => `{{${name}}}`;

/** `<platformId>-switchyard-controller-<region>` (role) and `<platformId>-switchyard-controller` (policy). */
export const controllerRoleFormat = (region: PairRegion) => `%s-switchyard-controller-${region}`;
export const CONTROLLER_POLICY_FORMAT = '%s-switchyard-controller';

if (GATE_ALARM.namespace !== FENCE_ALARM.namespace)
  throw new Error('the switch alarms must share one namespace');

/** The plan's resources as ARNs with markers: the same derivation src/plan names them by. */
export function controllerResourceTemplates(): ControllerResources {
  const account = m('account');
  const platform = m('platform');
  return {
    globalCluster: [arns.globalCluster(account, m('global'))],
    memberClusters: REGION_PAIR.map((region) =>
      arns.cluster(region, account, clusterIdentifier(m('global'), region)),
    ),
    switchAlarms: REGION_PAIR.flatMap((region) =>
      (Object.keys(SWITCH_ALARMS) as Array<keyof typeof SWITCH_ALARMS>).map((kind) =>
        arns.alarm(
          switchAlarmRegion(kind, region, peerOf(region)),
          account,
          switchAlarmName(kind, platform, region),
        ),
      ),
    ),
    probeAlarms: REGION_PAIR.map((region) =>
      arns.alarm(region, account, alarmName(platform, region, ALB_5XX_ALARM)),
    ),
    autoScalingGroups: REGION_PAIR.map((region) =>
      arns.autoScalingGroup(region, account, appName(platform, region)),
    ),
    ...ROUTE53_READ_RESOURCES,
    switchMetricNamespace: GATE_ALARM.namespace,
  };
}

/**
 * EKS Pod Identity's trust: its service principal. Which pods get the role is the pod identity
 * association (cluster, namespace, service account), made with the cluster outside the estate.
 */
const POD_IDENTITY_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'EksPodIdentity',
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
});

/** IRSA's trust: the region's cluster OIDC provider, for the controller's service account only. */
function irsaTrust(region: PairRegion): string {
  const issuer = m(`oidc_${region}`);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Irsa',
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${m('account')}:oidc-provider/${issuer}` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${m('namespace')}:${m('serviceAccount')}`,
            [`${issuer}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  });
}

function roleResources(trust: Trust, region: PairRegion): ComposedTemplate[] {
  const role = { [REGION_LABEL]: region };
  return [
    managed({
      name: `role-${region}`,
      service: 'iam',
      kind: 'Role',
      labels: role,
      forProvider: {
        description: `Switchyard failover controller in ${region}`,
        ...(trust === 'pod-identity' ? { assumeRolePolicy: POD_IDENTITY_TRUST } : {}),
      },
      patches: [
        fromComposite('spec.platformId', EXTERNAL_NAME, {
          transforms: [format(controllerRoleFormat(region))],
        }),
        ...(trust === 'irsa'
          ? [combineTemplate(irsaTrust(region), FIELDS, 'spec.forProvider.assumeRolePolicy')]
          : []),
        // Variant guard: an XR asking for the other trust fails to render here.
        fromComposite('spec.trust', `metadata.labels[${TRUST_LABEL}]`, {
          transforms: [
            mapValues(Object.fromEntries(Object.entries(TRUST_VARIANT).filter(([, v]) => v === trust))),
          ],
        }),
        toComposite('status.atProvider.arn', `status.roleArns.${region}`),
      ],
    }),
    managed({
      name: `role-policy-${region}`,
      service: 'iam',
      kind: 'RolePolicyAttachment',
      forProvider: { roleSelector: selectOwn(role), policyArnSelector: selectOwn() },
    }),
  ];
}

export function controllerAccessResources(trust: Trust): ComposedTemplate[] {
  return [
    ...REGION_PAIR.flatMap((region) => roleResources(trust, region)),
    managed({
      name: 'policy',
      service: 'iam',
      kind: 'Policy',
      forProvider: {
        description:
          'Exactly the AWS actions the Switchyard failover controller calls (controllers/aws/permissions.ts)',
      },
      patches: [
        fromComposite('spec.platformId', EXTERNAL_NAME, { transforms: [format(CONTROLLER_POLICY_FORMAT)] }),
        combineTemplate(
          JSON.stringify(controllerPolicy(controllerResourceTemplates())),
          FIELDS,
          'spec.forProvider.policy',
        ),
        toComposite('status.atProvider.arn', 'status.policyArn'),
      ],
    }),
  ];
}

export function controllerAccessCompositions(): PipelineCompositionProps[] {
  return (['pod-identity', 'irsa'] as const).map((trust) => ({
    name: controllerAccessIdentity.compositionName(trust === 'pod-identity' ? undefined : trust),
    compositeTypeRef: controllerAccessIdentity.compositeTypeRef,
    labels: { [TRUST_LABEL]: trust },
    patchSets: commonPatchSets,
    resources: controllerAccessResources(trust),
  }));
}
