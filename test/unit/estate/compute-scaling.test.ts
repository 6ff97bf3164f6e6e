/**
 * Scaling on demand: each region's Auto Scaling group gets one target-tracking policy on the
 * metric the XR chose, at the seed's targets (1000 ALB requests per instance per minute, or 50 %
 * CPU), and never scales in below the warm minimum that whichever region is the standby keeps
 * (ARCHITECTURE §2: Route 53 answers the primary while the secondary has no healthy target).
 * Desired capacity stays runtime-owned (runtime-owned.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { REGION_PAIR } from '../../../src/estate/common/parameters.js';
import { derivePlan } from '../../../src/plan/derive.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { fetchedCrds, notFetchedReason } from '../../../src/schema/fetched-crds.js';
import { objectMetaProblems } from '../../../src/schema/object-meta.js';
import { validateObject } from '../../../src/schema/validate.js';
import {
  byResourceName,
  exampleXr,
  forProviderOf,
  isManaged,
  observe,
  regionOf,
  renderXr,
  resourceName,
} from '../../support/estate.js';

const catalog = SchemaCatalog.load();
/** What the provider reports as the ALB's and the target group's `arnSuffix`. */
const ALB_SUFFIX = 'app/trading-use1/50dc6c495c0c9188';
const TARGET_GROUP_SUFFIX = 'targetgroup/trading-app-us-east-1/73e2d6bc24d8a067';

const isScalingPolicy = (object: KubeObject) =>
  object.kind === 'Policy' && object.apiVersion.startsWith('autoscaling.');
const platformWith = (spec: Record<string, unknown>) => {
  const platform = exampleXr('trading-platform.yaml');
  platform.spec = { ...platform.spec, ...spec };
  return platform;
};

/** The us-east-1 Compute example through three reconciles: fresh, ALB observed, then with its status. */
function computeReconciles() {
  const xr = exampleXr('compute-us-east-1.yaml');
  const fresh = renderXr(xr, { catalog });
  const observed = observe(fresh.resources, (name) => {
    if (name === 'load-balancer') return { arnSuffix: ALB_SUFFIX };
    if (name === 'target-group') return { arnSuffix: TARGET_GROUP_SUFFIX };
    return {};
  });
  const reported = renderXr(xr, { catalog, observed });
  const next = renderXr({ ...xr, status: reported.xr.status }, { catalog, observed });
  return { fresh, reported, next };
}

describe('Compute scaling policy', () => {
  const { fresh, reported, next } = computeReconciles();

  it('request count (the default) waits for the ALB’s ids: no policy without them, and the XR says it is not ready', () => {
    expect(fresh.resources.filter(isScalingPolicy)).toEqual([]);
    expect(fresh.warnings).toEqual([
      expect.stringMatching(/not adding new composed resource "scaling-policy"/),
    ]);
    expect(fresh.xr.status?.conditions).toEqual([
      expect.objectContaining({ type: 'Ready', status: 'False' }),
    ]);
    // The ALB and target group report their ARN suffixes; the XR's status carries them.
    expect(reported.xr.status).toMatchObject({
      albArnSuffix: ALB_SUFFIX,
      targetGroupArnSuffix: TARGET_GROUP_SUFFIX,
    });
  });

  it('then holds 1000 ALB requests per instance per minute on exactly that ALB and target group', () => {
    expect(forProviderOf(byResourceName(next.resources, 'scaling-policy'))).toEqual({
      region: 'us-east-1',
      autoscalingGroupNameSelector: { matchControllerRef: true },
      policyType: 'TargetTrackingScaling',
      estimatedInstanceWarmup: 120,
      targetTrackingConfiguration: {
        predefinedMetricSpecification: {
          predefinedMetricType: 'ALBRequestCountPerTarget',
          resourceLabel: `${ALB_SUFFIX}/${TARGET_GROUP_SUFFIX}`,
        },
        targetValue: 1000,
      },
    });
    // It scales the group this XR composes, whose health-check grace matches the warm-up.
    const groups = next.resources.filter((object) => object.kind === 'AutoscalingGroup');
    expect(groups.map((group) => forProviderOf(group).healthCheckGracePeriod)).toEqual([120]);
  });

  it('CPU: a TradingPlatform asking for it gets the cpu variant in both regions, each policy composed at once at its target', () => {
    const platform = platformWith({
      scaling: { metric: 'ASGAverageCPUUtilization', cpuUtilizationPercent: 65 },
    });
    const { resources } = renderXr(platform, { catalog, recursive: true });
    const computes = resources.filter((object) => object.kind === 'Compute');
    expect(computes.map((compute) => compute.spec?.crossplane)).toEqual(
      REGION_PAIR.map(() => ({
        compositionSelector: { matchLabels: { 'platform.switchyard.dev/scaling-metric': 'cpu' } },
      })),
    );
    expect(resources.filter(isScalingPolicy).map((policy) => forProviderOf(policy))).toEqual(
      REGION_PAIR.map((region) => ({
        region,
        autoscalingGroupNameSelector: { matchControllerRef: true },
        policyType: 'TargetTrackingScaling',
        estimatedInstanceWarmup: 120,
        targetTrackingConfiguration: {
          predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
          targetValue: 65,
        },
      })),
    );
  });

  it('the TradingPlatform passes its request target down to each region’s Compute', () => {
    const { resources } = renderXr(platformWith({ scaling: { requestsPerTarget: 400 } }), {
      catalog,
      recursive: true,
    });
    const computes = resources.filter((object) => object.kind === 'Compute');
    expect(computes.map((compute) => [compute.spec?.region, compute.spec?.scaling])).toEqual(
      REGION_PAIR.map((region) => [
        region,
        { metric: 'ALBRequestCountPerTarget', requestsPerTarget: 400, cpuUtilizationPercent: 50 },
      ]),
    );
  });

  it('a Compute whose metric is not the one its Composition serves fails to render, naming the metric', () => {
    const xr = exampleXr('compute-us-east-1.yaml');
    xr.spec = { ...xr.spec, scaling: { metric: 'ASGAverageCPUUtilization' } };
    expect(() => renderXr(xr, { catalog })).toThrow(/key ASGAverageCPUUtilization is not found in map/);
  });
});

