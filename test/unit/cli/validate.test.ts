import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/cli/commands.js';
import { validateInputs } from '../../../src/cli/validate.js';
import { memoryIo } from '../../support/memory-io.js';

const vpc = (name: string, extra = '') => `apiVersion: ec2.aws.m.upbound.io/v1beta1
kind: VPC
metadata:
  name: ${name}
  namespace: platform
spec:
  forProvider:
    region: us-east-1
    cidrBlock: 10.0.0.0/16${extra}
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-validate-'));
  writeFileSync(join(dir, 'good.yaml'), `${vpc('a')}---\n${vpc('b')}`);
  writeFileSync(join(dir, 'unknown-field.yaml'), vpc('c', '\n    colour: blue'));
  writeFileSync(join(dir, 'malformed.yaml'), `${vpc('d')}---\nkind: [unclosed\n`);
  writeFileSync(
    join(dir, 'unknown-kind.yaml'),
    'apiVersion: ec2.aws.m.upbound.io/v1beta1\nkind: Gizmo\nmetadata: {name: g}\n',
  );
  writeFileSync(
    join(dir, 'unknown-group.yaml'),
    'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
  );
  writeFileSync(
    join(dir, 'unserved.yaml'),
    'apiVersion: ec2.aws.m.upbound.io/v1beta9\nkind: VPC\nmetadata: {name: v}\n',
  );
  writeFileSync(join(dir, 'empty.yaml'), '# nothing here\n');
  writeFileSync(join(dir, 'scalar.yaml'), 'just a string\n');
});

async function run(args: string[], stdin = '') {
  const io = memoryIo(stdin);
  const code = await runCommand(['validate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('switchyard validate', () => {
  it('exits 0 with a summary when every document is valid', async () => {
    const { code, out } = await run([join(dir, 'good.yaml')]);
    expect(code).toBe(0);
    expect(out).toBe('2 documents, 0 invalid\n');
  });

  it('prints file:doc kind/name path: message for each problem and exits 1', async () => {
    const file = join(dir, 'unknown-field.yaml');
    const { code, out } = await run([file]);
    expect(code).toBe(1);
    expect(out).toBe(
      `${file}:0 VPC/c spec.forProvider.colour: unknown field "colour"\n1 document, 1 invalid\n`,
    );
  });

  it.each([
    ['malformed.yaml', /:1: invalid YAML in document 1: /],
    [
      'unknown-kind.yaml',
      /:0 Gizmo\/g: no schema for kind "Gizmo" in group "ec2.aws.m.upbound.io" \(known: .*VPC/,
    ],
    [
      'unknown-group.yaml',
      /:0 Widget\/w: unknown apiVersion "example.com\/v1": no schema for group "example.com"/,
    ],
    [
      'unserved.yaml',
      /:0 VPC\/v: unknown apiVersion "ec2.aws.m.upbound.io\/v1beta9" for kind VPC \(served: v1beta1\)/,
    ],
    ['empty.yaml', /:0: no YAML documents \(empty file\)/],
    ['scalar.yaml', /:0: not a Kubernetes object \(expected a YAML mapping\)/],
  ])('reports %s in one line naming file and document, without a stack trace', async (name, pattern) => {
    const file = join(dir, name);
    const { code, out, err } = await run([file]);
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]?.startsWith(`${file}:`)).toBe(true);
    expect(lines[0]).toMatch(pattern);
    expect(lines.at(-1)).toMatch(/^\d+ documents?, \d+ invalid$/);
    expect(`${out}${err}`).not.toMatch(/\n\s+at /);
  });

  it('reports a missing file and keeps checking the others', async () => {
    const missing = join(dir, 'nope.yaml');
    const { code, out } = await run([missing, join(dir, 'good.yaml')]);
    expect(code).toBe(1);
    expect(out).toBe(`${missing}:0: no such file or directory\n3 documents, 1 invalid\n`);
  });

  it('walks directories for *.yaml files', async () => {
    const { code, out } = await run([dir]);
    expect(code).toBe(1);
    expect(out).toMatch(/^9 documents, 7 invalid$/m);
  });

  it('reads standard input for "-"', async () => {
    const good = await run(['-'], vpc('from-stdin'));
    expect(good).toMatchObject({ code: 0, out: '1 document, 0 invalid\n' });
    const bad = await run(['-'], vpc('from-stdin', '\n    colour: blue'));
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/^<stdin>:0 VPC\/from-stdin spec.forProvider.colour: unknown field "colour"$/m);
  });

  it('prints usage and exits 2 without arguments', async () => {
    const { code, err } = await run([]);
    expect(code).toBe(2);
    expect(err).toMatch(/^usage: switchyard validate/);
  });
});

describe('switchyard validate on custom resources and built-in kinds together', () => {
  const builtins = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: switchyard-controller
  namespace: switchyard-system
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: switchyard-controller
  namespace: switchyard-system
spec:
  replicas: 2
  selector:
    matchLabels: {app: switchyard}
  template:
    metadata:
      labels: {app: switchyard}
    spec:
      serviceAccountName: switchyard-controller
      containers:
        - name: controller
          image: ghcr.io/switchyard/controller:0.1.0
          resources: {requests: {cpu: 100m, memory: 256Mi}}
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: switchyard-controller-us-east-1
  namespace: switchyard-system
spec:
  holderIdentity: switchyard-controller-0
  leaseDurationSeconds: 15
`;
  const failoverPlan = readFileSync(
    join(import.meta.dirname, '../../../examples/failover/failover-plan.yaml'),
    'utf8',
  );

  it('exits 0 on one file mixing provider and Switchyard custom resources with core, apps and coordination kinds', async () => {
    const mixed = join(mkdtempSync(join(tmpdir(), 'switchyard-mixed-')), 'mixed.yaml');
    writeFileSync(mixed, `${vpc('a')}---\n${builtins}---\n${failoverPlan}`);
    const { code, out } = await run([mixed]);
    expect(out).toBe('5 documents, 0 invalid\n');
    expect(code).toBe(0);
  });

  it('names the file, document and field of a mistake in a built-in kind among them', async () => {
    const { code, out } = await run(
      ['-'],
      `${vpc('a')}---\n${builtins.replace('replicas: 2', 'replicas: two')}`,
    );
    expect(code).toBe(1);
    expect(out).toBe(
      '<stdin>:2 Deployment/switchyard-controller spec.replicas: Invalid value: "two": must be of type integer\n' +
        '4 documents, 1 invalid\n',
    );
  });
});

describe('validateInputs (library)', () => {
  it('returns structured problems', () => {
    const result = validateInputs([join(dir, 'unknown-field.yaml')]);
    expect(result).toMatchObject({ files: 1, documents: 1, invalidDocuments: 1 });
    expect(result.problems).toEqual([
      {
        file: join(dir, 'unknown-field.yaml'),
        documentIndex: 0,
        kind: 'VPC',
        name: 'c',
        path: 'spec.forProvider.colour',
        message: 'unknown field "colour"',
      },
    ]);
  });
});
