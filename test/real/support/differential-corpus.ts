import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  kindsWithoutRegion,
  type ProviderKindCase,
  providerKindCases,
  providerObject,
} from '../../fixtures/validator/provider-kinds.js';
import type { CrdDocument } from './crds.js';
import { repoRoot } from './paths.js';

/**
 * The objects on which the project validator and the real apiserver must agree (accept/refuse).
 * Built from the validator engineer's fixtures (provider kind table, provider-upjet-aws examples)
 * and our examples, plus mutated copies. `expected` is what a careful reader of the CRD expects;
 * the differential test compares the two engines with each other, and this field only documents
 * intent (a case where both engines agree but differ from `expected` is reported too).
 */
export interface DifferentialCase {
  name: string;
  object: Record<string, unknown>;
  expected: 'accept' | 'refuse';
}

type Json = Record<string, unknown>;

const clone = <T>(value: T): T => structuredClone(value);

function withSpec(object: Json, change: (spec: Json) => void): Json {
  const copy = clone(object);
  change(copy.spec as Json);
  return copy;
}

/** Valid and invalid objects for every namespaced provider-aws kind (from test/fixtures/validator). */
export function providerKindCorpus(): DifferentialCase[] {
  const cases: DifferentialCase[] = [];
  for (const testCase of providerKindCases) {
    const id = `${testCase.group}/${testCase.kind}`;
    const valid = providerObject(testCase) as Json;
    cases.push({ name: `${id} minimal`, object: valid, expected: 'accept' });
    cases.push({
      name: `${id} unknown field in forProvider`,
      object: providerObject(testCase, { ...testCase.forProvider, colour: 'blue' }) as Json,
      expected: 'refuse',
    });
    cases.push({
      name: `${id} managementPolicies outside the enum`,
      object: withSpec(valid, (spec) => {
        spec.managementPolicies = ['Sometimes'];
      }),
      expected: 'refuse',
    });
    cases.push({
      name: `${id} managementPolicies of the wrong type`,
      object: withSpec(valid, (spec) => {
        spec.managementPolicies = 'All';
      }),
      expected: 'refuse',
    });
    cases.push(...celRequiredCases(testCase, valid));
    if (!kindsWithoutRegion.has(testCase.kind)) {
      const { region: _removed, ...rest } = testCase.forProvider;
      cases.push({
        name: `${id} missing region`,
        object: providerObject(testCase, rest) as Json,
        expected: 'refuse',
      });
    }
  }
  return cases;
}

function celRequiredCases(testCase: ProviderKindCase, valid: Json): DifferentialCase[] {
  const parameter = testCase.celRequired;
  if (!parameter) return [];
  const id = `${testCase.group}/${testCase.kind}`;
  const { [parameter]: value, ...rest } = testCase.forProvider;
  const missing = providerObject(testCase, rest) as Json;
  return [
    { name: `${id} missing CEL-required ${parameter}`, object: missing, expected: 'refuse' },
    {
      name: `${id} ${parameter} from initProvider`,
      object: withSpec(missing, (spec) => {
        spec.initProvider = { [parameter]: value };
      }),
      expected: 'accept',
    },
    {
      name: `${id} observe-only without ${parameter}`,
      object: withSpec(missing, (spec) => {
        spec.managementPolicies = ['Observe'];
      }),
      expected: 'accept',
    },
    {
      name: `${id} valid ${parameter} but spec.forProvider wrong type`,
      object: withSpec(valid, (spec) => {
        spec.forProvider = 'everything';
      }),
      expected: 'refuse',
    },
  ];
}

/** aws.m.upbound.io ProviderConfig / ClusterProviderConfig (same cases as the validator's tests). */
export function providerConfigCorpus(): DifferentialCase[] {
  const cases: DifferentialCase[] = [];
  for (const kind of ['ProviderConfig', 'ClusterProviderConfig']) {
    const object = (spec: unknown): Json => ({
      apiVersion: 'aws.m.upbound.io/v1beta1',
      kind,
      metadata: kind === 'ProviderConfig' ? { name: 'default', namespace: 'platform' } : { name: 'default' },
      spec,
    });
    const limiter = (baseDelay: string, maxDelay: string) =>
      object({
        credentials: { source: 'IRSA' },
        reconciliationPolicy: { exponentialFailureRateLimiter: { baseDelay, maxDelay } },
      });
    cases.push(
      { name: `${kind} IRSA`, object: object({ credentials: { source: 'IRSA' } }), expected: 'accept' },
      { name: `${kind} missing credentials`, object: object({}), expected: 'refuse' },
      {
        name: `${kind} credentials source outside enum`,
        object: object({ credentials: { source: 'Magic' } }),
        expected: 'refuse',
      },
      {
        name: `${kind} unknown field`,
        object: object({ credentials: { source: 'IRSA' }, region: 'us-east-1' }),
        expected: 'refuse',
      },
      { name: `${kind} rate limiter 2s/5m`, object: limiter('2s', '5m'), expected: 'accept' },
      { name: `${kind} rate limiter baseDelay 500ms`, object: limiter('500ms', '5m'), expected: 'refuse' },
      { name: `${kind} rate limiter maxDelay 30s`, object: limiter('2s', '30s'), expected: 'refuse' },
    );
  }
  return cases;
}

function yamlObjects(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => document.toJS() as unknown)
    .filter((value): value is Json => typeof value === 'object' && value !== null);
}

/** provider-upjet-aws v2.6.0's published examples (test/fixtures/upstream-examples), all valid. */
export function upstreamExampleCorpus(): DifferentialCase[] {
  const dir = join(repoRoot, 'test/fixtures/upstream-examples');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      yamlObjects(join(dir, file)).map((object, index) => ({
        name: `upstream example ${file}#${index} ${String(object.kind)}`,
        object,
        expected: 'accept' as const,
      })),
    );
}