describe('the scaling policy against the schemas', () => {
  const policies = () => {
    const cpu = exampleXr('compute-us-east-2.yaml');
    cpu.spec = {
      ...cpu.spec,
      scaling: { metric: 'ASGAverageCPUUtilization' },
      crossplane: {
        compositionSelector: { matchLabels: { 'platform.switchyard.dev/scaling-metric': 'cpu' } },
      },
    };
    return [...computeReconciles().next.resources, ...renderXr(cpu, { catalog }).resources].filter(
      isScalingPolicy,
    );
  };

  it('without its CRD it still carries what every validated MR of the XR carries, and valid metadata', () => {
    const { next } = computeReconciles();
    const policy = byResourceName(next.resources, 'scaling-policy');
    const attachment = byResourceName(next.resources, 'auto-scaling-attachment');
    const envelope = (object: KubeObject) => ({
      providerConfigRef: object.spec?.providerConfigRef,
      managementPolicies: object.spec?.managementPolicies,
      platform: object.metadata.labels?.['platform.switchyard.dev/platform-id'],
      namespace: object.metadata.namespace,
      ownerReferences: object.metadata.ownerReferences,
    });
    expect(validateObject(catalog, attachment)).toEqual([]);
    expect(envelope(policy)).toEqual(envelope(attachment));
    expect(objectMetaProblems(policy.metadata as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('is valid against the upstream autoscaling Policy CRD, which refuses a broken one', (context) => {
    const crd = fetchedCrds().find((candidate) => candidate.plural === 'policies');
    if (!crd) throw new Error('the autoscaling Policy CRD is not listed in tools/real/upstream-crds.json');
    if (!crd.present) context.skip(notFetchedReason(crd));
    const rendered = policies();
    expect(rendered.map((policy) => regionOf(policy))).toEqual(['us-east-1', 'us-east-2']);
    for (const policy of rendered) expect(validateObject(catalog, policy), resourceName(policy)).toEqual([]);
    const broken = structuredClone(rendered[0] as KubeObject);
    (forProviderOf(broken).targetTrackingConfiguration as Record<string, unknown>).targetValu = 1;
    expect(validateObject(catalog, broken)).toEqual([
      expect.objectContaining({ path: 'spec.forProvider.targetTrackingConfiguration.targetValu' }),
    ]);
  });
});

describe('warm minimum', () => {
  const groups = (platform: KubeObject) =>
    renderXr(platform, { catalog, recursive: true })
      .resources.filter(isManaged)
      .filter((object) => object.kind === 'AutoscalingGroup');

  it('both regions keep 2 instances at least and start with 2; the ceiling is what the derived plan scales a region taking over to', () => {
    const platform = exampleXr('trading-platform.yaml');
    const { standbyDesiredCapacity } = derivePlan(platform).plan.spec.compute;
    expect(
      groups(platform).map((group) => [regionOf(group), group.spec?.initProvider, forProviderOf(group)]),
    ).toEqual(
      REGION_PAIR.map((region) => [
        region,
        { desiredCapacity: 2 },
        expect.objectContaining({ minSize: 2, maxSize: standbyDesiredCapacity }),
      ]),
    );
    expect(standbyDesiredCapacity).toBe(6);
  });

  it('a TradingPlatform’s warmMinimum becomes each region’s floor and initial capacity', () => {
    expect(
      groups(platformWith({ scaling: { warmMinimum: 3 } })).map((group) => [
        group.spec?.initProvider,
        forProviderOf(group).minSize,
      ]),
    ).toEqual(REGION_PAIR.map(() => [{ desiredCapacity: 3 }, 3]));
  });
});
