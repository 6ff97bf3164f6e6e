/**
 * One composed managed resource: a provider-aws v2 namespaced MR (`*.aws.m.upbound.io/v1beta1`)
 * with the shared defaults applied (crossplane.md §4.1 "_defaults"): providerConfigRef,
 * management policies and the platform label from the XR, plus AWS tags where the kind has them.
 */
import { fromComposite, patchSet } from '../patch-and-transform/patches.js';
import { mapValues } from '../patch-and-transform/transforms.js';
import type {
  ComposedTemplate,
  DirectPatch,
  Patch,
  PatchSet,
  ReadinessCheck,
} from '../patch-and-transform/types.js';
import { PLATFORM_LABEL, PLATFORM_TAG, peerOf, REGION_PAIR } from './parameters.js';
import { runtimeOwnedFieldsOf } from './runtime-owned.js';

export type AwsService =
  | 'autoscaling'
  | 'cloudwatch'
  | 'dynamodb'
  | 'ec2'
  | 'elbv2'
  | 'iam'
  | 'kms'
  | 'rds'
  | 'route53'
  | 's3'
  | 'sns';

/**
 * A kind named with its service (`iam/Policy`): kind names repeat across services (IAM and Auto
 * Scaling both have a Policy), and whether a kind has tags or a region depends on which it is.
 */
export const kindKey = (service: string, kind: string) => `${service}/${kind}`;

/** Kinds whose forProvider has no `tags` map (checked against the upstream CRDs by a test). */
export const UNTAGGED_KINDS = new Set([
  'autoscaling/Attachment',
  'autoscaling/AutoscalingGroup',
  'autoscaling/Policy',
  'ec2/Route',
  'ec2/RouteTableAssociation',
  'iam/RolePolicyAttachment',
  'route53/Record',
  's3/BucketPublicAccessBlock',
  's3/BucketReplicationConfiguration',
  's3/BucketServerSideEncryptionConfiguration',
  's3/BucketVersioning',
  'sns/TopicSubscription',
]);

/** Services without forProvider.region: IAM and Route 53 are global. */
export const GLOBAL_SERVICES = new Set<AwsService>(['iam', 'route53']);

export const PATCH_SET = {
  /** providerConfigRef, managementPolicies, platform label: every MR. */
  common: 'common',
  /** Same as common but with the runtime-owned management policies (see runtimeOwned below). */
  runtimeOwned: 'runtime-owned',
  /** The XR's tags and the platform tag: MRs with a tags map. */
  tags: 'tags',
} as const;

const platformLabel = fromComposite('spec.platformId', `metadata.labels[${PLATFORM_LABEL}]`);

export const commonPatchSets: PatchSet[] = [
  {
    name: PATCH_SET.common,
    patches: [
      fromComposite('spec.providerConfigRef'),
      fromComposite('spec.managementPolicies'),
      platformLabel,
    ],
  },
  {
    name: PATCH_SET.runtimeOwned,
    patches: [
      fromComposite('spec.providerConfigRef'),
      fromComposite('spec.runtimeOwnedManagementPolicies', 'spec.managementPolicies'),
      platformLabel,
    ],
  },
  {
    name: PATCH_SET.tags,
    patches: [
      fromComposite('spec.tags', 'spec.forProvider.tags'),
      fromComposite('spec.platformId', `spec.forProvider.tags[${PLATFORM_TAG}]`),
    ],
  },
];

