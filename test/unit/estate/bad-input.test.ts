/**
 * Bad XRs are refused by the XRD (schema + CEL, as the apiserver would) with a message that says
 * what is wrong, and the zod schema the XRD came from refuses them with the same message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { estateApis } from '../../../src/estate/index.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { validateObject } from '../../../src/schema/validate.js';
import { examplesDir } from '../../support/estate.js';
import { RULES_NOTE } from '../schema/rules-note.js';

const catalog = SchemaCatalog.load();
const example = (name: string) => parse(readFileSync(join(examplesDir, name), 'utf8'));

interface BadCase {
  name: string;
  example: string;
  spec: Record<string, unknown>;
  path: string;
  message: RegExp;
  /** When zod words it differently from the apiserver (a pattern or a required field). */
  zodMessage?: RegExp;
}

const acm = (region: string, id = '0b3c4d5e-6f70-4182-93a4-b5c6d7e8f901') =>
  `arn:aws:acm:${region}:123456789012:certificate/${id}`;

const cases: BadCase[] = [
  {
    name: 'a non-/16 CIDR',
    example: 'network-us-east-1.yaml',
    spec: { cidrBlock: '10.0.0.0/20' },
    path: 'spec.cidrBlock',
    message: /must be an IPv4 \/16 CIDR/,
  },
  {
    name: 'a CIDR that is not an address',
    example: 'network-us-east-1.yaml',
    spec: { cidrBlock: '10.300.0.0/16' },
    path: 'spec.cidrBlock',
    message: /must be an IPv4 \/16 CIDR/,
  },
  {
    name: 'a region outside the pair',
    example: 'network-us-east-1.yaml',
    spec: { region: 'eu-west-1' },
    path: 'spec.region',
    message: /region pair \(us-east-1, us-east-2\)/,
  },
  {
    name: 'fewer than 2 zones',
    example: 'network-us-east-1.yaml',
    spec: { zoneCount: 1 },
    path: 'spec.zoneCount',
    message: /at least 2/,
  },
  {
    name: 'fewer than 2 DB instances',
    example: 'database.yaml',
    spec: { instancesPerRegion: 1 },
    path: 'spec.instancesPerRegion',
    message: /at least 2/,
  },
  {
    name: 'an unknown instance class',
    example: 'database.yaml',
    spec: { instanceClass: 'db.t2.micro' },
    path: 'spec.instanceClass',
    message: /instanceClass must be one of db.r6g.large/,
  },
  {
    name: 'LateInitialize on runtime-owned MRs',
    example: 'database.yaml',
    spec: { runtimeOwnedManagementPolicies: ['*'] },
    path: 'spec.runtimeOwnedManagementPolicies',
    message: /must not contain \* or LateInitialize/,
  },
  {
    name: 'overlapping peer CIDRs',
    example: 'peering.yaml',
    spec: {
      regions: { 'us-east-1': { cidrBlock: '10.1.0.0/16' }, 'us-east-2': { cidrBlock: '10.1.0.0/16' } },
    },
    path: 'spec.regions',
    message: /non-overlapping CIDR blocks/,
  },
  {
    name: 'a peer network of one zone',
    example: 'peering.yaml',
    spec: { regions: { 'us-east-1': { zoneCount: 1 } } },
    path: 'spec.regions.us-east-1.zoneCount',
    message: /at least 2/,
  },
  {
    name: 'a session table owned outside the pair',
    example: 'sessions.yaml',
    spec: { region: 'us-west-2' },
    path: 'spec.region',
    message: /region pair/,
  },
  {
    name: 'an email subscription without an endpoint',
    example: 'alerting-us-east-1.yaml',
    spec: { endpoint: undefined },
    path: 'spec.endpoint',
    message: /endpoint is required when notify is Email/,
  },
  {
    name: 'an HTTPS subscription to a plain http URL',
    example: 'alerting-us-east-1.yaml',
    spec: { notify: 'HTTPS', endpoint: 'http://hooks.example.com/alerts' },
    path: 'spec.endpoint',
    message: /https:\/\/ URL/,
  },
  {
    name: 'a Compute without a certificate',
    example: 'compute-us-east-1.yaml',
    spec: { certificateArn: undefined },
    path: 'spec.certificateArn',
    message: /Required value/,
    zodMessage: /required: the ARN of an ACM certificate for the HTTPS listener/,
  },
  {
    name: 'a certificate from the other region',
    example: 'compute-us-east-1.yaml',
    spec: { certificateArn: acm('us-east-2') },
    path: 'spec.certificateArn',
    message: /must be an ACM certificate in the XR's region .*only use certificates of its own region/,
  },
  {
    name: 'a certificate that is not from ACM',
    example: 'compute-us-east-2.yaml',
    spec: { certificateArn: 'arn:aws:iam::123456789012:server-certificate/trading' },
    path: 'spec.certificateArn',
    message: /should match '\^arn:aws:acm:/,
    zodMessage: /must be the ARN of an ACM certificate, such as arn:aws:acm:/,
  },
  {
    name: 'an ACM ARN that names no certificate',
    example: 'compute-us-east-2.yaml',
    spec: { certificateArn: 'arn:aws:acm:us-east-2:123456789012:certificate/trading' },
    path: 'spec.certificateArn',
    message: /should match '\^arn:aws:acm:/,
    zodMessage: /must be the ARN of an ACM certificate/,
  },
  {
    name: 'a certificate from another account than the app tier’s',
    example: 'compute-us-east-1.yaml',
    spec: { accountId: '210987654321' },
    path: 'spec.certificateArn',
    message: /certificateArn must be a certificate of accountId .*its own account/,
  },
  {
    name: 'a Compute account id that is not 12 digits',
    example: 'compute-us-east-2.yaml',
    spec: { accountId: '12345678901x' },
    path: 'spec.accountId',
    message: /must be the 12-digit AWS account id/,
  },
  {
    name: 'a group that may scale the standby to nothing',
    example: 'compute-us-east-1.yaml',
    spec: { minSize: 0, initialCapacity: 0 },
    path: 'spec.minSize',
    message: /minSize must be at least 1: either region may be the standby, and Route 53 answers the primary/,
  },
  {
    name: 'an initial capacity above the group’s maximum',
    example: 'compute-us-east-2.yaml',
    spec: { initialCapacity: 7 },
    path: 'spec.initialCapacity',
    message: /initialCapacity must be between minSize and maxSize/,
  },
  {
    name: 'a platform id too long for the app tier’s names',
    example: 'compute-us-east-1.yaml',
    spec: { platformId: 'trading-platform-eu1' },
    path: 'spec.platformId',
    message: /platformId must be at most 18 characters: the app tier's target group name/,
  },
  {
    name: 'a TradingPlatform whose standby would keep no warm instance',
    example: 'trading-platform.yaml',
    spec: { scaling: { warmMinimum: 0 } },
    path: 'spec.scaling.warmMinimum',
    message: /warmMinimum must be at least 1: either region may be the standby/,
  },
  {
    name: 'a TradingPlatform platform id too long for the app tier’s names',
    example: 'trading-platform.yaml',
    spec: { platformId: 'trading-platform-eu1' },
    path: 'spec.platformId',
    message: /platformId must be at most 18 characters/,
  },
  {
    name: 'a TradingPlatform with one region’s certificate in the other region’s place',
    example: 'trading-platform.yaml',
    spec: { certificateArns: { 'us-east-1': acm('us-east-2'), 'us-east-2': acm('us-east-2') } },
    path: 'spec.certificateArns.us-east-1',
    message: /should match '\^arn:aws:acm:us-east-1:/,
    zodMessage: /must be the ARN of an ACM certificate in us-east-1/,
  },
  {
    name: 'a TradingPlatform without a certificate for us-east-2',
    example: 'trading-platform.yaml',
    spec: { certificateArns: { 'us-east-1': acm('us-east-1') } },
    path: 'spec.certificateArns.us-east-2',
    message: /Required value/,
    zodMessage: /required: the ARN of an ACM certificate in us-east-2/,
  },
  {
    name: 'an OIDC provider ARN where the provider’s name belongs',
    example: 'controller-access-irsa.yaml',
    spec: {
      oidcProviders: {
        'us-east-1':
          'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9',
        'us-east-2': 'oidc.eks.us-east-2.amazonaws.com/id/9F8E7D6C5B4A39281706F5E4D3C2B1A0',
      },
    },
    path: 'spec.oidcProviders.us-east-1',
    message: /must be the IAM OIDC provider of the us-east-1 EKS cluster/,
  },
  {
    name: 'the other region’s OIDC provider',
    example: 'controller-access-irsa.yaml',
    spec: {
      oidcProviders: {
        'us-east-1': 'oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9',
        'us-east-2': 'oidc.eks.us-east-1.amazonaws.com/id/9F8E7D6C5B4A39281706F5E4D3C2B1A0',
      },
    },
    path: 'spec.oidcProviders.us-east-2',
    message: /must be the IAM OIDC provider of the us-east-2 EKS cluster/,
  },
  {
    name: 'IRSA without OIDC providers',
    example: 'controller-access.yaml',
    spec: { trust: 'IRSA' },
    path: 'spec.oidcProviders',
    message: /oidcProviders is required when trust is IRSA/,
  },
  {
    name: 'an account id that is not 12 digits',
    example: 'controller-access.yaml',
    spec: { accountId: '12345' },
    path: 'spec.accountId',
    message: /12-digit AWS account id/,
  },
  {
    name: 'an Alerting account id (its topic key’s policy) that is not 12 digits',
    example: 'alerting-us-east-2.yaml',
    spec: { accountId: '12345678901' },
    path: 'spec.accountId',
    message: /12-digit AWS account id/,
  },
  {
    name: 'a platform id too long for the role name',
    example: 'controller-access.yaml',
    spec: { platformId: 'a-very-long-platform-identifier-x' },
    path: 'spec.platformId',
    message: /role name <platformId>-switchyard-controller-<region> is limited to 64/,
  },
  {
    name: 'a TradingPlatform with a malformed controller OIDC provider',
    example: 'trading-platform.yaml',
    spec: {
      controller: {
        trust: 'IRSA',
        oidcProviders: {
          'us-east-1': 'https://oidc.eks.us-east-1.amazonaws.com/id/0A1B2C3D4E5F60718293A4B5C6D7E8F9',
          'us-east-2': 'oidc.eks.us-east-2.amazonaws.com/id/9F8E7D6C5B4A39281706F5E4D3C2B1A0',
        },
      },
    },
    path: 'spec.controller.oidcProviders.us-east-1',
    message: /must be the IAM OIDC provider of the us-east-1 EKS cluster/,
  },
];

