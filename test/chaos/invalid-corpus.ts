/**
 * The corpus of invalid manifests (issue 19): Failovers, FailoverPlans, RegionHealths and
 * TradingPlatform XRs that the API server (the CRDs' schemas and CEL rules, the XRD's) and the
 * GitOps syncer (which validates a commit before it syncs it) must refuse, each with the fragment
 * of the message a person gets. Each case is one edit of a valid example (examples/failover,
 * examples/estate), so the edit is what makes it invalid; a generated name keeps them apart.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export type CorpusKind = 'Failover' | 'FailoverPlan' | 'RegionHealth' | 'TradingPlatform';

export interface InvalidCase {
  /** File and object name: chaos-invalid-<nn>-<slug>. */
  name: string;
  kind: CorpusKind;
  /** What is wrong, in words. */
  why: string;
  manifest: Record<string, unknown>;
  /** A fragment of the refusal, the same from kubectl (the API server) and from the syncer. */
  expect: string;
}

type Json = Record<string, unknown>;
type Edit = (object: Json) => void;

/** Sets `value` at a dotted path (numeric parts index arrays), creating objects on the way. */
const set =
  (path: string, value: unknown): Edit =>
  (object) => {
    const parts = path.split('.');
    let at: Json = object;
    for (const part of parts.slice(0, -1)) {
      at[part] ??= {};
      at = at[part] as Json;
    }
    at[parts.at(-1) ?? ''] = value;
  };

const remove =
  (path: string): Edit =>
  (object) => {
    const parts = path.split('.');
    let at: Json = object;
    for (const part of parts.slice(0, -1)) at = at[part] as Json;
    delete at[parts.at(-1) ?? ''];
  };

const both =
  (...edits: Edit[]): Edit =>
  (object) => {
    for (const edit of edits) edit(object);
  };

function firstDocument(root: string, file: string): Json {
  const [document] = parseAllDocuments(readFileSync(join(root, file), 'utf8'));
  return document?.toJSON() as Json;
}

const FAILOVER: Json = {
  apiVersion: 'failover.switchyard.dev/v1alpha1',
  kind: 'Failover',
  metadata: { namespace: 'trading' },
  spec: {
    planRef: { name: 'trading' },
    type: 'Switchover',
    targetRegion: 'us-east-2',
    reason: 'chaos corpus',
  },
};

const APPROVAL = { approvedBy: 'oncall', approvedAt: '2026-01-01T00:00:00Z', maxDataLossSeconds: 60 };
const LONG = 'x'.repeat(1025);

