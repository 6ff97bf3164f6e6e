/**
 * The controller's IAM in the estate (ControllerAccess, ADR 0012). The policy the TradingPlatform
 * renders is the one derived from controllers/aws/permissions.ts and the resources of the
 * FailoverPlan derived from the same XR (src/plan): a cross-check between the composition's P&T
 * strings and the TypeScript derivation. Each region gets its own role with its trust (a trust
 * principal of the wrong shape is refused by the XRD: bad-input.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { controllerPolicy, planResources } from '../../../controllers/aws/policy.js';
import type { KubeObject } from '../../../local/crossplane/render/index.js';
import { FailoverPlanResource } from '../../../src/apis/index.js';
import { GATE_ALARM } from '../../../src/estate/traffic/gate.js';
import { derivePlan } from '../../../src/plan/derive.js';
import { SchemaCatalog } from '../../../src/schema/catalog.js';
import { examplesDir, renderExample, resourceName } from '../../support/estate.js';

const catalog = SchemaCatalog.load();
const example = (name: string) => parse(readFileSync(join(examplesDir, name), 'utf8'));

const composedBy = (resources: KubeObject[], kind: string, name: string) => {
  const found = resources.find((r) => r.kind === kind && resourceName(r) === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const forProvider = (object: KubeObject) => (object.spec?.forProvider ?? {}) as Record<string, string>;
const externalName = (object: KubeObject) => object.metadata.annotations?.['crossplane.io/external-name'];

describe('the controller’s IAM in the estate', () => {
  const platform = example('trading-platform.yaml');
  const { resources } = renderExample(join(examplesDir, 'trading-platform.yaml'), {
    catalog,
    recursive: true,
  });

  it('the TradingPlatform’s policy is exactly the permissions list on the derived plan’s resources', () => {
    const { plan, regionHealths } = derivePlan(platform);
    const probeAlarms = regionHealths.flatMap((health) =>
      health.spec.probes.flatMap((probe) =>
        probe.cloudWatchAlarm
          ? [{ region: health.spec.region, alarmName: probe.cloudWatchAlarm.alarmName }]
          : [],
      ),
    );
    const expected = controllerPolicy(
      planResources(FailoverPlanResource.parse(plan).spec, {
        probeAlarms,
        switchMetricNamespace: GATE_ALARM.namespace,
      }),
    );
    const policy = composedBy(resources, 'Policy', 'policy');
    expect(JSON.parse(forProvider(policy).policy ?? '')).toEqual(expected);
    expect(externalName(policy)).toBe('trading-switchyard-controller');
  });

  it('composes one role per region (EKS Pod Identity by default), each attached to that policy', () => {
    for (const region of ['us-east-1', 'us-east-2']) {
      const role = composedBy(resources, 'Role', `role-${region}`);
      expect(externalName(role)).toBe(`trading-switchyard-controller-${region}`);
      expect(JSON.parse(forProvider(role).assumeRolePolicy ?? '')).toEqual({
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
      const attachment = composedBy(resources, 'RolePolicyAttachment', `role-policy-${region}`);
      expect(attachment.spec?.forProvider).toMatchObject({
        roleSelector: { matchControllerRef: true, matchLabels: { 'platform.switchyard.dev/region': region } },
        policyArnSelector: { matchControllerRef: true },
      });
    }
  });

  it('IRSA: each region’s role trusts its cluster’s OIDC provider for the controller’s service account only', () => {
    const irsa = renderExample(join(examplesDir, 'controller-access-irsa.yaml'), { catalog });
    const xr = example('controller-access-irsa.yaml');
    for (const region of ['us-east-1', 'us-east-2'] as const) {
      const issuer: string = xr.spec.oidcProviders[region];
      const role = composedBy(irsa.resources, 'Role', `role-${region}`);
      expect(JSON.parse(forProvider(role).assumeRolePolicy ?? '')).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Irsa',
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${issuer}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                [`${issuer}:sub`]: 'system:serviceaccount:switchyard-system:switchyard-controller',
                [`${issuer}:aud`]: 'sts.amazonaws.com',
              },
            },
          },
        ],
      });
    }
  });

  it('an XR whose trust does not match the selected variant fails to render', () => {
    const xr = example('controller-access-irsa.yaml');
    delete xr.spec.crossplane;
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-controller-access-'));
    try {
      const file = join(dir, 'mismatch.yaml');
      writeFileSync(file, JSON.stringify(xr));
      // The default (pod-identity) variant's guard refuses an IRSA XR.
      expect(() => renderExample(file, { catalog })).toThrow(/IRSA/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
