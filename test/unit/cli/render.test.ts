/**
 * `switchyard render` checks its XR against the XRD before rendering: an XR the apiserver would
 * refuse is one line per problem naming the field, in `switchyard validate`'s words, exit 1, and
 * nothing on stdout.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCommand } from '../../../src/cli/commands.js';
import { examplesDir } from '../../support/estate.js';
import { memoryIo } from '../../support/memory-io.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-render-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(command: string, args: string[]) {
  const io = memoryIo();
  const code = await runCommand([command, ...args], io);
  return { code, out: io.out(), err: io.err() };
}

type Spec = Record<string, unknown> & { regions?: Record<string, unknown> };

/** An example XR with `edit` applied to its spec, written to a file of its own. */
function exampleWith(example: string, name: string, edit: (spec: Spec) => void): string {
  const xr: { spec: Spec } = parse(readFileSync(join(examplesDir, example), 'utf8'));
  edit(xr.spec);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(xr));
  return file;
}

/** `switchyard validate`'s lines for the file that name a field (not the summary, not the note). */
async function validateLines(file: string): Promise<string[]> {
  const { out } = await run('validate', [file]);
  return out
    .trimEnd()
    .split('\n')
    .filter(
      (line) => line.startsWith(`${file}:0 `) && !line.includes('some validation rules were not checked'),
    );
}

describe('switchyard render of an XR its XRD refuses', () => {
  it.each([
    {
      name: 'a /24 network',
      file: () =>
        exampleWith('network-us-east-1.yaml', 'slash24', (spec) => (spec.cidrBlock = '10.0.0.0/24')),
      line: /:0 Network\/trading-use1 spec\.cidrBlock: cidrBlock must be an IPv4 \/16 CIDR such as 10\.0\.0\.0\/16 \(subnets are carved as \/24s from it\)$/,
    },
    {
      name: 'a region outside the pair',
      file: () => exampleWith('network-us-east-1.yaml', 'eu-west-1', (spec) => (spec.region = 'eu-west-1')),
      line: /:0 Network\/trading-use1 spec\.region: region must be one of the platform's region pair \(us-east-1, us-east-2\)$/,
    },
    {
      name: 'a missing input',
      file: () => exampleWith('network-us-east-1.yaml', 'no-cidr', (spec) => delete spec.cidrBlock),
      line: /:0 Network\/trading-use1 spec\.cidrBlock: Required value$/,
    },
    {
      name: 'one zone (no Composition variant has one)',
      file: () => exampleWith('network-us-east-1.yaml', 'one-zone', (spec) => (spec.zoneCount = 1)),
      line: /:0 Network\/trading-use1 spec\.zoneCount: zoneCount must be at least 2: one zone cannot survive the loss of a zone$/,
    },
    {
      name: 'a TradingPlatform region outside the pair',
      file: () =>
        exampleWith('trading-platform.yaml', 'platform-west', (spec) => {
          const regions = spec.regions ?? {};
          regions['us-west-2'] = regions['us-east-2'];
          delete regions['us-east-2'];
        }),
      line: /:0 TradingPlatform\/trading spec\.regions\.us-west-2: unknown field "us-west-2"$/,
    },
    {
      name: 'a TradingPlatform /24 region',
      file: () =>
        exampleWith('trading-platform.yaml', 'platform-slash24', (spec) => {
          spec.regions = { ...spec.regions, 'us-east-2': { cidrBlock: '10.1.0.0/24' } };
        }),
      line: /:0 TradingPlatform\/trading spec\.regions\.us-east-2\.cidrBlock: cidrBlock must be an IPv4 \/16 CIDR/,
    },
  ])('$name: one line naming the field, exit 1, nothing written', async ({ file, line }) => {
    const xrFile = file();
    for (const args of [[xrFile], ['--recursive', xrFile]]) {
      const { code, out, err } = await run('render', args);
      expect({ code, out }).toEqual({ code: 1, out: '' });
      const lines = err.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^switchyard render: /);
      expect(lines[0]).toMatch(line);
      expect(lines).toEqual((await validateLines(xrFile)).map((problem) => `switchyard render: ${problem}`));
    }
  });

  it('names every problem, one line each', async () => {
    const file = exampleWith('network-us-east-1.yaml', 'two-problems', (spec) => {
      spec.cidrBlock = '10.0.0.0/24';
      spec.region = 'eu-west-1';
    });
    const { code, out, err } = await run('render', [file]);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err.trimEnd().split('\n')).toEqual(
      (await validateLines(file)).map((problem) => `switchyard render: ${problem}`),
    );
    expect(err).toMatch(/ spec\.cidrBlock: /);
    expect(err).toMatch(/ spec\.region: /);
  });

  it('still renders a valid XR', async () => {
    const { code, err } = await run('render', [join(examplesDir, 'network-us-east-1.yaml')]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
  });

  it('reports a file that is not YAML as one line, exit 1', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'kind: [unclosed\n');
    const { code, out, err } = await run('render', [file]);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toMatch(/^switchyard render: .*broken\.yaml: invalid YAML in document 0: .*\n$/);
  });
});
