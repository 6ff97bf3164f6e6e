/**
 * compositions/packages.yaml: the ManagedResourceActivationPolicy activates exactly the MRDs the
 * TradingPlatform renders down to (provider-upjet-aws is SafeStart: an MRD left out is never
 * served, one too many is an idle controller), and the shared defaults' kind lists agree with the
 * stored provider CRDs.
 */
import { describe, expect, it } from 'vitest';
import { GLOBAL_KINDS, UNTAGGED_KINDS } from '../../../src/estate/common/managed.js';
import { estatePackages, managedKindsUsed, mrdName } from '../../../src/estate/packages.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import type { OpenApiSchema } from '../../../src/schema/openapi.js';
import { converged, renderPlatformMrs } from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const activated = () => {
  const policy = estatePackages().find((object) => object.kind === 'ManagedResourceActivationPolicy');
  return (policy?.spec.activate as string[] | undefined) ?? [];
};

/** The stored CRD's spec.forProvider properties of one MR kind. */
function forProviderFields(group: string, kind: string): string[] {
  const found = catalog.lookup(`${group}/v1beta1`, kind);
  if (!found.ok) throw new Error(found.reason);
  const spec = found.version.schema.properties?.spec as OpenApiSchema | undefined;
  const forProvider = spec?.properties?.forProvider as OpenApiSchema | undefined;
  return Object.keys(forProvider?.properties ?? {});
}

describe('estate packages', () => {
  it('activate exactly the MRDs of every kind the TradingPlatform renders to', () => {
    // Once every XR has reported: the Route 53 records and the topics are held back until then (ADR 0005).
    const rendered = new Set(
      renderPlatformMrs(catalog, converged).map((mr) => mrdName(mr.apiVersion.split('/')[0] ?? '', mr.kind)),
    );
    expect(activated()).toEqual([...rendered].sort());
    expect(activated()).toEqual(
      expect.arrayContaining([
        'vpcpeeringconnections.ec2.aws.m.upbound.io',
        'vpcpeeringconnectionaccepters.ec2.aws.m.upbound.io',
        'tablereplicas.dynamodb.aws.m.upbound.io',
        'bucketreplicationconfigurations.s3.aws.m.upbound.io',
        'rolepolicyattachments.iam.aws.m.upbound.io',
        'metricalarms.cloudwatch.aws.m.upbound.io',
        'topicsubscriptions.sns.aws.m.upbound.io',
      ]),
    );
  });

  it('name MRDs that exist among the stored provider CRDs, one Provider per service', () => {
    for (const { group, kind } of managedKindsUsed())
      expect(catalog.lookup(`${group}/v1beta1`, kind).ok, `${group} ${kind}`).toBe(true);
    const providers = estatePackages().filter((object) => object.kind === 'Provider');
    expect(providers.map((provider) => provider.spec.package)).toEqual(
      expect.arrayContaining([
        'xpkg.crossplane.io/crossplane-contrib/provider-aws-cloudwatch:v2.6.0',
        'xpkg.crossplane.io/crossplane-contrib/provider-aws-dynamodb:v2.6.0',
        'xpkg.crossplane.io/crossplane-contrib/provider-aws-sns:v2.6.0',
      ]),
    );
  });

  it('tag exactly the kinds whose forProvider has tags, and patch a region exactly where it exists', () => {
    for (const { group, kind } of managedKindsUsed()) {
      const fields = forProviderFields(group, kind);
      expect(fields.includes('tags'), `${kind} tags`).toBe(!UNTAGGED_KINDS.has(kind));
      expect(fields.includes('region'), `${kind} region`).toBe(!GLOBAL_KINDS.has(kind));
    }
  });
});
