/** Runtime validation: the examples parse, and errors name the field path in apiserver style. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { ResourceValidationError } from '../../../src/apis/define.js';
import {
  checkTargetRegion,
  type FailoverInput,
  FailoverPlanResource,
  FailoverResource,
  RegionHealthResource,
} from '../../../src/apis/index.js';
import { structuralProblems } from '../../../src/schema/ajv-validator.js';
import { definitionVersions } from '../../../src/schema/catalog.js';
import { applyDefaults } from '../../support/crd-cel.js';

const resourcesByKind = new Map<
  string,
  typeof FailoverResource | typeof FailoverPlanResource | typeof RegionHealthResource
>(
  [FailoverPlanResource, FailoverResource, RegionHealthResource].map((resource) => [resource.kind, resource]),
);

const exampleDir = new URL('../../../examples/failover/', import.meta.url);
const exampleDocuments = readdirSync(exampleDir)
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) =>
    parseAllDocuments(readFileSync(new URL(name, exampleDir), 'utf8')).map((doc, index) => ({
      name: `${name}#${index}`,
      object: doc.toJS() as { kind: string; spec: Record<string, unknown> },
    })),
  );

const switchover: FailoverInput = {
  apiVersion: 'failover.switchyard.dev/v1alpha1',
  kind: 'Failover',
  metadata: { name: 'move', namespace: 'trading' },
  spec: { planRef: { name: 'trading' }, type: 'Switchover', targetRegion: 'us-east-2' },
};

function issuesOf(value: unknown) {
  const result = FailoverResource.safeParse(value);
  return result.success ? [] : result.issues.map((issue) => `${issue.path}: ${issue.message}`);
}

describe('examples', () => {
  it('cover a plan, a switchover, an unplanned failover, a dry run and 2 regions × 2 vantages', () => {
    const kinds = exampleDocuments.map(({ object }) => object.kind);
    expect(kinds.filter((kind) => kind === 'FailoverPlan')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'RegionHealth')).toHaveLength(4);
    const failovers = exampleDocuments
      .filter(({ object }) => object.kind === 'Failover')
      .map(({ object }) => object.spec);
    expect(failovers).toContainEqual(expect.objectContaining({ type: 'Switchover' }));
    expect(failovers).toContainEqual(expect.objectContaining({ type: 'Failover', allowDataLoss: true }));
    expect(failovers).toContainEqual(expect.objectContaining({ dryRun: true }));
    const vantages = exampleDocuments
      .filter(({ object }) => object.kind === 'RegionHealth')
      .map(({ object }) => `${object.spec.region}/${object.spec.vantage}`);
    expect(new Set(vantages).size).toBe(4);
  });

  it.each(exampleDocuments)('$name is valid', ({ object }) => {
    const resource = resourcesByKind.get(object.kind);
    expect(resource, object.kind).toBeDefined();
    const result = resource?.safeParse(object);
    expect(result?.success ? [] : result?.issues).toEqual([]);
  });

  it('target the regions of the example plan', () => {
    const plan = FailoverPlanResource.parse(
      exampleDocuments.find(({ object }) => object.kind === 'FailoverPlan')?.object,
    );
    for (const { object } of exampleDocuments.filter((doc) => doc.object.kind === 'Failover')) {
      expect(checkTargetRegion(FailoverResource.parse(object).spec, plan.spec)).toBeUndefined();
    }
  });
});

describe('parse errors', () => {
  it('apply defaults on success', () => {
    const failover = FailoverResource.parse(switchover);
    expect(failover.spec).toMatchObject({ allowDataLoss: false, dryRun: false });
  });

  it('name the path and the allowed values of an enum', () => {
    expect(issuesOf({ ...switchover, spec: { ...switchover.spec, type: 'Flip' } })).toEqual([
      'spec.type: must be one of "Switchover", "Failover"',
    ]);
  });

  it('name a missing required field', () => {
    const { targetRegion: _omitted, ...spec } = switchover.spec;
    expect(issuesOf({ ...switchover, spec })).toEqual(['spec.targetRegion: required']);
  });

  it('explain a pattern in words', () => {
    expect(issuesOf({ ...switchover, spec: { ...switchover.spec, targetRegion: 'US East' } })).toEqual([
      'spec.targetRegion: must be an AWS region name such as us-east-1',
    ]);
  });

  it('refuse unknown fields (the apiserver would silently prune them)', () => {
    expect(issuesOf({ ...switchover, spec: { ...switchover.spec, targetRegoin: 'us-east-2' } })).toEqual([
      'spec.targetRegoin: unknown field',
    ]);
  });

  it('index into lists and name wrong types', () => {
    const status = {
      journal: [
        { name: 'preflight', state: 'Succeeded' },
        { name: 'fence', state: 'Running', attempts: 'two' },
      ],
    };
    expect(issuesOf({ ...switchover, status })).toEqual([
      'status.journal[1].attempts: must be a number, got string',
    ]);
  });

  it('refuse a duplicate list-map key', () => {
    const status = {
      journal: [
        { name: 'fence', state: 'Succeeded' },
        { name: 'fence', state: 'Running' },
      ],
    };
    expect(issuesOf({ ...switchover, status })).toEqual([
      'status.journal[1]: duplicate entry with name ["fence"]',
    ]);
  });

  it('name bounds', () => {
    const plan = exampleDocuments.find(({ object }) => object.kind === 'FailoverPlan')?.object;
    const tooFew = structuredClone(plan) as unknown as { spec: { automatic: Record<string, unknown> } };
    tooFew.spec.automatic.minimumVantagePoints = 1;
    const result = FailoverPlanResource.safeParse(tooFew);
    expect(result.success ? [] : result.issues).toEqual([
      { path: 'spec.automatic.minimumVantagePoints', message: 'must be >= 2' },
    ]);
  });

  it('refuse the wrong apiVersion or kind', () => {
    expect(issuesOf({ ...switchover, apiVersion: 'failover.switchyard.dev/v1' })).toEqual([
      'apiVersion: must be "failover.switchyard.dev/v1alpha1"',
    ]);
  });

  it('throw a ResourceValidationError listing every problem from parse()', () => {
    const broken = { ...switchover, spec: { ...switchover.spec, type: 'Flip', targetRegion: '' } };
    expect(() => FailoverResource.parse(broken)).toThrow(ResourceValidationError);
    expect(() => FailoverResource.parse(broken)).toThrow(
      /invalid Failover:\n {2}spec\.type: .*\n {2}spec\.targetRegion: /,
    );
  });
});

describe('cross-object checks (reported by the controller, not the CRD)', () => {
  it('report a target region outside the plan', () => {
    const plan = FailoverPlanResource.parse(
      exampleDocuments.find(({ object }) => object.kind === 'FailoverPlan')?.object,
    );
    const failover = FailoverResource.parse({
      ...switchover,
      spec: { ...switchover.spec, targetRegion: 'eu-west-1' },
    });
    expect(checkTargetRegion(failover.spec, plan.spec)).toBe(
      'targetRegion eu-west-1 is not a region of plan trading (us-east-1, us-east-2)',
    );
  });
});

describe('automatic.signalPolicy, in the zod schema and the CRD generated from it', () => {
  const crd = FailoverPlanResource.crd();
  const [crdVersion] = definitionVersions([crd], 'FailoverPlan CRD');
  const openApiSchema = crd.spec.versions[0]?.schema.openAPIV3Schema;
  if (!crdVersion || !openApiSchema) throw new Error('the generated FailoverPlan CRD has no schema');
  const examplePlan = () =>
    structuredClone(
      exampleDocuments.find(({ object }) => object.kind === 'FailoverPlan')?.object,
    ) as unknown as {
      spec: { automatic: Record<string, unknown> };
    };
  const withPolicy = (policy: string | undefined) => {
    const plan = examplePlan();
    if (policy === undefined) delete plan.spec.automatic.signalPolicy;
    else plan.spec.automatic.signalPolicy = policy;
    return plan;
  };

  it('defaults to All on both sides when a plan leaves it out', () => {
    const plan = withPolicy(undefined);
    expect(FailoverPlanResource.parse(plan).spec.automatic.signalPolicy).toBe('All');
    const defaulted = applyDefaults(openApiSchema, plan) as ReturnType<typeof examplePlan>;
    expect(defaulted.spec.automatic.signalPolicy).toBe('All');
  });

  it.each(['All', 'Any'])('accepts %s on both sides', (policy) => {
    const plan = withPolicy(policy);
    expect(FailoverPlanResource.safeParse(plan).success).toBe(true);
    expect(structuralProblems(plan, crdVersion)).toEqual([]);
  });

  it('refuses an unknown policy on both sides, naming the allowed values', () => {
    const plan = withPolicy('Majority');
    const result = FailoverPlanResource.safeParse(plan);
    expect(result.success ? [] : result.issues).toEqual([
      { path: 'spec.automatic.signalPolicy', message: 'must be one of "All", "Any"' },
    ]);
    expect(structuralProblems(plan, crdVersion)).toEqual([
      {
        path: 'spec.automatic.signalPolicy',
        message: 'Unsupported value: "Majority": supported values: "All", "Any"',
        blocksRules: true,
      },
    ]);
  });
});