export interface ManagedProps {
  /** Stable, readable composition-resource name (`subnet-private-a`). */
  name: string;
  service: AwsService;
  kind: string;
  /**
   * A literal region (pair-level XRs bake both regions in at synth time), `fromXr` to patch
   * `spec.region` (regional XRs), or `peerOfXr` for the other region of the pair than the XR's
   * (a replica of something the XR's owner region holds). Omitted for global kinds.
   */
  region?: string | 'fromXr' | 'peerOfXr';
  forProvider?: Record<string, unknown>;
  /**
   * Values set once at creation and never enforced afterwards. This is where runtime-owned fields
   * go (ASG desired capacity, Aurora global membership and bootstrap writer): the provider sends
   * them on Create only, and with LateInitialize excluded (runtimeOwned) the observed value is never
   * copied into forProvider, so neither GitOps (which only writes the XR) nor Crossplane reverts
   * what the failover controller changed.
   */
  initProvider?: Record<string, unknown>;
  /** Uses the XR's runtimeOwnedManagementPolicies (no LateInitialize) instead of managementPolicies. */
  runtimeOwned?: boolean;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  patches?: DirectPatch[];
  readinessChecks?: ReadinessCheck[];
}

/** us-east-1 ↔ us-east-2; any other region fails the render (the XRD refuses it first). */
const peerRegion = mapValues(Object.fromEntries(REGION_PAIR.map((region) => [region, peerOf(region)])));

/** Refuses a template that would let Git assert a runtime-owned field (runtime-owned.ts). */
function checkRuntimeOwned(props: ManagedProps): void {
  const fields = runtimeOwnedFieldsOf(props.service, props.kind);
  if (fields.length === 0) return;
  if (!props.runtimeOwned)
    throw new Error(
      `${props.name}: ${props.kind} has runtime-owned fields (${fields.join(', ')}) and needs runtimeOwned management policies (no LateInitialize)`,
    );
  const patched = (props.patches ?? []).map((patch) => ('toFieldPath' in patch ? patch.toFieldPath : ''));
  const asserted = fields.filter(
    (field) => field in (props.forProvider ?? {}) || patched.includes(`spec.forProvider.${field}`),
  );
  if (asserted.length > 0)
    throw new Error(
      `${props.name}: ${props.kind} ${asserted.join(', ')} is runtime-owned: set it in initProvider, never in forProvider`,
    );
}

export function managed(props: ManagedProps): ComposedTemplate {
  checkRuntimeOwned(props);
  const forProvider: Record<string, unknown> = { ...props.forProvider };
  const patches: Patch[] = [patchSet(props.runtimeOwned ? PATCH_SET.runtimeOwned : PATCH_SET.common)];
  if (!UNTAGGED_KINDS.has(kindKey(props.service, props.kind))) patches.push(patchSet(PATCH_SET.tags));
  if (GLOBAL_SERVICES.has(props.service)) {
    if (props.region !== undefined)
      throw new Error(`${props.name}: ${props.kind} is global and has no region`);
  } else if (props.region === 'fromXr') {
    patches.push(fromComposite('spec.region', 'spec.forProvider.region'));
  } else if (props.region === 'peerOfXr') {
    patches.push(fromComposite('spec.region', 'spec.forProvider.region', { transforms: [peerRegion] }));
  } else if (props.region !== undefined) {
    forProvider.region = props.region;
  } else {
    throw new Error(`${props.name}: ${props.kind} needs a region`);
  }
  patches.push(...(props.patches ?? []));

  const metadata: NonNullable<ComposedTemplate['base']['metadata']> = {};
  if (props.labels) metadata.labels = props.labels;
  if (props.annotations) metadata.annotations = props.annotations;
  const spec: Record<string, unknown> = { forProvider };
  if (props.initProvider) spec.initProvider = props.initProvider;

  const template: ComposedTemplate = {
    name: props.name,
    base: {
      apiVersion: `${props.service}.aws.m.upbound.io/v1beta1`,
      kind: props.kind,
      ...(Object.keys(metadata).length ? { metadata } : {}),
      spec,
    },
    patches,
  };
  if (props.readinessChecks) template.readinessChecks = props.readinessChecks;
  return template;
}

/** A `*Selector` that picks the resource this XR composed with the given labels. */
export function selectOwn(matchLabels?: Record<string, string>): Record<string, unknown> {
  return matchLabels ? { matchControllerRef: true, matchLabels } : { matchControllerRef: true };
}
