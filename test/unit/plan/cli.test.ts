/**
 * `switchyard plan`: the must-show (its output passes `switchyard validate -`), the generated
 * examples equal its output, and bad input is one line naming the field, exit 1, nothing written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { runCommand } from '../../../src/cli/commands.js';
import { projectRoot } from '../../../src/schema/paths.js';
import { memoryIo } from '../../support/memory-io.js';

const root = projectRoot();
const example = join(root, 'examples', 'estate', 'trading-platform.yaml');
const dir = mkdtempSync(join(tmpdir(), 'switchyard-plan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(command: string, args: string[], stdin = '') {
  const io = memoryIo(stdin);
  const code = await runCommand([command, ...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** The fields of the example XR the bad-input cases change. */
interface ExampleXr {
  metadata: { namespace?: string };
  spec: { region?: string; regions: Record<string, unknown>; certificateArns?: Record<string, string> };
}

/** The example XR with `edit` applied, written to a file of its own. */
function exampleWith(name: string, edit: (xr: ExampleXr) => void): string {
  const xr: ExampleXr = parse(readFileSync(example, 'utf8'));
  edit(xr);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(xr));
  return file;
}

/** The example XR with its certificate ARNs edited. */
const withCertificates = (name: string, edit: (arns: Record<string, string>) => void) =>
  exampleWith(name, (xr) => {
    xr.spec.certificateArns ??= {};
    edit(xr.spec.certificateArns);
  });

const objectsOf = (text: string) => parseAllDocuments(text).map((d) => d.toJS());

describe('switchyard plan', () => {
  it('prints the plan and a RegionHealth per region and vantage that `switchyard validate -` accepts', async () => {
    const plan = await run('plan', [example]);
    expect(plan).toMatchObject({ code: 0, err: '' });
    expect(objectsOf(plan.out).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'FailoverPlan/trading',
      'RegionHealth/trading-use1-from-cluster-use1',
      'RegionHealth/trading-use1-from-cluster-use2',
      'RegionHealth/trading-use2-from-cluster-use1',
      'RegionHealth/trading-use2-from-cluster-use2',
    ]);
    const validate = await run('validate', ['-'], plan.out);
    expect(validate).toMatchObject({ code: 0, out: '5 documents, 0 invalid\n' });
  });

  it('is what the generated examples hold (examples/failover/{failover-plan,region-health}.yaml)', async () => {
    const { out } = await run('plan', [example]);
    const shipped = ['failover-plan.yaml', 'region-health.yaml'].flatMap((file) =>
      objectsOf(readFileSync(join(root, 'examples', 'failover', file), 'utf8')),
    );
    expect(shipped).toEqual(objectsOf(out));
  });

  it('takes the namespace, the account (when it agrees with the certificates) and the vantages', async () => {
    const { code, out } = await run('plan', [
      example,
      '--namespace',
      'markets',
      '--account-id',
      '123456789012',
      '--vantage',
      'external-usw2',
    ]);
    expect(code).toBe(0);
    const objects = objectsOf(out);
    expect(objects.every((o) => o.metadata.namespace === 'markets')).toBe(true);
    expect(objects.slice(1).map((o) => o.spec.vantage)).toEqual(['external-usw2', 'external-usw2']);
  });

  it.each([
    {
      name: 'a region outside the pair',
      file: () =>
        exampleWith('west', (xr) => {
          xr.spec.regions['us-west-2'] = xr.spec.regions['us-east-2'];
          delete xr.spec.regions['us-east-2'];
        }),
      args: [],
      line: /: spec\.regions\.us-west-2: unknown field$/,
    },
    {
      name: 'an owner region outside the pair',
      file: () => exampleWith('owner', (xr) => (xr.spec.region = 'us-west-2')),
      args: [],
      line: /: spec\.region: region must be one of the platform's region pair \(us-east-1, us-east-2\)$/,
    },
    {
      name: 'no account id (no certificate ARNs to read it from)',
      file: () => exampleWith('no-account', (xr) => delete xr.spec.certificateArns),
      args: [],
      line: /: spec\.certificateArns: required$/,
    },
    {
      name: 'a certificate for a region outside the pair, none for us-east-2 (no account for it)',
      file: () =>
        withCertificates('cert-west', (arns) => {
          arns['us-west-2'] = (arns['us-east-2'] ?? '').replace('us-east-2', 'us-west-2');
          delete arns['us-east-2'];
        }),
      args: [],
      line: /: spec\.certificateArns\.us-east-2: required$/,
    },
    {
      name: 'a certificate ARN without an account id',
      file: () =>
        withCertificates('cert-no-account', (arns) => {
          arns['us-east-1'] = (arns['us-east-1'] ?? '').replace(':123456789012:', '::');
        }),
      args: [],
      line: /: spec\.certificateArns\.us-east-1: must be the ARN of an ACM certificate in us-east-1, such as arn:aws:acm:us-east-1:123456789012:certificate\//,
    },
    {
      name: 'no spec at all',
      file: () => exampleWith('no-spec', (xr) => Reflect.deleteProperty(xr, 'spec')),
      args: [],
      line: /: spec: required$/,
    },
    {
      name: 'an account id that is not 12 digits',
      file: () => example,
      args: ['--account-id', '1234'],
      line: /: --account-id: must be a 12-digit AWS account id, got "1234"$/,
    },
    {
      name: 'an account id the certificates are not from',
      file: () => example,
      args: ['--account-id', '210987654321'],
      line: /: --account-id: 210987654321 differs from 123456789012, the account of spec\.certificateArns/,
    },
    {
      name: 'certificates of two accounts',
      file: () =>
        withCertificates('two-accounts', (arns) => {
          arns['us-east-2'] = (arns['us-east-2'] ?? '').replace('123456789012', '210987654321');
        }),
      args: [],
      line: /: spec\.certificateArns\.us-east-2: account 210987654321 differs from 123456789012/,
    },
    {
      name: 'no namespace',
      file: () => exampleWith('no-namespace', (xr) => delete xr.metadata.namespace),
      args: [],
      line: /: --namespace: required: the XR has no metadata\.namespace; pass one$/,
    },
    {
      name: 'another kind of XR',
      file: () => join(root, 'examples', 'estate', 'traffic.yaml'),
      args: [],
      line: /: kind: must be a TradingPlatform \(apiVersion platform\.switchyard\.dev\/v1alpha1\)$/,
    },
    {
      name: 'a file that does not exist',
      file: () => join(dir, 'missing.yaml'),
      args: [],
      line: /missing\.yaml: cannot read/,
    },
  ])('$name: one line naming the field, exit 1, nothing written', async ({ file, args, line }) => {
    const { code, out, err } = await run('plan', [file(), ...args]);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err.trimEnd().split('\n')).toHaveLength(1);
    expect(err.trimEnd()).toMatch(/^switchyard plan: /);
    expect(err.trimEnd()).toMatch(line);
  });

  it('usage errors exit 2', async () => {
    expect((await run('plan', [])).code).toBe(2);
    expect((await run('plan', [example, '--colour', 'blue'])).code).toBe(2);
  });
});
