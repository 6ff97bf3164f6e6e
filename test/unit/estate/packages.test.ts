/**
 * compositions/packages.yaml: the ManagedResourceActivationPolicy activates exactly the MRDs the
 * TradingPlatform renders down to (provider-upjet-aws is SafeStart: an MRD left out is never
 * served, one too many is an idle controller), and the shared defaults' kind lists agree with the
 * upstream provider CRDs (stored, or fetched by real:setup where the stored ones lack them).
 */
import { describe, expect, it } from 'vitest';
import { GLOBAL_SERVICES, kindKey, UNTAGGED_KINDS } from '../../../src/estate/common/managed.js';
import { SCALING_METRICS } from '../../../src/estate/compute/definition.js';
import { estatePackages, managedKindsUsed, mrdName } from '../../../src/estate/packages.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { fetchedCrds, notFetchedReason } from '../../../src/schema/fetched-crds.js';
import type { OpenApiSchema } from '../../../src/schema/openapi.js';
import { converged, renderPlatformMrs } from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const activated = () => {
  const policy = estatePackages().find((object) => object.kind === 'ManagedResourceActivationPolicy');
  return (policy?.spec.activate as string[] | undefined) ?? [];
};

/** The upstream CRD fetched by real:setup for an MRD the stored schemas lack, if it is listed. */
const fetched = (group: string, kind: string) =>
  fetchedCrds().find((crd) => `${crd.plural}.${crd.group}` === mrdName(group, kind));

/** The upstream CRD's spec.forProvider properties of one MR kind. */
function forProviderFields(group: string, kind: string): string[] {
  const found = catalog.lookup(`${group}/v1beta1`, kind);
  if (!found.ok) throw new Error(found.reason);
  const spec = found.version.schema.properties?.spec as OpenApiSchema | undefined;
  const forProvider = spec?.properties?.forProvider as OpenApiSchema | undefined;
  return Object.keys(forProvider?.properties ?? {});
}

describe('estate packages', () => {
  it('activate exactly the MRDs of every kind the TradingPlatform renders to, in each scaling variant', () => {
    // Once every XR has reported (the Route 53 records and the topics are held back until then,
    // ADR 0005), in both scaling variants (the request-count policy waits for the ALB's ids; the CPU
    // variant composes it at once).
    const rendered = new Set(
      SCALING_METRICS.flatMap((metric) =>
        renderPlatformMrs(catalog, {
          ...converged,
          change: (xr) => {
            converged.change?.(xr);
            xr.spec = { ...xr.spec, scaling: { metric } };
          },
        }),
      ).map((mr) => mrdName(mr.apiVersion.split('/')[0] ?? '', mr.kind)),
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
        'policies.autoscaling.aws.m.upbound.io',
        'instanceprofiles.iam.aws.m.upbound.io',
      ]),
    );
  });

  it('name MRDs that exist upstream (stored, or listed for real:setup to fetch), one Provider per service', () => {
    for (const { group, kind } of managedKindsUsed())
      expect(
        catalog.lookup(`${group}/v1beta1`, kind).ok || fetched(group, kind) !== undefined,
        `${group} ${kind}`,
      ).toBe(true);
    const providers = estatePackages().filter((object) => object.kind === 'Provider');
    expect(providers.map((provider) => provider.spec.package)).toEqual(
      expect.arrayContaining([
        'xpkg.crossplane.io/crossplane-contrib/provider-aws-cloudwatch:v2.6.0',
        'xpkg.crossplane.io/crossplane-contrib/provider-aws-dynamodb:v2.6.0',
        'xpkg.crossplane.io/crossplane-contrib/provider-aws-sns:v2.6.0',
      ]),
    );
  });

  it.for(managedKindsUsed())(
    '$group $kind: tagged and given a region exactly where its CRD has those fields',
    ({ group, kind }, context) => {
      const missing = fetched(group, kind);
      if (missing && !missing.present) context.skip(notFetchedReason(missing));
      const service = group.split('.')[0] ?? '';
      const fields = forProviderFields(group, kind);
      expect(fields.includes('tags'), 'tags').toBe(!UNTAGGED_KINDS.has(kindKey(service, kind)));
      expect(fields.includes('region'), 'region').toBe(!(GLOBAL_SERVICES as Set<string>).has(service));
    },
  );
});
