/**
 * Parameters every estate XR carries (crossplane.md §4.4): where its MRs live, which provider
 * credentials they use, how Crossplane may manage them, and the platform id that labels and tags
 * every MR so XRs of one platform can find each other's resources by label.
 */
import { z } from 'zod';
import { awsRegion, label, objectName } from '../../apis/common.js';
import { celRule, withRules } from '../../schema/x-kubernetes.js';

export const ESTATE_GROUP = 'platform.switchyard.dev';
export const ESTATE_VERSION = 'v1alpha1';
export const ESTATE_API_VERSION = `${ESTATE_GROUP}/${ESTATE_VERSION}`;

/** The region pair the platform runs in. Primary/standby is runtime state (ARCHITECTURE §1), not this order. */
export const REGION_PAIR = ['us-east-1', 'us-east-2'] as const;
export type PairRegion = (typeof REGION_PAIR)[number];
/**
 * The region the estate starts serving from: the PRIMARY failover record and the only gate open
 * before any controller has published. Which region is primary *now* is runtime state.
 */
export const PAIR_PRIMARY: PairRegion = REGION_PAIR[0];

/** The other region of the pair. */
export const peerOf = (region: PairRegion): PairRegion =>
  region === 'us-east-1' ? 'us-east-2' : 'us-east-1';

/** Label on every MR (and on composed XRs) naming the platform; cross-XR selectors match on it. */
export const PLATFORM_LABEL = `${ESTATE_GROUP}/platform-id`;
/** The same id as an AWS tag, so cost reports and the console group resources too. */
export const PLATFORM_TAG = 'switchyard:platform-id';

const managementPolicy = z.enum(['*', 'Observe', 'Create', 'Update', 'Delete', 'LateInitialize']);

/** The spec fields shared by all estate XRs (spread into each API's z.strictObject). */
export const commonSpecFields = {
  platformId: label().describe(
    `Platform id; becomes the ${PLATFORM_LABEL} label and the ${PLATFORM_TAG} tag of every MR.`,
  ),
  providerConfigRef: z
    .strictObject({
      kind: z.enum(['ClusterProviderConfig', 'ProviderConfig']).default('ClusterProviderConfig'),
      name: objectName().default('default'),
    })
    .default({ kind: 'ClusterProviderConfig', name: 'default' })
    .describe('The provider-aws (Cluster)ProviderConfig every MR uses.'),
  managementPolicies: z
    .array(managementPolicy)
    .max(6)
    .default(['*'])
    .describe('Crossplane management policies for the MRs; omit Delete to orphan them on deletion.'),
  runtimeOwnedManagementPolicies: z
    .array(managementPolicy)
    .max(5)
    .default(['Observe', 'Create', 'Update', 'Delete'])
    .describe(
      'Management policies of MRs whose fields the failover controller changes at run time (ASG capacity, ' +
        'Aurora membership). LateInitialize must stay out, or observed runtime values would be copied into ' +
        'forProvider and reverted (ARCHITECTURE §4).',
    ),
  tags: z
    .record(z.string(), z.string().max(256))
    .meta({ maxProperties: 40 })
    .optional()
    .describe('Extra AWS tags on every taggable MR.'),
};

export const regionInPair = () => awsRegion().describe(`AWS region; one of ${REGION_PAIR.join(', ')}.`);

/** CEL rules over commonSpecFields (+ a `region` field); each API adds them to its spec. */
export const commonSpecRules = [
  celRule<{ region: string }>({
    rule: `self.region in [${REGION_PAIR.map((r) => `'${r}'`).join(', ')}]`,
    message: `region must be one of the platform's region pair (${REGION_PAIR.join(', ')})`,
    fieldPath: '.region',
    check: (self) => (REGION_PAIR as readonly string[]).includes(self.region),
  }),
  celRule<{ runtimeOwnedManagementPolicies?: string[] }>({
    rule: "!has(self.runtimeOwnedManagementPolicies) || !self.runtimeOwnedManagementPolicies.exists(p, p == '*' || p == 'LateInitialize')",
    message:
      'runtimeOwnedManagementPolicies must not contain * or LateInitialize: late initialization would copy runtime-owned values into forProvider',
    fieldPath: '.runtimeOwnedManagementPolicies',
    check: (self) =>
      !(self.runtimeOwnedManagementPolicies ?? []).some((p) => p === '*' || p === 'LateInitialize'),
  }),
];

/**
 * A string checked by a CEL rule rather than a schema pattern, so the apiserver's message is ours
 * (a pattern's is "should match '^…$'").
 */
export const matching = (maxLength: number, pattern: string, message: string) =>
  withRules(z.string().max(maxLength), [
    celRule<string>({
      rule: `self.matches('${pattern}')`,
      message,
      check: (self) => new RegExp(pattern).test(self),
    }),
  ]);

export const ACCOUNT_ID_PATTERN = '^[0-9]{12}$';

/** The AWS account the platform's ARNs are in (ControllerAccess, Compute, Alerting's key policies). */
export const accountId = () =>
  matching(
    12,
    ACCOUNT_ID_PATTERN,
    'must be the 12-digit AWS account id of the platform, such as 123456789012',
  ).describe('The AWS account the platform’s ARNs are in.');

/**
 * The port the app instances listen on behind the ALB: Compute's target group and Security's
 * ALB → app rules must agree on it.
 */
export const appPort = () =>
  z.int32().min(1).max(65535).default(8080).describe('Port the app instances listen on behind the ALB.');

/** The app's health path: the ALB target group and Route 53 check request it, and so do the derived probes. */
export const DEFAULT_HEALTH_PATH = '/healthz';

/** Status every estate XR reports besides Crossplane's own conditions. */
export const statusString = () => z.string().max(2048);

/**
 * For XRs spanning the pair: the region whose endpoints own the global resources (Aurora global
 * cluster, DynamoDB table, gate-owning side). us-east-2 by default, because it must survive the
 * loss of us-east-1 (docs/adr/0005-estate.md).
 */
export const GLOBAL_OWNER_REGION: PairRegion = 'us-east-2';
export const ownerRegion = () =>
  regionInPair()
    .default(GLOBAL_OWNER_REGION)
    .describe('Region whose endpoints own the global resources; must survive the loss of the other region.');