/** [kind, slug, why, edit, expected fragment] */
const TABLE: [CorpusKind, string, string, Edit, string][] = [
  ['Failover', 'no-plan-ref', 'spec.planRef missing', remove('spec.planRef'), 'spec.planRef: Required value'],
  ['Failover', 'no-type', 'spec.type missing', remove('spec.type'), 'spec.type: Required value'],
  [
    'Failover',
    'no-target',
    'spec.targetRegion missing',
    remove('spec.targetRegion'),
    'spec.targetRegion: Required value',
  ],
  [
    'Failover',
    'unknown-type',
    'type Failback',
    set('spec.type', 'Failback'),
    'spec.type: Unsupported value: "Failback"',
  ],
  [
    'Failover',
    'target-uppercase',
    'region in capitals',
    set('spec.targetRegion', 'US-EAST-2'),
    'spec.targetRegion: Invalid value: "US-EAST-2"',
  ],
  ['Failover', 'target-number', 'region as a number', set('spec.targetRegion', 2), 'must be of type string'],
  [
    'Failover',
    'plan-ref-underscore',
    'plan name with _',
    set('spec.planRef.name', 'trading_plan'),
    'spec.planRef.name: Invalid value: "trading_plan"',
  ],
  [
    'Failover',
    'plan-ref-empty',
    'empty plan name',
    set('spec.planRef.name', ''),
    'spec.planRef.name: Invalid value: ""',
  ],
  [
    'Failover',
    'failover-without-consent',
    'type Failover without allowDataLoss',
    set('spec.type', 'Failover'),
    'set allowDataLoss: true to consent',
  ],
  [
    'Failover',
    'switchover-with-data-loss',
    'allowDataLoss on a Switchover',
    set('spec.allowDataLoss', true),
    'allowDataLoss is only allowed with type Failover',
  ],
  [
    'Failover',
    'paused-and-cancelled',
    'paused and cancel together',
    both(set('spec.paused', true), set('spec.cancel', true)),
    'paused and cancel cannot both be set',
  ],
  [
    'Failover',
    'dry-run-approved',
    'a dry run with an approval',
    both(set('spec.dryRun', true), set('spec.approval', APPROVAL)),
    'a dry run changes nothing and takes no approval',
  ],
  [
    'Failover',
    'approval-no-approver',
    'approval without approvedBy',
    set('spec.approval', { approvedAt: APPROVAL.approvedAt, maxDataLossSeconds: 60 }),
    'spec.approval.approvedBy: Required value',
  ],
  [
    'Failover',
    'approval-negative-loss',
    'maxDataLossSeconds below 0',
    set('spec.approval', { ...APPROVAL, maxDataLossSeconds: -1 }),
    'spec.approval.maxDataLossSeconds: Invalid value: -1',
  ],
  [
    'Failover',
    'approval-bad-time',
    'approvedAt not a timestamp',
    set('spec.approval', { ...APPROVAL, approvedAt: 'yesterday' }),
    'spec.approval.approvedAt: Invalid value: "yesterday"',
  ],
  [
    'Failover',
    'approval-empty-approver',
    'approvedBy empty',
    set('spec.approval', { ...APPROVAL, approvedBy: '' }),
    'spec.approval.approvedBy: Invalid value: ""',
  ],
  [
    'Failover',
    'reason-too-long',
    'reason over 1024 characters',
    set('spec.reason', LONG),
    // The API server says "Too long: may not be more than 1024 bytes", the validator "more than 1024 characters".
    'than 1024',
  ],
  [
    'Failover',
    'paused-string',
    'paused as a string',
    set('spec.paused', 'sometimes'),
    'must be of type boolean',
  ],
  ['Failover', 'cancel-string', 'cancel as a string', set('spec.cancel', 'true'), 'must be of type boolean'],
  ['Failover', 'spec-string', 'spec not an object', set('spec', 'now'), 'must be of type object'],

  [
    'FailoverPlan',
    'same-regions',
    'primary and standby the same',
    set('spec.regions.standby', 'us-east-1'),
    'primary and standby must be different regions',
  ],
  [
    'FailoverPlan',
    'window-inverted',
    'failing above outOf',
    set('spec.automatic.window.failing', 6),
    'failing (N) must not exceed outOf (M)',
  ],
  [
    'FailoverPlan',
    'no-signals',
    'automatic on without signals',
    set('spec.automatic.signals', []),
    'an enabled automatic policy needs at least one signal',
  ],
  [
    'FailoverPlan',
    'cooldown-short',
    'cooldown of 30 s',
    set('spec.automatic.cooldown', '30s'),
    'cooldown must be at least 1m',
  ],
  [
    'FailoverPlan',
    'cooldown-words',
    'cooldown not a duration',
    set('spec.automatic.cooldown', 'soon'),
    'spec.automatic.cooldown: Invalid value: "soon"',
  ],
  [
    'FailoverPlan',
    'one-vantage',
    'minimumVantagePoints 1',
    set('spec.automatic.minimumVantagePoints', 1),
    'spec.automatic.minimumVantagePoints: Invalid value: 1',
  ],
  [
    'FailoverPlan',
    'rpo-too-long',
    'rpoBudgetSeconds above a day',
    set('spec.automatic.rpoBudgetSeconds', 100_000),
    'spec.automatic.rpoBudgetSeconds: Invalid value: 100000',
  ],
  [
    'FailoverPlan',
    'policy-majority',
    'signalPolicy Majority',
    set('spec.automatic.signalPolicy', 'Majority'),
    'spec.automatic.signalPolicy: Unsupported value: "Majority"',
  ],
  [
    'FailoverPlan',
    'approval-sometimes',
    'approval Sometimes',
    set('spec.automatic.approval', 'Sometimes'),
    'spec.automatic.approval: Unsupported value: "Sometimes"',
  ],
  [
    'FailoverPlan',
    'one-member',
    'one database member',
    (o) =>
      set('spec.database.members', (((o.spec as Json).database as Json).members as unknown[]).slice(0, 1))(o),
    'spec.database.members: Invalid value: [{"clusterArn"',
  ],
  [
    'FailoverPlan',
    'member-elsewhere',
    'a member in us-west-2',
    set('spec.database.members.1.region', 'us-west-2'),
    'database.members must name the plan regions',
  ],
  [
    'FailoverPlan',
    'member-bad-arn',
    'a member ARN that is not an RDS cluster',
    set('spec.database.members.0.clusterArn', 'arn:aws:rds:bad'),
    'spec.database.members[0].clusterArn: Invalid value: "arn:aws:rds:bad"',
  ],
  [
    'FailoverPlan',
    'global-id-digit',
    'global cluster id starting with a digit',
    set('spec.database.globalClusterIdentifier', '1trading'),
    'spec.database.globalClusterIdentifier: Invalid value: "1trading"',
  ],
  [
    'FailoverPlan',
    'gate-elsewhere',
    'a traffic gate in eu-west-1',
    set('spec.traffic.gates.1.region', 'eu-west-1'),
    'traffic.gates must name the plan regions',
  ],
  [
    'FailoverPlan',
    'gate-no-fence',
    'a gate without fenceAlarmName',
    remove('spec.traffic.gates.0.fenceAlarmName'),
    'spec.traffic.gates[0].fenceAlarmName: Required value',
  ],
  [
    'FailoverPlan',
    'capacity-negative',
    'standbyDesiredCapacity -1',
    set('spec.compute.standbyDesiredCapacity', -1),
    'spec.compute.standbyDesiredCapacity: Invalid value: -1',
  ],
  [
    'FailoverPlan',
    'group-elsewhere',
    'an Auto Scaling group in us-west-2',
    set('spec.compute.autoScalingGroups.0.region', 'us-west-2'),
    'compute.autoScalingGroups may only name the plan regions',
  ],
  [
    'FailoverPlan',
    'no-traffic',
    'spec.traffic missing',
    remove('spec.traffic'),
    'spec.traffic: Required value',
  ],
  [
    'FailoverPlan',
    'window-no-out-of',
    'window without outOf',
    remove('spec.automatic.window.outOf'),
    'spec.automatic.window.outOf: Required value',
  ],
  [
    'FailoverPlan',
    'members-duplicate',
    'the same region twice',
    set('spec.database.members.1.region', 'us-east-1'),
    'spec.database.members[1]: Duplicate value: ["us-east-1"]',
  ],

  [
    'RegionHealth',
    'no-vantage',
    'spec.vantage missing',
    remove('spec.vantage'),
    'spec.vantage: Required value',
  ],
  ['RegionHealth', 'no-probes', 'no probe', set('spec.probes', []), 'spec.probes: Invalid value: []'],
  [
    'RegionHealth',
    'http-without-settings',
    'an HTTP probe without http',
    remove('spec.probes.0.http'),
    'set exactly the probe settings named by type',
  ],
  [
    'RegionHealth',
    'tcp-with-http',
    'type TCP with http settings',
    set('spec.probes.0.type', 'TCP'),
    'set exactly the probe settings named by type',
  ],
  [
    'RegionHealth',
    'timeout-not-shorter',
    'timeout equal to interval',
    set('spec.probes.0.timeout', '10s'),
    'timeout must be shorter than interval',
  ],
  [
    'RegionHealth',
    'url-ftp',
    'an ftp:// URL',
    set('spec.probes.0.http.url', 'ftp://us-east-1.api.trading.example.com/'),
    'spec.probes[0].http.url: Invalid value: "ftp://',
  ],
  [
    'RegionHealth',
    'status-700',
    'expectedStatus 700',
    set('spec.probes.0.http.expectedStatus', 700),
    'spec.probes[0].http.expectedStatus: Invalid value: 700',
  ],
  [
    'RegionHealth',
    'threshold-eleven',
    'failureThreshold 11',
    set('spec.probes.0.failureThreshold', 11),
    'spec.probes[0].failureThreshold: Invalid value: 11',
  ],
  [
    'RegionHealth',
    'probe-name-space',
    'a probe name with a space',
    set('spec.probes.0.name', 'the alb'),
    'spec.probes[0].name: Invalid value: "the alb"',
  ],
  [
    'RegionHealth',
    'probe-icmp',
    'probe type ICMP',
    set('spec.probes.0.type', 'ICMP'),
    'spec.probes[0].type: Unsupported value: "ICMP"',
  ],
  [
    'RegionHealth',
    'interval-words',
    'interval not a duration',
    set('spec.probes.0.interval', '10 seconds'),
    'spec.probes[0].interval: Invalid value: "10 seconds"',
  ],
  [
    'RegionHealth',
    'region-no-dashes',
    'region useast1',
    set('spec.region', 'useast1'),
    'spec.region: Invalid value: "useast1"',
  ],
  [
    'RegionHealth',
    'probe-names-twice',
    'two probes named alb',
    set('spec.probes.1.name', 'alb'),
    'spec.probes[1]: Duplicate value: ["alb"]',
  ],
  [
    'RegionHealth',
    'writer-bad-arn',
    'an AuroraWriter ARN of another service',
    set('spec.probes.1.auroraWriter.clusterArn', 'arn:aws:s3:::bucket'),
    'spec.probes[1].auroraWriter.clusterArn: Invalid value: "arn:aws:s3:::bucket"',
  ],

  [
    'TradingPlatform',
    'email-no-endpoint',
    'notify Email without endpoint',
    remove('spec.alerting.endpoint'),
    'endpoint is required when notify is Email or HTTPS',
  ],
  [
    'TradingPlatform',
    'email-not-address',
    'an Email endpoint that is no address',
    set('spec.alerting.endpoint', 'oncall'),
    'endpoint must be an email address when notify is Email',
  ],
  [
    'TradingPlatform',
    'https-plain-http',
    'an HTTPS endpoint with http://',
    set('spec.alerting', { notify: 'HTTPS', endpoint: 'http://hooks.example.com' }),
    'endpoint must be an https:// URL when notify is HTTPS',
  ],
  [
    'TradingPlatform',
    'image-not-ami',
    'imageId not an AMI',
    set('spec.imageId', 'ubuntu-24.04'),
    'spec.imageId: Invalid value: "ubuntu-24.04"',
  ],
  [
    'TradingPlatform',
    'certificate-wrong-region',
    "us-east-1's certificate from us-east-2",
    set(
      'spec.certificateArns.us-east-1',
      'arn:aws:acm:us-east-2:123456789012:certificate/1c4d5e6f-7081-4293-a4b5-c6d7e8f9a012',
    ),
    'spec.certificateArns.us-east-1: Invalid value: "arn:aws:acm:us-east-2',
  ],
  [
    'TradingPlatform',
    'irsa-no-oidc',
    'trust IRSA without OIDC providers',
    set('spec.controller', { trust: 'IRSA' }),
    'oidcProviders is required when trust is IRSA',
  ],
  [
    'TradingPlatform',
    'oidc-bad',
    'an OIDC provider of another region',
    set('spec.controller', {
      trust: 'IRSA',
      oidcProviders: {
        'us-east-1': 'oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
        'us-east-2': 'oidc.eks.us-east-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE',
      },
    }),
    'must be the IAM OIDC provider of the us-east-1 EKS cluster',
  ],
  [
    'TradingPlatform',
    'cidr-not-16',
    'a /24 VPC',
    set('spec.regions.us-east-1.cidrBlock', '10.0.0.0/24'),
    'cidrBlock must be an IPv4 /16 CIDR',
  ],
  [
    'TradingPlatform',
    'one-zone',
    'one zone',
    set('spec.regions.us-east-2.zoneCount', 1),
    'zoneCount must be at least 2',
  ],
  [
    'TradingPlatform',
    'cidr-overlap',
    'both regions on 10.0.0.0/16',
    set('spec.regions.us-east-2.cidrBlock', '10.0.0.0/16'),
    'non-overlapping CIDR blocks',
  ],
  [
    'TradingPlatform',
    'region-elsewhere',
    'region us-west-2',
    set('spec.region', 'us-west-2'),
    "region must be one of the platform's region pair",
  ],
  [
    'TradingPlatform',
    'late-initialize',
    'runtime-owned policies with LateInitialize',
    set('spec.runtimeOwnedManagementPolicies', ['Observe', 'LateInitialize']),
    'runtimeOwnedManagementPolicies must not contain',
  ],
  [
    'TradingPlatform',
    'instance-class',
    'an instance class outside the list',
    set('spec.instanceClass', 'db.t3.micro'),
    'instanceClass must be one of',
  ],
  [
    'TradingPlatform',
    'platform-id-long',
    'platformId of 19 characters',
    set('spec.platformId', 'chaos-platform-id19'),
    'platformId must be at most 18 characters',
  ],
  [
    'TradingPlatform',
    'no-domain',
    'domainName missing',
    remove('spec.domainName'),
    'spec.domainName: Required value',
  ],
];