/**
 * Our examples (valid) plus copies broken in ways derived from the CRD schema: an unknown field, a
 * spec of the wrong type, an invalid name, each required spec field removed, and each enum,
 * minimum, pattern and maxLength constraint on a field the example sets, violated.
 */
export function ourKindCorpus(crds: CrdDocument[]): DifferentialCase[] {
  const dir = join(repoRoot, 'examples/failover');
  const cases: DifferentialCase[] = [];
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()) {
    for (const object of yamlObjects(join(dir, file))) {
      const id = `${file} ${String(object.kind)}`;
      cases.push({ name: `${id} as published`, object, expected: 'accept' });
      cases.push({
        name: `${id} unknown spec field`,
        object: withSpec(object, (spec) => {
          spec.colour = 'blue';
        }),
        expected: 'refuse',
      });
      cases.push({
        name: `${id} spec is a string`,
        object: { ...clone(object), spec: 'everything' },
        expected: 'refuse',
      });
      const badName = clone(object);
      (badName.metadata as Json).name = 'Not_A_DNS_Name';
      cases.push({ name: `${id} invalid metadata.name`, object: badName, expected: 'refuse' });
      const labelled = clone(object);
      (labelled.metadata as Json).labels = { 'app.kubernetes.io/part-of': 'switchyard' };
      cases.push({ name: `${id} with a valid label`, object: labelled, expected: 'accept' });
      const badLabel = clone(object);
      (badLabel.metadata as Json).labels = { team: 'trading desk!' };
      cases.push({ name: `${id} invalid label value`, object: badLabel, expected: 'refuse' });

      const specSchema = specSchemaOf(crds, object);
      if (specSchema) cases.push(...schemaViolations(id, object, specSchema));
    }
  }
  cases.push(...failoverRuleCases(dir));
  return cases;
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maxLength?: number;
  pattern?: string;
}

function specSchemaOf(crds: CrdDocument[], object: Json): SchemaNode | undefined {
  const [group, version] = String(object.apiVersion).split('/');
  const crd = crds.find(
    (candidate) => candidate.spec.group === group && candidate.spec.names.kind === object.kind,
  );
  const versions = (
    crd?.spec as { versions?: { name: string; schema: { openAPIV3Schema: SchemaNode } }[] } | undefined
  )?.versions;
  return versions?.find((candidate) => candidate.name === version)?.schema.openAPIV3Schema.properties?.spec;
}

/** One broken copy per constraint found on a field (objects only, arrays' first item) the example sets. */
function schemaViolations(id: string, object: Json, specSchema: SchemaNode): DifferentialCase[] {
  const cases: DifferentialCase[] = [];
  const visit = (schema: SchemaNode, path: (string | number)[], value: unknown) => {
    const at = `spec${path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')}`;
    const broken = (label: string, replacement: unknown) =>
      cases.push({
        name: `${id} ${at} ${label}`,
        object: replaceAt(object, ['spec', ...path], replacement),
        expected: 'refuse',
      });
    if (schema.enum && typeof value === 'string') broken('outside its enum', 'NotAValue');
    if (schema.minimum !== undefined && typeof value === 'number')
      broken('below its minimum', schema.minimum - 1);
    if (schema.pattern && typeof value === 'string') broken('not matching its pattern', '!! not valid !!');
    if (schema.maxLength !== undefined && typeof value === 'string')
      broken('longer than maxLength', 'x'.repeat(schema.maxLength + 1));
    if (schema.type === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const required of schema.required ?? []) {
        if (required in value) {
          cases.push({
            name: `${id} ${at}.${required} removed (required)`,
            object: removeAt(object, ['spec', ...path, required]),
            expected: 'refuse',
          });
        }
      }
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        if (key in value) visit(child, [...path, key], (value as Json)[key]);
      }
    }
    if (schema.type === 'array' && Array.isArray(value) && value.length > 0 && schema.items) {
      visit(schema.items, [...path, 0], value[0]);
    }
  };
  visit(specSchema, [], object.spec);
  return cases;
}

function replaceAt(object: Json, path: (string | number)[], replacement: unknown): Json {
  const copy = clone(object);
  let node: unknown = copy;
  for (const part of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[part];
  (node as Record<string | number, unknown>)[path[path.length - 1] as string | number] = replacement;
  return copy;
}

function removeAt(object: Json, path: (string | number)[]): Json {
  const copy = clone(object);
  let node: unknown = copy;
  for (const part of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[part];
  delete (node as Record<string | number, unknown>)[path[path.length - 1] as string | number];
  return copy;
}

/** The Failover CRD's cross-field CEL rules, each satisfied and violated once. */
function failoverRuleCases(dir: string): DifferentialCase[] {
  const [switchover] = yamlObjects(join(dir, 'failover-switchover.yaml'));
  const [drill] = yamlObjects(join(dir, 'failover-dry-run.yaml'));
  if (!switchover || !drill) return [];
  return [
    {
      name: 'Failover rule: allowDataLoss on a Switchover',
      object: withSpec(switchover, (spec) => {
        spec.allowDataLoss = true;
      }),
      expected: 'refuse',
    },
    {
      name: 'Failover rule: allowDataLoss false on a Switchover',
      object: withSpec(switchover, (spec) => {
        spec.allowDataLoss = false;
      }),
      expected: 'accept',
    },
    {
      name: 'Failover rule: a dry run with an approval',
      object: withSpec(drill, (spec) => {
        spec.approval = { approvedBy: 'oncall', approvedAt: '2026-11-25T03:12:00Z' };
      }),
      expected: 'refuse',
    },
  ];
}