describe('bad estate input', () => {
  it.each(cases)('refuses $name', ({ example: file, spec, path, message, zodMessage }) => {
    const xr = example(file);
    xr.spec = { ...xr.spec, ...spec };
    const [problem, ...rest] = validateObject(catalog, xr);
    expect(problem).toEqual(expect.objectContaining({ path, message: expect.stringMatching(message) }));
    // A missing field stops the CEL rules, as in the apiserver, and the note says so.
    expect(rest).toEqual(problem?.message === 'Required value' ? [RULES_NOTE] : []);

    const api = estateApis.find((candidate) => candidate.kind === xr.kind);
    // spec.crossplane is Crossplane's (added to the XR's CRD), not part of our zod schema.
    const { crossplane: _, ...ours } = xr.spec;
    const result = api?.spec.safeParse(ours);
    expect(result?.success).toBe(false);
    expect(result?.error?.issues.map((issue) => issue.message)).toEqual([
      expect.stringMatching(zodMessage ?? message),
    ]);
  });

  it('accepts every example as it is', () => {
    for (const file of [
      'network-us-east-1.yaml',
      'database.yaml',
      'peering.yaml',
      'sessions.yaml',
      'storage.yaml',
      'alerting-us-east-1.yaml',
      'compute-us-east-1.yaml',
      'compute-us-east-2.yaml',
      'trading-platform.yaml',
      'controller-access.yaml',
      'controller-access-irsa.yaml',
    ])
      expect(validateObject(catalog, example(file))).toEqual([]);
  });
});