/** The valid manifest each case edits, per kind: the checkout's examples, named for the corpus. */
export function corpusBases(root: string): Record<CorpusKind, Json> {
  const named = (object: Json, name: string): Json => ({
    ...object,
    metadata: { name, namespace: 'trading' },
  });
  const xr = firstDocument(root, 'examples/estate/trading-platform.yaml');
  // Another platform id: were one ever accepted, it could not touch the running estate's resources.
  set('spec.platformId', 'chaosx')(xr);
  return {
    Failover: named(FAILOVER, 'chaos-valid-failover'),
    FailoverPlan: named(firstDocument(root, 'examples/failover/failover-plan.yaml'), 'chaos-valid-plan'),
    RegionHealth: named(firstDocument(root, 'examples/failover/region-health.yaml'), 'chaos-valid-health'),
    TradingPlatform: named(xr, 'chaos-valid-platform'),
  };
}

/** The corpus: each case one edit of its kind's base. */
export function invalidCorpus(root: string): InvalidCase[] {
  const bases = corpusBases(root);
  return TABLE.map(([kind, slug, why, edit, expect], index) => {
    const name = `chaos-invalid-${String(index + 1).padStart(2, '0')}-${slug}`;
    const manifest = structuredClone(bases[kind]);
    manifest.metadata = { name, namespace: 'trading' };
    edit(manifest);
    return { name, kind, why, manifest, expect };
  });
}
