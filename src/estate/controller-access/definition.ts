/**
 * ControllerAccess: the failover controller's AWS identity, one IAM Role per region (each
 * region's cluster runs its own controller) trusted by EKS Pod Identity or IRSA, and one Policy
 * granting exactly the actions of controllers/aws/permissions.ts on exactly the plan's resources.
 */
import { z } from 'zod';
import { label } from '../../apis/common.js';
import { celRule, withRules } from '../../schema/x-kubernetes.js';
import { estateDefinition } from '../api.js';
import {
  accountId,
  commonSpecFields,
  commonSpecRules,
  matching,
  ownerRegion,
  type PairRegion,
  statusString,
} from '../common/parameters.js';

export const TRUSTS = ['PodIdentity', 'IRSA'] as const;

/** An EKS cluster's IAM OIDC provider in `region`: `oidc.eks.<region>.amazonaws.com/id/<32 hex>`. */
const oidcProvider = (region: PairRegion) =>
  matching(
    128,
    `^oidc[.]eks[.]${region}[.]amazonaws[.]com/id/[0-9A-F]{32}$`,
    `must be the IAM OIDC provider of the ${region} EKS cluster as its ARN names it after oidc-provider/ ` +
      `(its OIDC issuer without https://), such as oidc.eks.${region}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`,
  );

const DEFAULT_SERVICE_ACCOUNT = { namespace: 'switchyard-system', name: 'switchyard-controller' };

/** How the controller's pods get the Role; shared with TradingPlatform, which passes them through. */
export const controllerTrustFields = {
  trust: z
    .enum(TRUSTS)
    .default('PodIdentity')
    .describe(
      'EKS Pod Identity (a pod identity association for the service account, made outside the estate) or ' +
        'IRSA (the cluster’s IAM OIDC provider, oidcProviders). Selects the Composition variant.',
    ),
  oidcProviders: z
    .strictObject({ 'us-east-1': oidcProvider('us-east-1'), 'us-east-2': oidcProvider('us-east-2') })
    .optional()
    .describe('IRSA only: each region’s EKS cluster IAM OIDC provider (in this account).'),
  serviceAccount: z
    .strictObject({
      namespace: label().default(DEFAULT_SERVICE_ACCOUNT.namespace),
      name: label().default(DEFAULT_SERVICE_ACCOUNT.name),
    })
    .default(DEFAULT_SERVICE_ACCOUNT)
    .describe(
      'The controller’s Kubernetes service account (the Helm chart’s <release>-controller); IRSA trusts only it.',
    ),
};

type TrustSpec = { trust?: (typeof TRUSTS)[number]; oidcProviders?: unknown };

export const controllerTrustRules = [
  celRule<TrustSpec>({
    rule: "!has(self.trust) || self.trust != 'IRSA' || has(self.oidcProviders)",
    message: 'oidcProviders is required when trust is IRSA: each region’s EKS cluster IAM OIDC provider',
    fieldPath: '.oidcProviders',
    check: (self) => self.trust !== 'IRSA' || self.oidcProviders !== undefined,
  }),
];

/** IAM role names are at most 64 characters: `<platformId>-switchyard-controller-us-east-N`. */
export const ROLE_NAME_SUFFIX_LENGTH = '-switchyard-controller-us-east-1'.length;
const MAX_PLATFORM_ID = 64 - ROLE_NAME_SUFFIX_LENGTH;

export const controllerAccessSpec = withRules(
  z.strictObject({
    ...commonSpecFields,
    region: ownerRegion(),
    accountId: accountId(),
    globalClusterIdentifier: label().describe('The Aurora global cluster the controller fails over.'),
    ...controllerTrustFields,
  }),
  [
    ...commonSpecRules,
    ...controllerTrustRules,
    celRule<{ platformId: string }>({
      rule: `size(self.platformId) <= ${MAX_PLATFORM_ID}`,
      message: `platformId must be at most ${MAX_PLATFORM_ID} characters here: the controller's IAM role name <platformId>-switchyard-controller-<region> is limited to 64`,
      fieldPath: '.platformId',
      check: (self) => self.platformId.length <= MAX_PLATFORM_ID,
    }),
  ],
);

export const controllerAccessStatus = z.strictObject({
  roleArns: z
    .strictObject({ 'us-east-1': statusString().optional(), 'us-east-2': statusString().optional() })
    .optional(),
  policyArn: statusString().optional(),
});

export const controllerAccessDefinition = estateDefinition({
  kind: 'ControllerAccess',
  plural: 'controlleraccesses',
  description:
    'The failover controller’s IAM role in each region and the one policy of exactly the AWS actions it calls, on the plan’s resources.',
  spec: controllerAccessSpec,
  status: controllerAccessStatus,
  variants: true,
  printerColumns: [{ name: 'Trust', type: 'string', jsonPath: '.spec.trust' }],
});
